"""认定类型目录 in the workbench: province staff edit a draft of their province's catalogue pathway by pathway, then
publish it. Each use case flushes and never commits; every decision leaves an audit entry.

A draft is a catalogue version of status draft, copied from the published one at the first edit. Every save names the
draft it started from (its sha256): someone else's save or publish in between refuses it, so nobody overwrites
another's edit. Publishing retires the version before; claims keep the version they were filed under."""
import copy
from dataclasses import dataclass

from models import CatalogueVersion, Membership, db, utcnow
from models.org import PROVINCE
from models.people import PROVINCE_ADMIN
from models.workflow import DRAFT

from .. import audit
from .. import catalogue as catalogues
from ..catalogue import CatalogueError
from ..i18n import _l

SUBJECT = 'catalogue'


@dataclass(frozen=True)
class PathwayInput:
    code: str
    label: str
    category: str
    unit: str
    sub_types: list[str]
    levels: list[str]
    max_rank: int | None
    cap: str | None
    rule: str
    evidence: str

    def as_data(self) -> dict:
        return dict(self.__dict__)


def province_of(m: Membership) -> int:
    """The province whose catalogue *m* edits: province staff only, their own province."""
    if m is None or m.role != PROVINCE_ADMIN or m.org is None or m.org.kind != PROVINCE:
        raise CatalogueError(_l('只有省级人员可以维护本省的认定类型目录'))
    return m.org_id


def working_content(province_id: int) -> tuple[dict, CatalogueVersion | None]:
    """What the editor shows: the draft's content, else the published version's (else an empty catalogue), and the
    version it is."""
    version = catalogues.draft_of(province_id) or catalogues.published_of(province_id)
    return (copy.deepcopy(version.content) if version else {'levels': [], 'pathways': []}), version


def _check_base(province_id: int, base_sha: str | None) -> CatalogueVersion | None:
    """Lock the province's catalogue, and refuse when its working version is not the one the editor opened."""
    catalogues.lock(province_id)
    _content, version = working_content(province_id)
    if (version.sha256 if version else '') != (base_sha or ''):
        raise CatalogueError(_l('目录已被他人修改或发布，与您打开时不同。为免覆盖对方的修改，本次未保存：请重新打开后再改'))
    return version


def _save(province_id: int, content: dict, m: Membership, action: str, remark: str) -> CatalogueVersion:
    content = catalogues.normalised(content)
    draft = catalogues.draft_of(province_id)
    if draft is None:
        draft = CatalogueVersion(province_id=province_id, version=catalogues.next_version(province_id),
                                 status=DRAFT)
        db.session.add(draft)
    draft.content, draft.sha256 = content, catalogues.digest(content)
    draft.created_by_id, draft.created_at = m.user_id, utcnow()
    db.session.flush()
    audit.log(SUBJECT, draft.id, action, m, remark)
    return draft


def save_pathway(m: Membership, base_sha: str | None, inp: PathwayInput, original_code: str | None) -> CatalogueVersion:
    """Add a pathway (*original_code* None) or change one; the draft is created from the published version first."""
    province_id = province_of(m)
    _check_base(province_id, base_sha)
    content, _version = working_content(province_id)
    pathways = content['pathways']
    data = inp.as_data()
    if original_code is None:
        if any(p['code'] == inp.code for p in pathways):
            raise CatalogueError(_l('认定类型代码“%(code)s”已存在', code=inp.code), 'code')
        pathways.append(data)
        action = '新增认定类型'  # i18n: data (flow log)
    else:
        index = next((i for i, p in enumerate(pathways) if p['code'] == original_code), None)
        if index is None:
            raise CatalogueError(_l('认定类型“%(code)s”不存在', code=original_code))
        data['code'] = original_code  # the code is what claims and the credit table store: it never changes
        pathways[index] = data
        action = '修改认定类型'  # i18n: data (flow log)
    return _save(province_id, content, m, action, f'{inp.label}（{data["code"]}）')  # i18n: data (flow log)


def remove_pathway(m: Membership, base_sha: str | None, code: str) -> CatalogueVersion:
    """Take a pathway out of the draft: new claims can no longer choose it; claims filed under it keep it."""
    province_id = province_of(m)
    _check_base(province_id, base_sha)
    content, _version = working_content(province_id)
    kept = [p for p in content['pathways'] if p['code'] != code]
    if len(kept) == len(content['pathways']):
        raise CatalogueError(_l('认定类型“%(code)s”不存在', code=code))
    removed = next(p for p in content['pathways'] if p['code'] == code)
    content['pathways'] = kept
    return _save(province_id, content, m, '删除认定类型', f'{removed["label"]}（{code}）')  # i18n: data (flow log)


def parse_levels(text: str) -> list[dict]:
    """One level a line, `code = 名称` (e.g. `national = 国家级`)."""
    levels = []
    for number, line in enumerate((text or '').splitlines(), 1):
        if not line.strip():
            continue
        code, sep, label = line.partition('=')
        if not sep:
            raise CatalogueError(_l('第 %(n)s 行应写作“代码 = 名称”，如 national = 国家级', n=number), 'levels')
        levels.append({'code': code.strip(), 'label': label.strip()})
    return levels


def levels_text(content: dict) -> str:
    return '\n'.join(f'{lv["code"]} = {lv["label"]}' for lv in content.get('levels', []))


def save_levels(m: Membership, base_sha: str | None, text: str) -> CatalogueVersion:
    """Replace the levels (code = 名称 per line); a level a pathway still asks for cannot go."""
    province_id = province_of(m)
    _check_base(province_id, base_sha)
    content, _version = working_content(province_id)
    content['levels'] = parse_levels(text)
    codes = {lv['code'] for lv in content['levels']}
    for p in content['pathways']:
        missing = [x for x in p.get('levels', []) if x not in codes]
        if missing:
            raise CatalogueError(_l('“%(label)s”仍使用级别“%(level)s”，不能删除', label=p['label'], level=missing[0]),
                                 'levels')
    return _save(province_id, content, m, '修改级别', '、'.join(lv['label'] for lv in content['levels']))  # i18n: data


def publish(m: Membership, base_sha: str | None, comment: str) -> CatalogueVersion:
    """The draft becomes the province's catalogue for new claims (running claims keep theirs)."""
    province_id = province_of(m)
    draft = _check_base(province_id, base_sha)
    if draft is None or draft.status != DRAFT:
        raise CatalogueError(_l('没有可发布的草稿'))
    comment = (comment or '').strip()
    if not comment:
        raise CatalogueError(_l('请填写发布说明'), 'comment')
    catalogues.normalised(draft.content)  # still valid (a draft is checked at every save)
    catalogues.make_published(draft, m.user_id, comment)
    audit.log(SUBJECT, draft.id, '发布认定类型目录', m, f'第 {draft.version} 版：{comment}')
    return draft


def discard(m: Membership, base_sha: str | None) -> None:
    province_id = province_of(m)
    draft = _check_base(province_id, base_sha)
    if draft is None or draft.status != DRAFT:
        raise CatalogueError(_l('没有可放弃的草稿'))
    audit.log(SUBJECT, draft.id, '放弃草稿', m, f'第 {draft.version} 版草稿')
    db.session.delete(draft)
    db.session.flush()


def version_of(m: Membership, version_id: int) -> CatalogueVersion | None:
    """A version of the province of *m* (None for another province's: as if it did not exist)."""
    version = db.session.get(CatalogueVersion, version_id)
    return version if version is not None and version.province_id == province_of(m) else None

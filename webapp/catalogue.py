"""The province catalogue (认定类型目录): what each pathway is, read from the database.

A catalogue version (models.CatalogueVersion) belongs to one province and holds one JSON document:

    {"levels":   [{"code": "national", "label": "国家级"}, ...],
     "pathways": [{"code": "training", "label": "参加培训进修", "category": "professional",
                   "sub_types": ["培训班", ...], "unit": "天", "levels": [], "max_rank": null,
                   "cap": 36, "rule": "…每天可认定登记6个学时。", "evidence": "…"}, ...]}

Everything that shows, checks or counts a pathway asks this module: `catalogue_for(province_id)` (the latest published
version, which new claims take), `catalogue_version(id)` (the version a claim was filed under), `pathway()`,
`level_label()`, `pathway_choices()`, `level_choices()`. Parsed versions are cached in process memory by id and
sha256; the database stays the source of truth (which version is published is asked once per request).

The shipped catalogues are data files (rules/catalogues/<province>.json) loaded by `load_catalogue(province, data)`.
Their texts are extracted for translation by `extract_catalogue` (babel.cfg), and shown with `|translated`."""
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask import has_app_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from models import CatalogueVersion, Organisation, db, utcnow
from models.workflow import DRAFT, PUBLISHED, RETIRED

from .i18n import N_, _l
from .refusals import Refused

CATALOGUES_DIR = Path(__file__).resolve().parent.parent / 'rules' / 'catalogues'

# What 数量 counts (issue 14). 天 and 半天 are counted from the dates: the quantity is the days (or half-days) from
# start to end, and the activity lies within its year.
UNITS = {'天': N_('天'), '半天': N_('半天'), '科': N_('科'), '篇': N_('篇'), '万字': N_('万字'),  # i18n: data
         '项': N_('项'), '期': N_('期'), '门': N_('门')}
DATED_UNITS = {'天': 1, '半天': 2}  # i18n: data - quantity per day
CATEGORY_LABELS = {'public': N_('公需科目'), 'professional': N_('专业科目')}
MAX_QUANTITY = 1000  # days, subjects, papers … of one claim; the column holds at most 99999.9
MAX_RANK = 99
MAX_CAP = 1000
CODE_CHARS = set('abcdefghijklmnopqrstuvwxyz0123456789_')
LIMITS = {'code': 30, 'label': 50, 'sub_type': 50, 'rule': 1000, 'evidence': 500, 'pathways': 60, 'sub_types': 30,
          'levels': 30}


class CatalogueError(Refused):
    """The catalogue (or a pathway of it) is not valid, or was changed meanwhile; nothing is stored."""


@dataclass(frozen=True)
class Pathway:
    code: str
    label: str
    sub_types: tuple[str, ...]
    unit: str                       # what 数量 counts: a key of UNITS
    levels: tuple[str, ...] = ()    # empty: no level asked
    max_rank: int | None = None     # rank asked when set
    category: str = 'professional'  # a key of CATEGORY_LABELS
    rule: str = ''                  # the rule text shown to learners
    evidence: str = ''              # the evidence it needs
    cap: Decimal | None = None      # hours a year at most; None: no cap of its own

    @property
    def dated(self) -> bool:
        """The quantity is counted from the dates (天 / 半天)."""
        return self.unit in DATED_UNITS

    def quantity_from_dates(self, start, end) -> Decimal:
        return Decimal(((end - start).days + 1) * DATED_UNITS[self.unit])

    def as_data(self) -> dict:
        return {'code': self.code, 'label': self.label, 'category': self.category, 'sub_types': list(self.sub_types),
                'unit': self.unit, 'levels': list(self.levels), 'max_rank': self.max_rank,
                'cap': _number(self.cap), 'rule': self.rule, 'evidence': self.evidence}


@dataclass(frozen=True)
class Catalogue:
    id: int | None
    province_id: int | None
    version: int | None
    sha256: str
    pathways: dict[str, Pathway] = field(default_factory=dict)
    level_labels: dict[str, str] = field(default_factory=dict)

    def pathway(self, code) -> Pathway | None:
        return self.pathways.get(code)

    def level_label(self, code) -> str:
        return self.level_labels.get(code, code or '')

    def as_data(self) -> dict:
        return {'levels': [{'code': c, 'label': label} for c, label in self.level_labels.items()],
                'pathways': [p.as_data() for p in self.pathways.values()]}


EMPTY = Catalogue(None, None, None, '')


def _number(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


# ---- validation: what a catalogue document must be ---------------------------------------------------------------

def _text(value, limit: int, what, required=True, lines=False) -> str:
    """*lines*: line breaks kept (a rule text), else all white space runs become one space."""
    raw = str(value or '').replace('\r\n', '\n')
    text = '\n'.join(' '.join(line.split()) for line in raw.strip().split('\n')) if lines else ' '.join(raw.split())
    if required and not text:
        raise CatalogueError(_l('%(what)s不能为空', what=what))
    if len(text) > limit:
        raise CatalogueError(_l('%(what)s不能超过 %(n)s 个字', what=what, n=limit))
    return text


def _code(value, what) -> str:
    code = str(value or '').strip()
    if not code or len(code) > LIMITS['code'] or not set(code) <= CODE_CHARS or not code[0].isalpha():
        raise CatalogueError(_l('%(what)s“%(code)s”无效：应为小写字母开头的字母、数字或下划线，最多 30 个字符',
                                what=what, code=code[:40]))
    return code


def _int(value, low, high, message):
    if value in (None, ''):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise CatalogueError(message) from None
    if not low <= number <= high:
        raise CatalogueError(message)
    return number


def _cap(value):
    if value in (None, ''):
        return None
    message = _l('年度上限应为 1 到 %(max)s 之间的学时数（不设上限请留空）', max=MAX_CAP)
    try:
        cap = Decimal(str(value).strip())
    except InvalidOperation:
        raise CatalogueError(message) from None
    if not cap.is_finite() or not Decimal(1) <= cap <= MAX_CAP or cap != cap.quantize(Decimal('0.1')):
        raise CatalogueError(message)
    return cap


def normalised(data) -> dict:
    """The document as it is stored: every field checked and bounded, in one order (so that its sha256 names it).
    CatalogueError names the first problem."""
    if not isinstance(data, dict):
        raise CatalogueError(_l('目录格式无效'))
    levels_in = data.get('levels') or []
    if not isinstance(levels_in, list) or len(levels_in) > LIMITS['levels']:
        raise CatalogueError(_l('级别最多 %(n)s 个', n=LIMITS['levels']))
    levels = {}
    for item in levels_in:
        item = item if isinstance(item, dict) else {}
        code = _code(item.get('code'), _l('级别代码'))
        if code in levels:
            raise CatalogueError(_l('级别代码“%(code)s”重复', code=code))
        levels[code] = _text(item.get('label'), LIMITS['label'], _l('级别名称'))
    if len(set(levels.values())) != len(levels):
        raise CatalogueError(_l('级别名称不能重复'))
    pathways_in = data.get('pathways') or []
    if not isinstance(pathways_in, list) or len(pathways_in) > LIMITS['pathways']:
        raise CatalogueError(_l('认定类型最多 %(n)s 个', n=LIMITS['pathways']))
    pathways, labels = [], set()
    for item in pathways_in:
        pathways.append(_pathway(item if isinstance(item, dict) else {}, levels))
        if pathways[-1]['code'] in {p['code'] for p in pathways[:-1]}:
            raise CatalogueError(_l('认定类型代码“%(code)s”重复', code=pathways[-1]['code']))
        if pathways[-1]['label'] in labels:
            raise CatalogueError(_l('认定类型名称“%(label)s”重复', label=pathways[-1]['label']))
        labels.add(pathways[-1]['label'])
    return {'levels': [{'code': c, 'label': label} for c, label in levels.items()], 'pathways': pathways}


def _pathway(item: dict, levels: dict) -> dict:
    code = _code(item.get('code'), _l('认定类型代码'))
    label = _text(item.get('label'), LIMITS['label'], _l('认定类型名称'))
    sub_types_in = item.get('sub_types') or []
    if isinstance(sub_types_in, str):
        sub_types_in = sub_types_in.splitlines()
    sub_types = list(dict.fromkeys(t for t in (_text(s, LIMITS['sub_type'], _l('二级类型'), False)
                                               for s in sub_types_in) if t))
    if not sub_types:
        raise CatalogueError(_l('“%(label)s”至少要有一个二级类型', label=label))
    if len(sub_types) > LIMITS['sub_types']:
        raise CatalogueError(_l('“%(label)s”的二级类型最多 %(n)s 个', label=label, n=LIMITS['sub_types']))
    unit = str(item.get('unit') or '')
    if unit not in UNITS:
        raise CatalogueError(_l('“%(label)s”的数量单位应为：%(units)s', label=label, units='、'.join(UNITS)))
    category = str(item.get('category') or 'professional')
    if category not in CATEGORY_LABELS:
        raise CatalogueError(_l('“%(label)s”的科目类别无效', label=label))
    asked = list(dict.fromkeys(str(x) for x in (item.get('levels') or [])))
    unknown = [x for x in asked if x not in levels]
    if unknown:
        raise CatalogueError(_l('“%(label)s”的级别“%(level)s”不在级别列表中', label=label, level=unknown[0][:40]))
    max_rank = _int(item.get('max_rank'), 1, MAX_RANK, _l('“%(label)s”的排名上限应为 1 到 %(max)s 之间的整数',
                                                          label=label, max=MAX_RANK))
    return {'code': code, 'label': label, 'category': category, 'sub_types': sub_types, 'unit': unit,
            'levels': [x for x in levels if x in asked], 'max_rank': max_rank, 'cap': _number(_cap(item.get('cap'))),
            'rule': _text(item.get('rule'), LIMITS['rule'], _l('规则说明'), False, lines=True),
            'evidence': _text(item.get('evidence'), LIMITS['evidence'], _l('所需材料'), False)}


def digest(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


# ---- reading: parsed once per version, published version asked once per request ------------------------------------

_PARSED: dict[tuple[int, str], Catalogue] = {}


def parse(content: dict, version: CatalogueVersion | None = None) -> Catalogue:
    pathways = {p['code']: Pathway(
        code=p['code'], label=p['label'], sub_types=tuple(p['sub_types']), unit=p['unit'],
        levels=tuple(p.get('levels') or ()), max_rank=p.get('max_rank'), category=p.get('category', 'professional'),
        rule=p.get('rule') or '', evidence=p.get('evidence') or '',
        cap=Decimal(str(p['cap'])) if p.get('cap') is not None else None) for p in content.get('pathways', [])}
    return Catalogue(version.id if version else None, version.province_id if version else None,
                     version.version if version else None, version.sha256 if version else digest(content),
                     pathways, {lv['code']: lv['label'] for lv in content.get('levels', [])})


def _cached(version_id: int, sha: str) -> Catalogue:
    key = (version_id, sha)
    if key not in _PARSED:
        version = db.session.get(CatalogueVersion, version_id)
        _PARSED[key] = parse(version.content, version)
    return _PARSED[key]


def _memo() -> dict:
    """Which versions this transaction has read (one request, one chunk of a job): kept on the session until it
    commits or rolls back, so that a page asks the database once whichever code asks this module."""
    return db.session.info.setdefault('catalogues', {}) if has_app_context() else {}


@event.listens_for(Session, 'after_commit')
@event.listens_for(Session, 'after_rollback')
def _transaction_ended(session, *_args) -> None:
    session.info.pop('catalogues', None)


def forget() -> None:
    """Publishing changed which version is current: the transaction asks again."""
    _memo().clear()


def catalogue_for(province_id: int | None) -> Catalogue:
    """The province's latest published catalogue (what a new claim is filed under); EMPTY when it has none."""
    memo = _memo()
    if province_id in memo:
        return memo[province_id]
    row = db.session.execute(
        select(CatalogueVersion.id, CatalogueVersion.sha256)
        .where(CatalogueVersion.province_id == province_id, CatalogueVersion.status == PUBLISHED)
        .order_by(CatalogueVersion.version.desc()).limit(1)).first() if province_id is not None else None
    memo[province_id] = _cached(*row) if row else EMPTY
    return memo[province_id]


def catalogue_version(version_id: int | None, province_id: int | None = None) -> Catalogue:
    """A version by id (a claim's); without one, the province's current catalogue."""
    if version_id is None:
        return catalogue_for(province_id)
    memo = _memo()
    key = ('version', version_id)
    if key not in memo:
        sha = db.session.scalar(select(CatalogueVersion.sha256).where(CatalogueVersion.id == version_id))
        memo[key] = _cached(version_id, sha) if sha else catalogue_for(province_id)
    return memo[key]


def catalogue_of(claim) -> Catalogue:
    """What a claim (or a supplement entry) was filed under."""
    return catalogue_version(getattr(claim, 'catalogue_version_id', None), claim.province_id)


def pathway(province_id: int | None, code: str) -> Pathway | None:
    return catalogue_for(province_id).pathway(code)


def level_label(province_id: int | None, code: str | None) -> str:
    return catalogue_for(province_id).level_label(code)


def pathway_choices(province_id: int | None) -> list[tuple[str, str]]:
    """(code, label) of the province's current pathways, in the catalogue's order (the DMN editor's pickers)."""
    return [(p.code, p.label) for p in catalogue_for(province_id).pathways.values()]


def level_choices(province_id: int | None) -> list[tuple[str, str]]:
    return list(catalogue_for(province_id).level_labels.items())


class Labels(dict):
    """code -> Pathway for lists and filters: the current catalogue's pathways, then those only older published
    versions have (a claim filed under a pathway since removed still shows its name)."""


def known_pathways(province_id: int | None) -> Labels:
    memo = _memo()
    key = ('known', province_id)
    if key in memo:
        return memo[key]
    labels = Labels(catalogue_for(province_id).pathways)
    rows = db.session.execute(select(CatalogueVersion.id, CatalogueVersion.sha256).where(
        CatalogueVersion.province_id == province_id, CatalogueVersion.status == RETIRED)
        .order_by(CatalogueVersion.version.desc())).all() if province_id is not None else []
    for row in rows:
        for code, p in _cached(*row).pathways.items():
            labels.setdefault(code, p)
    memo[key] = labels
    return labels


def pathway_name(province_id: int | None, code: str) -> str:
    """The Chinese name of a pathway code of the province (current or older versions); the code if none has it."""
    p = known_pathways(province_id).get(code)
    return p.label if p else code


def member_province_id(m) -> int | None:
    """The province of *m* (a membership), None without one."""
    return m.org.province.id if m is not None and m.org is not None else None


def member_pathways(m) -> Labels:
    """known_pathways of the province of *m* (a membership): what its lists show and filter by."""
    return known_pathways(member_province_id(m))


def all_published() -> list[Catalogue]:
    """Every province's current catalogue (the credit table is shared: its trial asks every pathway)."""
    rows = db.session.execute(select(CatalogueVersion.id, CatalogueVersion.sha256).where(
        CatalogueVersion.status == PUBLISHED).order_by(CatalogueVersion.province_id)).all()
    return [_cached(*row) for row in rows]


def every_pathway() -> list[Pathway]:
    """The pathways of every province's current catalogue, one per code; before any is published (the shipped
    diagrams are loaded before the first province), those of the shipped catalogue files."""
    catalogues = all_published() or [parse(normalised(shipped(path.stem)))
                                     for path in sorted(CATALOGUES_DIR.glob('*.json'))]
    return list({p.code: p for c in catalogues for p in c.pathways.values()}.values())


# ---- writing: drafts, publishing, the shipped files ----------------------------------------------------------------

def lock(province_id: int) -> None:
    """Saves and publishes of one province's catalogue take turns (its organisation row)."""
    db.session.execute(select(Organisation.id).where(Organisation.id == province_id).with_for_update())


def versions_of(province_id: int) -> list[CatalogueVersion]:
    return list(db.session.scalars(select(CatalogueVersion).where(CatalogueVersion.province_id == province_id)
                                   .order_by(CatalogueVersion.version.desc())))


def draft_of(province_id: int) -> CatalogueVersion | None:
    return db.session.scalar(select(CatalogueVersion).where(CatalogueVersion.province_id == province_id,
                                                            CatalogueVersion.status == DRAFT))


def published_of(province_id: int) -> CatalogueVersion | None:
    return db.session.scalar(select(CatalogueVersion).where(
        CatalogueVersion.province_id == province_id, CatalogueVersion.status == PUBLISHED)
        .order_by(CatalogueVersion.version.desc()).limit(1))


def next_version(province_id: int) -> int:
    return (db.session.scalar(select(func.max(CatalogueVersion.version))
                              .where(CatalogueVersion.province_id == province_id)) or 0) + 1


def make_published(version: CatalogueVersion, user_id: int | None, comment: str) -> None:
    """*version* becomes the province's published catalogue; the one before is retired (claims keep it)."""
    for old in db.session.scalars(select(CatalogueVersion).where(
            CatalogueVersion.province_id == version.province_id, CatalogueVersion.status == PUBLISHED,
            CatalogueVersion.id != version.id)):
        old.status = RETIRED
    version.status, version.comment = PUBLISHED, comment[:500]
    version.created_by_id, version.published_at = user_id, utcnow()
    db.session.flush()
    forget()


def load_catalogue(province: Organisation, data: dict, comment: str = '初始版本') -> CatalogueVersion:  # i18n: data
    """Publish *data* (a catalogue document, e.g. rules/catalogues/zhejiang.json) as *province*'s catalogue; nothing
    new when it is already the published version. Flushes."""
    content = normalised(data)
    sha = digest(content)
    current = published_of(province.id)
    if current is not None and current.sha256 == sha:
        return current
    version = CatalogueVersion(province_id=province.id, version=next_version(province.id), content=content,
                               sha256=sha)
    db.session.add(version)
    db.session.flush()
    make_published(version, None, comment)
    return version


def shipped(name: str) -> dict:
    """A catalogue file of rules/catalogues (name without .json)."""
    return json.loads((CATALOGUES_DIR / f'{name}.json').read_text(encoding='utf-8'))


def extract_catalogue(fileobj, keywords, comment_tags, options):  # noqa: ARG001 - the extractor signature
    """Babel extractor for rules/catalogues/*.json: the labels, sub-types, rule and evidence texts, for translation
    where they are shown (`|translated`)."""
    data = json.loads(fileobj.read().decode('utf-8'))
    for level in data.get('levels', []):
        yield 1, None, level['label'], []
    for p in data.get('pathways', []):
        for text in [p['label'], *p.get('sub_types', []), p.get('rule'), p.get('evidence')]:
            if text:
                yield 1, None, text, []

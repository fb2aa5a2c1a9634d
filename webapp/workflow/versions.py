"""Process and rule versions in the database: shipped defaults become version 1; new instances use the latest
published version, running instances keep the one they started on."""
import re
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from lxml import etree
from sqlalchemy import and_, func, or_, select

from models import Organisation, ProcessVersion, db
from models.org import PROVINCE
from models.workflow import BPMN, DMN, PUBLISHED, RETIRED

from ..i18n import _l
from .catalog import DELETED, MEANING_ORDER, PENDING, STATUSES
from .engine import cached_spec, parse_process, schema_check, sha256, spec_hash_of
from .trial import try_decision, try_process
from .validation import DiagramError, parsed_decision, validate_decision, validate_parsed

ROOT = Path(__file__).resolve().parents[2]
BPMN_NS = {'bpmn': 'http://www.omg.org/spec/BPMN/20100524/MODEL',
           'spiffworkflow': 'http://spiffworkflow.org/bpmn/schema/1.0/core'}


def _process_id(bpmn_xml: str) -> str:
    root = etree.fromstring(bpmn_xml.encode('utf-8'))
    return root.find('bpmn:process', BPMN_NS).get('id')


def called_decisions(bpmn_xml: str) -> list[str]:
    return sorted(set(re.findall(r'<spiffworkflow:calledDecisionId>\s*([\w.-]+)\s*</', bpmn_xml)))


def _decision_id(dmn_xml: str) -> str:
    root = etree.fromstring(dmn_xml.encode('utf-8'))
    return root.find('{*}decision').get('id')


# Inside `same_versions()` (one bulk job), the published version of a key is looked up once: thousands of rows of
# one import start on the same versions instead of asking the database three times per row; and what depends only on
# those versions (a decision's outputs for given inputs: rules.decide) is worked out once per job (`job_memo`).
_PINNED: ContextVar[dict | None] = ContextVar('pinned_versions', default=None)
_MEMO: ContextVar[dict | None] = ContextVar('same_versions_memo', default=None)


@contextmanager
def same_versions():
    token, memo = _PINNED.set({}), _MEMO.set({})
    try:
        yield
    finally:
        _PINNED.reset(token)
        _MEMO.reset(memo)


def job_memo() -> dict | None:
    """Inside same_versions(): a dict kept for the block, for results that depend only on the pinned versions and
    their inputs; None outside (each call works them out again)."""
    return _MEMO.get()


def published(kind: str, key: str, province_id: int) -> ProcessVersion | None:
    """The latest published version of (kind, key) of the province *province_id* (each province owns its own)."""
    pinned = _PINNED.get()
    if pinned is not None and (province_id, kind, key) in pinned:
        # held here, not only in the session's (weak) identity map: no query, once loaded after each commit
        return pinned[(province_id, kind, key)]
    version = db.session.scalar(select(ProcessVersion).where(
        ProcessVersion.province_id == province_id, ProcessVersion.kind == kind, ProcessVersion.key == key,
        ProcessVersion.status == PUBLISHED,
    ).order_by(ProcessVersion.version.desc()).limit(1))
    if pinned is not None and version is not None:
        pinned[(province_id, kind, key)] = version
    return version


# The decisions a diagram calls, by the sha256 of its content: read from the content once per diagram.
_CALLED_BY_SHA256: dict[str, list[str]] = {}


def published_process(process_key: str, province_id: int):
    """What a new instance of *process_key* in the province *province_id* starts on: (the latest published
    diagram's id, the ids of the latest
    published versions of the decisions it calls, the parsed spec); None when the process is not published. One
    query of ids and content hashes: the parsed spec comes from the cache keyed by them, the contents are read only
    when it is not there yet (the first instance after a start or a new version)."""
    pinned = _PINNED.get()
    if pinned is not None and ('start', province_id, process_key) in pinned:
        return pinned[('start', province_id, process_key)]
    rows = db.session.execute(select(ProcessVersion.id, ProcessVersion.kind, ProcessVersion.key, ProcessVersion.sha256)
                              .where(ProcessVersion.province_id == province_id, ProcessVersion.status == PUBLISHED,
                                     or_(and_(ProcessVersion.kind == BPMN, ProcessVersion.key == process_key),
                                         ProcessVersion.kind == DMN))
                              .order_by(ProcessVersion.version)).all()
    latest = {(kind, key): (version_id, digest) for version_id, kind, key, digest in rows}  # the highest version wins
    if (BPMN, process_key) not in latest:
        return None
    process_id, process_sha256 = latest[(BPMN, process_key)]
    if process_sha256 not in _CALLED_BY_SHA256:
        _CALLED_BY_SHA256[process_sha256] = called_decisions(db.session.get(ProcessVersion, process_id).content)
    rules = [latest[(DMN, decision)] for decision in _CALLED_BY_SHA256[process_sha256]]
    parsed = cached_spec(spec_hash_of(process_sha256, [digest for _id, digest in rules]))
    if parsed is None:
        parsed = parse_versions(db.session.get(ProcessVersion, process_id),
                                [db.session.get(ProcessVersion, rule_id) for rule_id, _digest in rules])
    result = process_id, [rule_id for rule_id, _digest in rules], parsed
    if pinned is not None:
        pinned[('start', province_id, process_key)] = result
    return result


# The status labels a diagram names, in the order it names them, by the sha256 of its content.
_LABELS_BY_SHA256: dict[str, list[str]] = {}


def _labels_in(bpmn_xml: str) -> list[str]:
    root = etree.fromstring(bpmn_xml.encode('utf-8'))
    found = (p.get('value') for p in root.iter(f'{{{BPMN_NS["spiffworkflow"]}}}property')
             if p.get('name') == 'statusLabel')
    return list(dict.fromkeys(label for label in found if label))


def status_choices(process_key: str, province_id: int | None) -> list[tuple[str, str]]:
    """What the tabs and status filters of *process_key*'s subjects in the province offer: (label, meaning) for each
    status label its published diagram names, and those of its retired versions (instances started on them still
    carry theirs), in the order of catalog.MEANING_ORDER and then as the diagrams name them; deleted ones left out.
    One query of ids and content hashes; a diagram's content is read once per process."""
    rows = db.session.execute(select(ProcessVersion.id, ProcessVersion.sha256).where(
        ProcessVersion.province_id == province_id, ProcessVersion.kind == BPMN, ProcessVersion.key == process_key,
        ProcessVersion.status.in_((PUBLISHED, RETIRED))).order_by(ProcessVersion.version.desc())).all()
    meanings = {}
    for version_id, digest in rows:
        if digest not in _LABELS_BY_SHA256:
            _LABELS_BY_SHA256[digest] = _labels_in(db.session.get(ProcessVersion, version_id).content)
        for label in _LABELS_BY_SHA256[digest]:
            meanings.setdefault(label, STATUSES.get(label, PENDING))
    rank = {meaning: i for i, meaning in enumerate(MEANING_ORDER)}
    return sorted(((label, meaning) for label, meaning in meanings.items() if meaning != DELETED),
                  key=lambda choice: rank[choice[1]])


def parse_versions(process: ProcessVersion, rules: list[ProcessVersion]):
    """Parsed spec for a process version with its rule versions (cached by content)."""
    return parse_process(process.key, process.content, tuple(r.content for r in rules))


def content_key(kind: str, content: str) -> str:
    """The process id (BPMN) or decision id (DMN) of *content*; DiagramError when it is not a diagram."""
    try:
        return _process_id(content) if kind == BPMN else _decision_id(content)
    except (etree.XMLSyntaxError, AttributeError, ValueError):
        raise DiagramError([_l('不是有效的 BPMN 流程图') if kind == BPMN else _l('不是有效的 DMN 决策表')]) from None


def validate_content(kind: str, content: str, province_id: int) -> str:
    """Every check a version of the province *province_id* must pass before it may run (the whitelist, the catalog's
    names, then a trial on sample data: trial.py); returns its key, raises DiagramError with every problem."""
    key = content_key(kind, content)
    if kind == BPMN:
        rules = []
        for decision in called_decisions(content):
            rule = published(DMN, decision, province_id)
            if rule is None:
                raise DiagramError([_l('业务规则任务引用的决策表 "%(decision)s" 尚未发布', decision=decision)])
            rules.append(rule)
        try:
            schema_check(content)
            parsed = parse_process(key, content, tuple(r.content for r in rules))
        except Exception as exc:  # the parser's own messages name the element
            raise DiagramError([_l('流程图无法解析：%(reason)s', reason=exc)]) from exc
        validate_parsed(parsed)
        problems = try_process(parsed)
    else:
        validate_decision(content)
        problems = try_decision(parsed_decision(content), key)
    if problems:
        raise DiagramError(problems)
    return key


def add_version(kind: str, content: str, province_id: int, user_id=None, comment=None,
                status=PUBLISHED) -> ProcessVersion:
    """Store a new version of the province *province_id* after validating it; raises DiagramError with every
    problem found."""
    key = validate_content(kind, content, province_id)
    latest = db.session.scalar(select(func.max(ProcessVersion.version)).where(
        ProcessVersion.province_id == province_id, ProcessVersion.kind == kind, ProcessVersion.key == key)) or 0
    version = ProcessVersion(province_id=province_id, kind=kind, key=key, version=latest + 1, content=content,
                             sha256=sha256(content), status=status, comment=comment, created_by_id=user_id)
    db.session.add(version)
    db.session.flush()
    if status == PUBLISHED:
        retire_superseded(version)
    return version


def retire_superseded(version: ProcessVersion) -> None:
    """The other published versions of the key become retired (已停用): no new instance starts on them, while the
    instances already running on them carry on."""
    for older in db.session.scalars(select(ProcessVersion).where(
            ProcessVersion.province_id == version.province_id, ProcessVersion.kind == version.kind,
            ProcessVersion.key == version.key,
            ProcessVersion.status == PUBLISHED, ProcessVersion.id != version.id)):
        older.status = RETIRED


def shipped_variant(name: str) -> str:
    """The content of a shipped variant diagram bpmn/variants/*name*.bpmn (not loaded by load_defaults: a province
    publishes it as a new version, e.g. 广西's one-tier claim process)."""
    return (ROOT / 'bpmn' / 'variants' / f'{name}.bpmn').read_text(encoding='utf-8')


def load_defaults(province_id: int | None = None) -> list[ProcessVersion]:
    """Load rules/*.dmn then bpmn/*.bpmn as version 1 of each for the province *province_id* (default: every
    province), skipping any key the province already has."""
    provinces = [province_id] if province_id is not None else list(db.session.scalars(
        select(Organisation.id).where(Organisation.kind == PROVINCE).order_by(Organisation.id)))
    added = []
    for province in provinces:
        for kind, folder, pattern in ((DMN, 'rules', '*.dmn'), (BPMN, 'bpmn', '*.bpmn')):
            for path in sorted((ROOT / folder).glob(pattern)):
                content = path.read_text(encoding='utf-8')
                key = _process_id(content) if kind == BPMN else _decision_id(content)
                exists = db.session.scalar(select(ProcessVersion.id).where(
                    ProcessVersion.province_id == province, ProcessVersion.kind == kind,
                    ProcessVersion.key == key).limit(1))
                if not exists:
                    added.append(add_version(kind, content, province,  # i18n: data (stored, as written)
                                             comment='随系统发布的默认版本'))
    return added

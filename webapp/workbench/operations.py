"""Drafts, publishing, history and diffs of process (BPMN) and credit-table (DMN) versions; decision test cases.

Each province owns its versions: every function here works on the versions of one province (the staff's own), and
nothing of another province is listed, opened, diffed or published. One draft per (province, kind, key).

A save names the version it was based on (id + content hash): when someone else saved or
published since, the save is refused naming who and when, so nobody overwrites an edit they have not seen. Drafts may
be saved with problems (they never run); publishing validates everything again, runs the table's saved test cases and
makes the draft the version new instances start on. Running instances keep the version they started on.
"""
import difflib
import json
import re
from collections import Counter

from flask_babel import gettext as _
from lxml import etree

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import defer

from models import DecisionTestCase, Membership, ProcessVersion, User, WorkflowInstance, db, utcnow
from models.workflow import BPMN, DMN, DRAFT, PUBLISHED

from .. import audit
from ..formatting import format_local_time
from ..i18n import _l
from ..numbers import NumberRefused, parse_decimal, row_id
from ..refusals import Refused
from ..workflow import rules, versions
from ..workflow.catalog import PROCESS_NAMES
from ..workflow.engine import sha256
from ..workflow.feel import FeelError, translate_decision
from ..workflow.validation import DiagramError
from .choices import input_choices

KINDS = {BPMN: _l('流程'), DMN: _l('决策表')}
LOGGED_KINDS = {BPMN: '流程', DMN: '决策表'}  # i18n: data - the flow log's words, kept as written
# The bench's inputs: name, type, and what a value that is not of the type is told.
BENCH_INPUTS = (('pathway', str, None), ('level', str, None), ('rank', int, _l('排名应为数字')),
                ('quantity', float, _l('数量应为数字')))
INPUT_LABELS = {'pathway': _l('认定类型'), 'level': _l('级别'), 'rank': _l('排名'), 'quantity': _l('数量')}
NUMBER_TYPES = ('number', 'integer', 'long', 'double')  # DMN typeRefs whose expected outputs are numbers
OUTPUT_PREFIX = 'expect-'  # the test-case form's field of each output: expect-<output name>
ELEMENT_IN_PROBLEM = re.compile(r'(?:元素|[Ee]lement) ([\w.-]+)')  # i18n: data - how a problem names its element


class WorkbenchError(Refused):
    """Refused; nothing changed. *problems* (each naming an element or a cell) are listed under the message."""

    def __init__(self, message, problems=()):
        super().__init__(message, details=problems)
        self.problems = self.details


def _author(user_id) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.name if user else _('系统')


def _when(version: ProcessVersion) -> str:
    return format_local_time(version.created_at)


def _mine(province_id: int, kind: str, key: str) -> list:
    """SQL conditions: the versions of (kind, key) of the province."""
    return [ProcessVersion.province_id == province_id, ProcessVersion.kind == kind, ProcessVersion.key == key]


def draft_of(province_id: int, kind: str, key: str) -> ProcessVersion | None:
    return db.session.scalar(select(ProcessVersion).where(
        *_mine(province_id, kind, key), ProcessVersion.status == DRAFT))


def version_of(province_id: int, kind: str, key: str, version_id) -> ProcessVersion:
    version_id = version_id if isinstance(version_id, int) else row_id(version_id)
    version = db.session.get(ProcessVersion, version_id) if version_id else None
    if version is None or version.province_id != province_id or version.kind != kind or version.key != key:
        raise WorkbenchError(_l('没有这个版本'))
    return version


def working_copy(province_id: int, kind: str, key: str) -> ProcessVersion:
    """What the editor opens: the draft if there is one, else the published version."""
    version = draft_of(province_id, kind, key) or versions.published(kind, key, province_id)
    if version is None:
        raise WorkbenchError(_l('没有决策表 %(key)s', key=key) if kind == DMN else _l('没有流程 %(key)s', key=key))
    return version


def problems_of(province_id: int, kind: str, content: str) -> list[str]:
    try:
        versions.validate_content(kind, content, province_id)
    except DiagramError as exc:
        return [str(problem) for problem in exc.problems]  # plain text: the page escapes it
    return []


def problem_element_ids(problems: list[str]) -> list[str]:
    """The diagram elements the problems name, for the editor to highlight."""
    return sorted({m.group(1) for p in problems for m in [ELEMENT_IN_PROBLEM.match(p)] if m})


def decision_keys(province_id: int) -> list[str]:
    """The credit tables a process of the province may call (the BPMN editor offers them)."""
    return sorted(db.session.scalars(select(ProcessVersion.key).distinct().where(
        ProcessVersion.province_id == province_id, ProcessVersion.kind == DMN)))


def _lock_key(province_id: int, kind: str, key: str) -> None:
    """Saves, publishes and discards of one process take turns (row locks on its versions; SQLite's writes queue
    anyway): the second of two people acting at once then sees the first one's change and is told, instead of
    overwriting it or publishing what nobody validated."""
    db.session.execute(select(ProcessVersion.id).where(*_mine(province_id, kind, key)).with_for_update())


def save_draft(kind: str, key: str, content: str, m: Membership, base_version_id, base_sha: str):
    """Store *content* as the draft of (kind, key) of *m*'s province; returns (draft, validation problems).
    Refused (nothing changes)
    when the content is not a diagram of this key, a DMN cell cannot be translated, or someone saved or published
    since the version the editor opened (base_version_id, base_sha)."""
    if kind not in KINDS:
        raise WorkbenchError(_l('未知的类型'))
    if kind == DMN:
        try:
            content = translate_decision(content)
        except FeelError as exc:
            raise WorkbenchError(_l('决策表有无法识别的单元格，草稿未保存'), exc.problems) from None
    try:
        content_key = versions.content_key(kind, content)
    except DiagramError as exc:
        raise WorkbenchError(_l('草稿未保存'), exc.problems) from None
    if content_key != key:
        raise WorkbenchError(
            _l('决策表标识不能修改（应为 %(key)s，收到 %(got)s），草稿未保存', key=key, got=content_key) if kind == DMN
            else _l('流程标识不能修改（应为 %(key)s，收到 %(got)s），草稿未保存', key=key, got=content_key))
    province_id = m.org_id
    _lock_key(province_id, kind, key)
    draft = draft_of(province_id, kind, key)
    published = versions.published(kind, key, province_id)
    base = str(base_version_id or '')
    if draft is not None:
        if base != str(draft.id) or base_sha != draft.sha256:
            raise WorkbenchError(_l('草稿已被 %(author)s 于 %(when)s 保存，与您打开时不同。'
                                    '为免覆盖对方的修改，本次未保存：请重新打开编辑器，在最新草稿上修改',
                                    author=_author(draft.created_by_id), when=_when(draft)))
    elif published is not None and (base != str(published.id) or base_sha != published.sha256):
        raise WorkbenchError(_l('第 %(version)s 版已被 %(author)s 于 %(when)s 发布，与您打开时不同。'
                                '为免覆盖对方的修改，本次未保存：请重新打开编辑器', version=published.version,
                                author=_author(published.created_by_id), when=_when(published)))
    if draft is None:
        latest = db.session.scalar(select(func.max(ProcessVersion.version)).where(
            *_mine(province_id, kind, key))) or 0
        draft = ProcessVersion(province_id=province_id, kind=kind, key=key, version=latest + 1, status=DRAFT)
        db.session.add(draft)
    draft.content = content
    draft.sha256 = sha256(content)
    draft.created_by_id = m.user_id
    draft.created_at = utcnow()
    db.session.flush()
    problems = problems_of(province_id, kind, content)
    audit.log('process_version', draft.id, '保存草稿', m,
              f'{LOGGED_KINDS[kind]} {key} 第 {draft.version} 版草稿' + (f'（{len(problems)} 个问题待修正）' if problems else ''))
    return draft, problems


def publish_consequence(kind: str, key: str, draft: ProcessVersion) -> str:
    """What 发布 will do, named in its confirmation."""
    return str(_l('将发布%(kind)s“%(name)s”的第 %(version)s 版：新发起的事项将使用此版本，进行中的事项仍按原版本办理。',
                  kind=KINDS[kind], name=PROCESS_NAMES.get(key, key), version=draft.version))


def publish(kind: str, key: str, m: Membership, comment: str, draft_sha: str | None = None) -> ProcessVersion:
    """Make the draft the published version for new instances, after every check and (DMN) every saved test case."""
    province_id = m.org_id
    _lock_key(province_id, kind, key)
    draft = draft_of(province_id, kind, key)
    if draft is None:
        raise WorkbenchError(_l('没有可发布的草稿'))
    if draft_sha is not None and draft_sha != draft.sha256:
        raise WorkbenchError(_l('草稿已被 %(author)s 于 %(when)s 再次保存，请先查看最新草稿再发布',
                                author=_author(draft.created_by_id), when=_when(draft)))
    comment = (comment or '').strip()
    if not comment:
        raise WorkbenchError(_l('请填写发布说明'))
    problems = problems_of(province_id, kind, draft.content)
    if problems:
        raise WorkbenchError(_l('草稿未通过校验，不能发布'), problems)
    if kind == DMN:
        failed = [r for r in run_cases(province_id, key, draft.content) if not r['passed']]
        if failed:
            raise WorkbenchError(_l('决策表的测试用例未通过，不能发布'), [
                _l('用例“%(case)s”：期望 %(expected)s，实际 %(actual)s', case=r['case'].name or r['case'].id,
                   expected=_json(r['case'].expected), actual=r['actual']) for r in failed])
    latest = db.session.scalar(select(func.max(ProcessVersion.version)).where(
        *_mine(province_id, kind, key), ProcessVersion.id != draft.id)) or 0
    if draft.version <= latest:
        draft.version = latest + 1
    draft.status = PUBLISHED
    draft.comment = comment[:500]
    draft.created_by_id = m.user_id
    draft.created_at = utcnow()
    versions.retire_superseded(draft)
    db.session.flush()
    audit.log('process_version', draft.id, '发布', m, f'{LOGGED_KINDS[kind]} {key} 第 {draft.version} 版：{comment}')
    return draft


def discard_draft(kind: str, key: str, m: Membership, draft_sha: str | None) -> None:
    """Throw the draft away (the published version stays); refused when it was saved again since it was shown."""
    _lock_key(m.org_id, kind, key)
    draft = draft_of(m.org_id, kind, key)
    if draft is None:
        raise WorkbenchError(_l('没有草稿'))
    if draft_sha != draft.sha256:
        raise WorkbenchError(_l('草稿已被 %(author)s 于 %(when)s 再次保存，请先查看最新草稿',
                                author=_author(draft.created_by_id), when=_when(draft)))
    audit.log('process_version', draft.id, '放弃草稿', m, f'{LOGGED_KINDS[kind]} {key} 第 {draft.version} 版草稿')
    db.session.delete(draft)
    db.session.flush()


def history(province_id: int, kind: str, key: str) -> list[ProcessVersion]:
    return list(db.session.scalars(select(ProcessVersion).where(
        *_mine(province_id, kind, key)).order_by(ProcessVersion.version.desc())))


def authors(rows) -> dict:
    ids = {r.created_by_id for r in rows if r.created_by_id}
    return {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def normalised_lines(content: str) -> list[str]:
    """The XML canonicalised (attributes in a fixed order) and indented the same way: the editors re-format the
    whole file on save, and a diff should show what changed, not how bpmn-js indents."""
    try:
        parser = etree.XMLParser(remove_blank_text=True)
        tree = etree.fromstring(content.encode('utf-8'), parser)
        canonical = etree.canonicalize(etree.tostring(tree, encoding='unicode'), strip_text=True)
        root = etree.fromstring(canonical.encode('utf-8'), parser)
        etree.indent(root, space='  ')
        return etree.tostring(root, encoding='unicode').splitlines()
    except etree.Error:
        return content.splitlines()


def unified_diff(a: ProcessVersion, b: ProcessVersion) -> str:
    lines = difflib.unified_diff(normalised_lines(a.content), normalised_lines(b.content), f'v{a.version}',
                                 f'v{b.version}', lineterm='')
    return '\n'.join(lines)


def process_list(province_id: int) -> list[dict]:
    """Each key of the province: published version, draft, running instances per version (for a credit table: the
    running instances
    whose process pinned that table version when it started)."""
    running = Counter()
    # One grouped count of the running instances: per process version and list of pinned table versions (a few
    # distinct lists, compared as their JSON text), rather than every running instance's list read into Python.
    rule_ids = cast(WorkflowInstance.rule_version_ids, Text)
    mine = select(ProcessVersion.id).where(ProcessVersion.province_id == province_id)
    for version_id, rule_ids_json, count in db.session.execute(
            select(WorkflowInstance.process_version_id, rule_ids, func.count())
            .where(WorkflowInstance.is_completed.is_(False), WorkflowInstance.process_version_id.in_(mine))
            .group_by(WorkflowInstance.process_version_id, rule_ids)):
        running[version_id] += count
        for rule_id in json.loads(rule_ids_json or 'null') or ():
            running[rule_id] += count
    rows = {}
    for version in db.session.scalars(select(ProcessVersion).options(defer(ProcessVersion.content)).where(
            ProcessVersion.province_id == province_id).order_by(
            ProcessVersion.kind, ProcessVersion.key, ProcessVersion.version)):  # the list shows no diagram
        row = rows.setdefault((version.kind, version.key), {
            'kind': version.kind, 'key': version.key, PUBLISHED: None, DRAFT: None, 'running': []})
        if version.status in (PUBLISHED, DRAFT):  # row['published'], row['draft']
            row[version.status] = version
        if running.get(version.id):
            row['running'].append((version, running[version.id]))
    return sorted(rows.values(), key=lambda r: (r['kind'], r['key']))


# --- DMN test bench and saved test cases ---

def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def bench_inputs(form) -> dict:
    """Typed inputs from the bench (or test-case) form; blank fields are None. Refuses numbers that are not numbers
    and, for the columns whose values the catalogue lists (the pickers), values it does not list."""
    choices = input_choices()
    inputs = {}
    for name, kind, not_a_number in BENCH_INPUTS:
        raw = (form.get(name) or '').strip()
        if raw == '':
            inputs[name] = None
            continue
        if name in choices and raw not in dict(choices[name]):
            raise WorkbenchError(_l('“%(input)s”没有这个选项', input=INPUT_LABELS[name]))
        try:
            inputs[name] = kind(raw)
        except ValueError:
            raise WorkbenchError(not_a_number) from None
        if kind is float and inputs[name].is_integer():
            inputs[name] = int(inputs[name])
    return inputs


def described_inputs(inputs: dict) -> list[tuple[str, str]]:
    """A test case's inputs as staff read them: (column, value) with pathways and levels by their labels."""
    choices = {name: dict(pairs) for name, pairs in input_choices().items()}
    shown = []
    for name, _kind, _refusal in BENCH_INPUTS:
        value = (inputs or {}).get(name)
        if value is not None and value != '':
            shown.append((INPUT_LABELS[name], choices.get(name, {}).get(value, str(value))))
    return shown


def table_outputs(content: str) -> list[dict]:
    """The output columns of a credit table: name, label and whether a number is expected."""
    try:
        table = etree.fromstring(content.encode('utf-8')).find('.//{*}decisionTable')
    except etree.XMLSyntaxError:
        return []
    return [{'name': out.get('name'), 'label': out.get('label') or out.get('name'),
             'number': (out.get('typeRef') or '').lower() in NUMBER_TYPES}
            for out in (table.findall('{*}output') if table is not None else ()) if out.get('name')]


def expected_outputs(form, outputs: list[dict], prefix: str = OUTPUT_PREFIX) -> dict:
    """What a test case expects, from its form's field per output (<prefix><name>): numbers as numbers; blank fields
    are not checked, but at least one must be filled."""
    expected = {}
    for out in outputs:
        raw = (form.get(prefix + out['name']) or '').strip()
        if not raw:
            continue
        if out['number']:
            try:
                number = parse_decimal(raw, (9, 3))
            except NumberRefused as exc:
                raise WorkbenchError(_l('期望的“%(output)s”：%(problem)s', output=out['label'],
                                        problem=exc.message)) from None
            expected[out['name']] = int(number) if number == number.to_integral_value() else float(number)
        else:
            expected[out['name']] = raw[:200]
    if not expected:
        raise WorkbenchError(_l('请填写期望输出'))
    return expected


def bench(content: str, inputs: dict) -> dict:
    """Matched rules and outputs of *content* (the draft as saved) for *inputs*."""
    try:
        matched, outputs = rules.evaluate(content, inputs)
    except DiagramError as exc:
        raise WorkbenchError(_l('无法求值'), exc.problems) from None
    table = etree.fromstring(content.encode('utf-8')).find('.//{*}decisionTable')
    policy = (table.get('hitPolicy') or 'UNIQUE').upper()
    warning = note = None
    if len(matched) > 1 and policy == 'FIRST':  # overlaps are the point of FIRST (a catch-all last row): say which won
        note = _('按命中策略 FIRST 取第 %(row)s 行（另有第 %(rows)s 行也匹配）', row=matched[0][0],
                 rows=_('、').join(str(row) for row, _outputs in matched[1:]))
    elif len(matched) > 1 and policy == 'UNIQUE':
        warning = _('有 %(count)s 条规则同时匹配（第 %(rows)s 行），引擎只取第 %(row)s 行（标准 DMN 的 UNIQUE 要求规则互不重叠；'
                    '若有意按顺序取第一条，可把命中策略改为 FIRST）', count=len(matched),
                    rows=_('、').join(str(row) for row, _outputs in matched), row=matched[0][0])
    return {'matched': matched, 'outputs': outputs, 'warning': warning, 'note': note}


def _outputs_equal(expected: dict, actual: dict) -> bool:
    return all(actual.get(name) == value for name, value in expected.items()) and bool(expected or not actual)


def run_cases(province_id: int, key: str, content: str) -> list[dict]:
    results = []
    for case in cases(province_id, key):
        try:
            _matched, actual = rules.evaluate(content, case.inputs)
            passed = _outputs_equal(case.expected, actual)
            shown = _json(actual)
        except DiagramError as exc:
            passed, shown = False, _('；').join(map(str, exc.problems))
        results.append({'case': case, 'passed': passed, 'actual': shown})
    return results


def cases(province_id: int, key: str) -> list[DecisionTestCase]:
    return list(db.session.scalars(select(DecisionTestCase).where(DecisionTestCase.province_id == province_id,
                                                                  DecisionTestCase.key == key)
                                   .order_by(DecisionTestCase.id)))


def add_case(key: str, name: str, inputs: dict, expected: dict, m: Membership) -> DecisionTestCase:
    """Save a test case with the table: *expected* maps output names to values (expected_outputs)."""
    if versions.published(DMN, key, m.org_id) is None and draft_of(m.org_id, DMN, key) is None:
        raise WorkbenchError(_l('没有这个决策表'))
    if not isinstance(expected, dict) or not expected:
        raise WorkbenchError(_l('请填写期望输出'))
    case = DecisionTestCase(province_id=m.org_id, key=key, name=(name or '').strip()[:200] or None, inputs=inputs,
                            expected=expected, created_by_id=m.user_id)
    db.session.add(case)
    db.session.flush()
    audit.log('decision_test_case', case.id, '添加测试用例', m, f'决策表 {key}：{_json(inputs)} → {_json(expected)}')
    return case


def delete_case(key: str, case_id, m: Membership) -> None:
    case_id = case_id if isinstance(case_id, int) else row_id(case_id)
    case = db.session.get(DecisionTestCase, case_id) if case_id else None
    if case is None or case.province_id != m.org_id or case.key != key:
        raise WorkbenchError(_l('没有这个测试用例'))
    audit.log('decision_test_case', case.id, '删除测试用例', m, f'决策表 {key}：{_json(case.inputs)}')
    db.session.delete(case)
    db.session.flush()

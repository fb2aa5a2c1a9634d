"""A trial run before publishing: every expression of a diagram and every cell of a decision table is evaluated on
sample data, and what fails there (a division by zero, a name the process never has, a timer value the engine cannot
read, a run over the budget) is refused, naming the element or cell and the sample.

Sample data
- A process gets the data its code gives it. The feature that starts a process declares, with `declare_process`
  (in its __init__.py), each data name with a few sample values, the usual one first: the start data and what each
  of its forms sends (decision, comment …).
- What the diagram makes itself is added while the trial walks the diagram in flow order: the outputs of a decision
  table on the samples, the results of a script.
- A decision table is tried on the input rows its callers declare with `declare_decision` (e.g. a claim of each
  pathway, level and rank), one row made for each rule from the literals in its cells (so that each rule's outputs
  are evaluated at least once), and a row of every input's first value.
- An expression is evaluated on the base sample (every name at its first value) and once for each other value of
  each name, one name at a time (not every combination), each evaluation within the budget of a run
  (expressions.budget), the whole trial within TRIAL_SECONDS.

Limits: what the trial cannot see is still bounded and reported at run time (runtime.py, failures.py):
- a failure that only a combination of values, or a value the declarations do not list, brings about;
- a name set only on some paths counts as known on every path (the trial does not follow the gateways);
- expressions on a message's payload (correlation properties) are checked, not run;
- a process no feature declares (nothing starts it) is only checked for safe expressions that compile;
- the budget is a run's: a request running several expressions shares one budget, the trial gives each its own.
"""
import ast
import copy
import time
from types import SimpleNamespace
from typing import Callable

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins import (ExclusiveGatewayMixin, InclusiveGatewayMixin,
                                             ScriptTaskMixin as ScriptTask)
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin as BusinessRuleTask

from ..i18n import _l
from .engine import SCRIPT_ENGINE
from .expressions import RUN_SECONDS, UnsafeExpression, assigned_names, budget, guarded_code, reason
from .feel import engine_expression
from .validation import cell_name, describe

MAX_VALUES = 12         # sample values per data name
TRIAL_SECONDS = 5.0     # the whole trial of one version

# process key -> fn() -> {data name: sample values}; decision id -> fn() -> [input rows]
_PROCESSES: dict[str, Callable[[], dict]] = {}
_DECISIONS: dict[str, Callable[[], list]] = {}


def declare_process(key: str, data: Callable[[], dict]) -> None:
    """The data the code gives process *key*: data() returns {name: (sample values, the usual one first)}; called
    when a version is tried (so it may read the configuration)."""
    _PROCESSES[key] = data


def declare_decision(decision_id: str, rows: Callable[[], list]) -> None:
    """The inputs the code asks decision *decision_id* with: rows() returns a list of {input name: value}."""
    _DECISIONS[decision_id] = rows


def one_each(data: dict) -> dict:
    """Start data the code makes itself ({name: value}) as sample values."""
    return {name: (value,) for name, value in data.items()}


def reviewed(*decisions) -> dict:
    """What a review form sends: one of *decisions* and a comment, maybe none."""
    return {'decision': decisions, 'comment': (None, 'comment')}


def sample_task(data: dict, task_spec=None):
    """The little of a task the script engine and the DMN engine read (and name in their errors): its data, its
    workflow's restricted script engine, and the element it belongs to."""
    workflow = SimpleNamespace(script_engine=SCRIPT_ENGINE, spec=SimpleNamespace(file='diagram'), parent_workflow=None)
    workflow.top_workflow = workflow
    element = task_spec or SimpleNamespace(bpmn_name='', bpmn_id='', name='', event_definition=None)
    return SimpleNamespace(data=data, workflow=workflow, task_spec=element)


class TrialTimeout(Exception):
    pass


def _in_time(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise TrialTimeout


def _add(values: list, value) -> None:
    if len(values) < MAX_VALUES and not any(type(v) is type(value) and v == value for v in values):
        values.append(value)


def _rows(values: dict) -> list[dict]:
    """The base sample and one variation per other value of each name."""
    base = {name: options[0] for name, options in values.items() if options}
    rows = [base]
    for name, options in values.items():
        rows.extend({**base, name: value} for value in options[1:])
    return rows


def _names(source: str, mode: str = 'eval') -> set[str]:
    try:
        tree = ast.parse(source, mode=mode)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _shown(row: dict, names) -> str:
    """The sample values an expression read, for the message: quantity=0.5, pathway='exam'."""
    return ', '.join(f'{name}={_short(row[name])}' for name in sorted(set(names) & row.keys()))


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + '...'  # a script's result may be long


# --- Decision tables --------------------------------------------------------------------------------------------

class _CellFailed(Exception):
    def __init__(self, entry, error):
        super().__init__(entry.id)
        self.entry, self.error = entry, error


def _input_value(entry, task):
    """What the engine compares a cell with (DMNEngine.__get_input_val)."""
    return entry.input.expression or '%r' % task.data[entry.input.label]


def _matches(engine: DMNEngine, rule, task) -> bool:
    """DMNEngine.__check_rule, telling which cell failed (each cell on a budget of its own: the one that spends too
    much is the one named)."""
    for entry in rule.inputEntries:
        for lhs in entry.lhs:
            try:
                with budget(fresh=True):
                    if not engine.evaluate(_input_value(entry, task) if lhs is not None else None, lhs, task):
                        return False
            except Exception as exc:
                raise _CellFailed(entry, exc) from exc
    return True


def _outputs(rule, task) -> dict:
    out = {}
    for entry in rule.outputEntries:  # Rule.output_as_dict (but for dotted names), one budget per cell
        try:
            with budget(fresh=True):
                value = SCRIPT_ENGINE.evaluate(task, entry.text) if getattr(entry, 'text', None) else ''
        except Exception as exc:
            raise _CellFailed(entry, exc) from exc
        out[entry.output.name or entry.output.label] = value
    return out


def table_run(table, task, deadline: float | None = None, first: bool = False) -> tuple[dict, list]:
    """What the engine decides for *task* (the outputs: of the first matching rule, or lists of all of them for
    COLLECT), going on past a failing cell (unless *first*): (outputs, failures as (rule, entry, error)). Every rule
    is tried, as for COLLECT, so a failing cell after the first match is found too. TrialTimeout after *deadline*."""
    engine = DMNEngine(table)
    matched, failures = [], []
    for rule in table.rules:
        if deadline is not None:
            _in_time(deadline)
        try:
            if _matches(engine, rule, task):
                matched.append(_outputs(rule, task))
        except _CellFailed as failed:
            failures.append((rule, failed.entry, failed.error))
            if first:
                break
    if table.hit_policy == 'COLLECT':
        outputs = {}
        for out in matched:
            for name, value in out.items():
                outputs.setdefault(name, []).append(value)
    else:
        outputs = matched[0] if matched else {}
    return outputs, failures


def failing_cell(table, task):
    """The first cell that fails for *task* in the engine's order, as (rule, entry, error); None if none does, or
    none within a run's time (each cell has a budget of its own: the run failed on the budget of all of them)."""
    try:
        failures = table_run(table, task, time.monotonic() + RUN_SECONDS, first=True)[1]
    except TrialTimeout:
        return None
    return failures[0] if failures else None


def _column_name(column) -> str | None:
    text = (column.expression or '').strip()
    return text if text.isidentifier() else None


_TYPES = {'string': (str,), 'integer': (int,), 'long': (int,), 'number': (int, float), 'double': (int, float),
          'decimal': (int, float), 'boolean': (bool,)}
_DEFAULTS = {'string': ('',), 'integer': (0, 1), 'long': (0, 1), 'number': (0, 1), 'double': (0, 1),
             'decimal': (0, 1), 'boolean': (True, False)}


def _literals(text: str, name: str) -> list:
    """Constants of a cell as the engine reads it, and their neighbours (`> 0` is met by 1, `< 5` by 4)."""
    source = engine_expression(text).replace('dmninputexpr', name) if '?' in text else text
    try:
        tree = ast.parse(source, mode='eval')
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        try:
            tree = ast.parse(f'{name} {text}', mode='eval')
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and not isinstance(node.value, (bytes, type(None))):
            value = node.value
            found.append(value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                step = 1 if isinstance(value, int) else 0.5
                found.extend((value + step, value - step))
    return found


def _candidates(table, declared: list[dict]) -> dict[str, list]:
    """Sample values for each input column named by a plain data name: the declared ones, the literals of the
    column's cells (of its type), then a default of its type."""
    values = {}
    for column in table.inputs:
        name = _column_name(column)
        if name is None:
            continue
        options = values.setdefault(name, [])
        for row in declared:
            if name in row:
                _add(options, row[name])
        types = _TYPES.get((column.typeRef or '').lower())
        for rule in table.rules:
            for entry in rule.inputEntries:
                if entry.input is column:
                    for lhs in entry.lhs:
                        for literal in _literals(lhs or '', name):
                            if types is None or (isinstance(literal, types) and not
                                                 (isinstance(literal, bool) and bool not in types)):
                                _add(options, literal)
        for default in _DEFAULTS.get((column.typeRef or '').lower(), (1,)):
            _add(options, default)
    return values


def _rule_row(engine: DMNEngine, rule, base: dict, values: dict) -> dict:
    """*base* with each plain-named input set to its first candidate that the rule's cell accepts."""
    row = dict(base)
    for entry in rule.inputEntries:
        name = _column_name(entry.input)
        cells = [lhs for lhs in entry.lhs if lhs is not None]
        if name is None or not cells:
            continue
        for candidate in values.get(name, ()):
            task = sample_task({**row, name: candidate})
            try:
                with budget(fresh=True):
                    if all(engine.evaluate(_input_value(entry, task), lhs, task) for lhs in cells):
                        row[name] = candidate
                        break
            except Exception:
                continue
    return row


def _freeze(row: dict):
    return tuple(sorted((name, type(value).__name__, repr(value)) for name, value in row.items()))


def _fingerprint(table):
    return (table.hit_policy, tuple((c.id, c.label, c.expression, c.typeRef) for c in table.inputs),
            tuple((o.name, o.label) for o in table.outputs),
            tuple((r.id, r.row_number, tuple(tuple(e.lhs) for e in r.inputEntries),
                   tuple(getattr(e, 'text', '') for e in r.outputEntries)) for r in table.rules))


_TRIED: dict = {}  # (table fingerprint, rows) -> (failures, outputs): the same table is tried once per process


def _try_table(table, rows: list[dict], deadline: float) -> tuple[list, list]:
    """Run *table* on each row: [(rule, entry, row, reason)] for the first failure of each cell, and the outputs."""
    key = (_fingerprint(table), tuple(_freeze(row) for row in rows))
    if key in _TRIED:
        return _TRIED[key]
    failures, seen, outputs = [], set(), []
    for row in rows:
        _in_time(deadline)
        out, failed = table_run(table, sample_task(copy.deepcopy(row)), deadline)
        outputs.append(out)
        for rule, entry, error in failed:
            if (rule.id, entry.id) not in seen:
                seen.add((rule.id, entry.id))
                failures.append((rule, entry, row, reason(error)))  # not the error: its traceback holds the run
    if len(_TRIED) > 256:
        _TRIED.clear()
    _TRIED[key] = failures, outputs
    return failures, outputs


def _table_reads(table) -> set[str]:
    found = set()
    for column in table.inputs:
        found |= _names(column.expression or '')
    for rule in table.rules:
        for entry in rule.outputEntries:
            found |= _names(getattr(entry, 'text', '') or '')
    return found


def _decision_rows(table, decision_id: str | None, extra: list[dict] = ()) -> list[dict]:
    declared = list(_DECISIONS[decision_id]()) if decision_id in _DECISIONS else []
    values = _candidates(table, [*declared, *extra])
    base = {**(declared[0] if declared else {}), **{name: options[0] for name, options in values.items() if options}}
    engine = DMNEngine(table)
    rows, seen = [], set()
    for row in [*declared, *extra, base, *(_rule_row(engine, rule, base, values) for rule in table.rules)]:
        frozen = _freeze(row)
        if frozen not in seen:
            seen.add(frozen)
            rows.append(row)
    return rows


def _table_problems(table, name: str, failures) -> list:
    inputs = _table_reads(table)
    return [_l('%(cell)s：按样例输入（%(sample)s）求值出错：%(reason)s', cell=cell_name(name, rule, entry),
               sample=_shown(row, inputs) or '-', reason=why) for rule, entry, row, why in failures]


def try_decision(table, decision_id: str | None = None) -> list:
    """Problems of the decision table on its sample rows (see the module's docstring)."""
    name = table.name or table.id
    deadline = time.monotonic() + TRIAL_SECONDS
    try:
        failures, _outputs = _try_table(table, _decision_rows(table, decision_id), deadline)
    except TrialTimeout:
        return [_timeout()]
    return _table_problems(table, name, failures)


def _timeout():
    return _l('样例试运行超过 %(limit)s 秒仍未完成，请简化表达式或决策表', limit=TRIAL_SECONDS)


# --- Processes --------------------------------------------------------------------------------------------------

def _flow_order(spec) -> list:
    """The elements from the start along the flows (breadth first), then any the flows do not reach."""
    order, seen, todo = [], {spec.start.name}, [spec.start]
    while todo:
        task_spec = todo.pop(0)
        order.append(task_spec)
        for nxt in task_spec.outputs:
            if nxt.name not in seen:
                seen.add(nxt.name)
                todo.append(nxt)
    return order + [t for t in spec.task_specs.values() if t.name not in seen]


def _steps(task_spec):
    """(what, source, mode) of each expression the engine evaluates on the element's task data, in the order it
    does; a business rule task's table is ('table', table, decision id)."""
    where = describe(task_spec)
    if getattr(task_spec, 'prescript', None):
        yield _l('%(where)s 的 %(attr)s', where=where, attr='prescript'), task_spec.prescript, 'exec'
    if isinstance(task_spec, ScriptTask):
        yield _l('%(where)s 的脚本', where=where), task_spec.script, 'exec'
    if isinstance(task_spec, BusinessRuleTask):
        yield 'table', task_spec.dmnEngine.decision_table, task_spec.extensions.get('calledDecisionId')
    if getattr(task_spec, 'postscript', None):
        yield _l('%(where)s 的 %(attr)s', where=where, attr='postscript'), task_spec.postscript, 'exec'
    for param, spec in (getattr(task_spec, 'operation_params', None) or {}).items():
        yield _l('%(where)s 的参数 %(param)s', where=where, param=param), spec.get('value', ''), 'eval'
    event = getattr(task_spec, 'event_definition', None)
    if isinstance(event, TimerEventDefinition):
        yield _l('%(where)s 的计时器', where=where), event.expression, 'eval'
    elif isinstance(getattr(event, 'expression', None), str):  # a message payload, a conditional event
        yield _l('%(where)s 的事件表达式', where=where), event.expression, 'eval'
    if isinstance(task_spec, (ExclusiveGatewayMixin, InclusiveGatewayMixin)):
        for condition, _target in task_spec.cond_task_specs:
            if condition is not None:
                yield _l('%(where)s 的条件', where=where), getattr(condition, 'args', [condition])[0], 'eval'


def _try_expression(task_spec, what, source: str, mode: str, values: dict, deadline: float):
    """The problem of *source* on the samples (None when it runs on all), and the values a script produced."""
    try:
        guarded_code(source, mode)
    except UnsafeExpression:
        return None, {}  # refused with its reason by validate_parsed already
    produced = {}
    for row in _rows(values):
        _in_time(deadline)
        task = sample_task(copy.deepcopy(row), task_spec)
        try:
            with budget(fresh=True):
                if mode == 'exec':
                    SCRIPT_ENGINE.execute(task, source)
                else:
                    SCRIPT_ENGINE.evaluate(task, source)
        except Exception as exc:
            shown = _shown(row, _names(source, mode))
            if not shown:
                return _l('%(where)s：按样例数据求值出错：%(reason)s', where=what, reason=reason(exc)), {}
            return _l('%(where)s：按样例数据（%(sample)s）求值出错：%(reason)s', where=what, sample=shown,
                      reason=reason(exc)), {}
        if mode == 'exec':
            for name in assigned_names(source):
                if name in task.data:
                    _add(produced.setdefault(name, []), task.data[name])
    return None, produced


def _try_rule_task(table, decision_id, values: dict, deadline: float):
    reads = _table_reads(table)
    rows = [{k: v for k, v in row.items() if k in reads} for row in _rows(values)]
    failures, outputs = _try_table(table, _decision_rows(table, decision_id, rows), deadline)
    produced = {}
    for out in outputs:
        for name, value in out.items():
            _add(produced.setdefault(name, []), value)
    return failures, produced


def try_process(parsed) -> list:
    """Problems of the process (and its subprocesses) on its declared sample data (see the module's docstring);
    nothing for a process no feature declares."""
    declared = _PROCESSES.get(parsed.process_id)
    if declared is None:
        return []
    values = {name: list(options)[:MAX_VALUES] for name, options in declared().items()}
    problems = []
    deadline = time.monotonic() + TRIAL_SECONDS
    try:
        for spec in [parsed.spec, *parsed.subprocess_specs.values()]:
            for task_spec in _flow_order(spec):
                for what, source, mode in _steps(task_spec):
                    if what == 'table':
                        failures, produced = _try_rule_task(source, mode, values, deadline)
                        problems.extend(_table_problems(source, task_spec.bpmn_id, failures))
                    else:
                        problem, produced = _try_expression(task_spec, what, source, mode, values, deadline)
                        if problem is not None:
                            problems.append(problem)
                    for name, options in produced.items():
                        for value in options:
                            _add(values.setdefault(name, []), value)
    except TrialTimeout:
        problems.append(_timeout())
    return problems

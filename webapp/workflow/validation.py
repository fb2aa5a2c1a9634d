"""Checks a diagram (and the DMN tables it calls) before it may be stored as a version or run."""
import ast

from SpiffWorkflow.bpmn.specs.event_definitions import (MessageEventDefinition, MultipleEventDefinition,
                                                        SignalEventDefinition)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins import (EndEventMixin as EndEvent, EventBasedGatewayMixin, ExclusiveGatewayMixin,
                                             InclusiveGatewayMixin, ScriptTaskMixin as ScriptTask,
                                             SubWorkflowTaskMixin, UserTaskMixin as UserTask)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin as BusinessRuleTask

from ..i18n import _l
from ..refusals import Refused
from .catalog import (APPROVED, FORM_KEYS, GRANTS_HOURS, HOURS_FORMS, LANES, SERVICE_TASKS, STATUSES,
                      grants_hours, role_of_lane)
from .engine import check_timer_value, parse_decision
from .expressions import UnsafeExpression, guarded_code
from .feel import engine_expression
from .wording import names, problems as listed


class DiagramError(Refused, ValueError):
    """Raised with every problem found, each naming the element, so province staff can fix them all at once; the
    message is all of them (each problem a str in the language of whoever asked)."""

    def __init__(self, problems):
        self.problems = [str(problem) for problem in problems]
        super().__init__(listed(self.problems))


class DecisionError(DiagramError):
    """A decision table that does not parse, or that fails on some inputs; *reason* is the engine's own message, for
    callers that word the problem their way (e.g. naming the inputs)."""

    def __init__(self, problem: str, reason):
        self.reason = str(reason)
        super().__init__([_l('%(problem)s：%(reason)s', problem=problem, reason=self.reason)])


def _check(problems, where, source, mode='eval'):
    """Whitelisted, and compiles as it will run (a sum of 600 terms passes the whitelist's syntax but not Python's
    compiler once every operation is guarded)."""
    try:
        guarded_code(source, mode)
    except UnsafeExpression as exc:
        problems.append(_l('%(where)s：%(problem)s', where=where, problem=exc.message))


def check_timer(problems, where, timer) -> None:
    """A timer expression must be safe, and when it is a literal, a valid ISO 8601 date, duration or cycle the engine
    can read cheaply (see engine.check_timer_value): the engine would only find out when the timer is reached."""
    before = len(problems)
    _check(problems, _l('%(where)s 的计时器', where=where), timer.expression)
    if len(problems) > before:
        return
    try:
        literal = ast.literal_eval(timer.expression)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return  # a variable name: its value is tried on the process's sample data (trial.py) and checked when run
    try:
        check_timer_value(timer, literal)
    except UnsafeExpression as exc:
        problems.append(_l('%(where)s 的计时器：%(problem)s', where=where, problem=exc.message))


def check_dmn_cell(problems, where, cell):
    """A DMN input cell is a full expression ("exam"), an operator tail (<= 5) or uses `?` for the input (1 <= ? <= 5),
    as the engine reads it."""
    text = (cell or '').strip()
    if not text or text == '-':
        return
    if '?' in text:  # `?` stands for the input value (1 <= ? <= 5)
        _check(problems, where, engine_expression(text))
        return
    try:  # as the engine decides: a cell that parses alone is compared with the input, else appended to it
        ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        text = f'dmninput {text}'
    _check(problems, where, text)


def cell_name(name, rule, entry):
    return _l('决策表 %(name)s 第 %(row)s 行 %(cell)s', name=name, row=rule.row_number, cell=entry.id)


def check_decision_table(problems, table, name=''):
    for column in table.inputs:
        _check(problems, _l('决策表 %(name)s 输入列 %(column)s', name=name, column=column.label or column.id),
               column.expression)
    for rule in table.rules:
        for entry in rule.inputEntries:
            for cell in entry.lhs:
                check_dmn_cell(problems, cell_name(name, rule, entry), cell)
        for entry in rule.outputEntries:
            if entry.text:
                _check(problems, cell_name(name, rule, entry), entry.text)


def parsed_decision(dmn_xml: str):
    """The parsed decision table of *dmn_xml* (cached by content and shared: never change it); DecisionError when it
    does not parse."""
    try:
        return parse_decision(dmn_xml)
    except Exception as exc:
        raise DecisionError(_l('决策表无法解析'), exc) from exc


def validate_decision(dmn_xml: str) -> None:
    """Raise DiagramError listing every unsafe or unparsable cell of a DMN file before it is stored as a version."""
    table = parsed_decision(dmn_xml)
    problems = []
    check_decision_table(problems, table, table.name or table.id)
    if problems:
        raise DiagramError(problems)


def _element(task_spec):
    return _l('元素 %(id)s', id=task_spec.bpmn_id or task_spec.name)


def describe(task_spec):
    name = getattr(task_spec, 'bpmn_name', None)
    if name:
        return _l('元素 %(id)s（%(name)s）', id=task_spec.bpmn_id or task_spec.name, name=name)
    return _element(task_spec)


_OUTSIDE_EVENTS = (MessageEventDefinition, SignalEventDefinition, TimerEventDefinition)


def _waits(task_spec, subprocess_specs, seen) -> bool:
    """Whether the engine stops at this element until the outside world acts: a person (user, manual or plain task),
    a message, a signal or a timer (also as a boundary event), or a subprocess that waits on every path."""
    if getattr(task_spec, 'manual', False) or isinstance(task_spec, EventBasedGatewayMixin):
        return True
    if isinstance(task_spec, CatchingEvent):
        event = task_spec.event_definition
        events = event.event_definitions if isinstance(event, MultipleEventDefinition) else [event]
        return any(isinstance(e, _OUTSIDE_EVENTS) for e in events)
    if isinstance(task_spec, SubWorkflowTaskMixin):
        spec = subprocess_specs.get(task_spec.spec)
        if spec is None or spec.name in seen:  # a missing or recursive call: the parser or the run reports it
            return True
        return not _runs_through(spec, subprocess_specs, seen | {spec.name})
    return False


def _runs_through(spec, subprocess_specs, seen=frozenset()) -> bool:
    """Whether some path from the start to the end of *spec* meets nothing that waits."""
    end = spec.task_specs.get('End')
    todo, reached = [spec.start], {spec.start.name}
    while todo:
        task_spec = todo.pop()
        if task_spec is end:
            return True
        for nxt in task_spec.outputs:
            if nxt.name not in reached and not _waits(nxt, subprocess_specs, seen):
                reached.add(nxt.name)
                todo.append(nxt)
    return False


def strongly_connected(nodes, successors):
    """Tarjan's algorithm without recursion (a diagram may be long): the components of the graph, in order."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(successors[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(component[::-1])
    return components


def _cycle_in(component, successors):
    """One shortest cycle through the component's first diagram element (breadth first, inside the component)."""
    inside = set(component)
    first = next((n for n in component if n.bpmn_id), component[0])
    came_from, todo = {}, [first]
    while todo:
        node = todo.pop(0)
        for child in successors[node]:
            if child not in inside or child in came_from:
                continue
            came_from[child] = node
            if child is first:
                path = [first]
                while path[-1] is not first or len(path) == 1:
                    path.append(came_from[path[-1]])
                return path[::-1]
            todo.append(child)
    return [first, first]


def check_loops(problems, spec, subprocess_specs) -> None:
    """A cycle of flows with nothing that waits makes do_engine_steps spin forever (and the task tree grow until
    the engine breaks): refuse one message per such cycle, naming its elements."""
    running = [t for t in spec.task_specs.values() if not _waits(t, subprocess_specs, frozenset())]
    kept = set(running)
    successors = {t: [o for o in t.outputs if o in kept] for t in running}
    for component in strongly_connected(running, successors):
        if len(component) == 1 and component[0] not in successors[component[0]]:
            continue  # a single element not flowing into itself is no cycle
        cycle = _cycle_in(component, successors)
        shown = [t for t in cycle if t.bpmn_id] or cycle  # the engine's own nodes (boundary splits) have no id
        path = ' → '.join(map(str, [describe(t) for t in shown[:-1]] + [_element(shown[-1])]))
        problems.append(_l('%(path)s：流程中的循环没有任何等待的任务（用户任务、消息或计时器事件），会无限运行', path=path))


def _properties(task_spec) -> dict:
    return getattr(task_spec, 'extensions', {}).get('properties', {})


def check_granting(problems, spec) -> None:
    """Where a diagram reviews hours (a user task of an hours form), every path from its start to an end that means
    通过 (APPROVED) passes a user task that grants 登记学时 (`grantsHours`): else an approved claim would count 0
    hours. A one-tier province marks the unit's review, a three-tier one the last review."""
    users = [t for t in spec.task_specs.values() if isinstance(t, UserTask)]
    for task_spec in users:
        props = _properties(task_spec)
        if GRANTS_HOURS not in props:
            continue
        if props[GRANTS_HOURS] not in ('true', 'false'):
            problems.append(_l('%(where)s：grantsHours 只能是 true 或 false', where=describe(task_spec)))
        elif props[GRANTS_HOURS] == 'true' and props.get('formKey') not in HOURS_FORMS:
            problems.append(_l('%(where)s：只有审核学时的表单（%(forms)s）可以登记学时（grantsHours）',
                               where=describe(task_spec), forms=names(HOURS_FORMS)))
    if not any(_properties(t).get('formKey') in HOURS_FORMS for t in users):
        return
    declared = any(GRANTS_HOURS in _properties(t) for t in users)
    todo, reached = [spec.start], {spec.start.name}
    while todo:
        task_spec = todo.pop()
        props = _properties(task_spec)
        if isinstance(task_spec, UserTask) and grants_hours(props, declared):
            continue  # the hours are granted on this path
        if isinstance(task_spec, EndEvent) and STATUSES.get(props.get('statusLabel')) == APPROVED:
            problems.append(_l('%(where)s：到达“%(label)s”之前没有登记学时的审核步骤（请在最终审核的用户任务上设置 '
                               'grantsHours = true）', where=describe(task_spec), label=props['statusLabel']))
            continue
        for nxt in task_spec.outputs:
            if nxt.name not in reached:
                reached.add(nxt.name)
                todo.append(nxt)


def validate_parsed(parsed) -> None:
    """Raise DiagramError listing unknown lanes, form keys, status labels and unsafe expressions."""
    problems = []
    specs = [parsed.spec, *parsed.subprocess_specs.values()]
    for spec in specs:
        check_loops(problems, spec, parsed.subprocess_specs)
        check_granting(problems, spec)
        for task_spec in spec.task_specs.values():
            where = describe(task_spec)
            lane = getattr(task_spec, 'lane', None)
            if lane is not None and role_of_lane(lane) is None:
                problems.append(_l('%(where)s：泳道 "%(lane)s" 不是已知角色（可用：%(roles)s）', where=where, lane=lane,
                                   roles=names(LANES)))
            props = getattr(task_spec, 'extensions', {}).get('properties', {})
            if isinstance(task_spec, UserTask):
                if lane is None:
                    problems.append(_l('%(where)s：用户任务必须放在某个角色泳道中', where=where))
                if props.get('formKey') not in FORM_KEYS:
                    problems.append(_l('%(where)s：表单 "%(form)s" 不存在（可用：%(forms)s）', where=where,
                                       form=props.get('formKey', ''), forms=names(FORM_KEYS)))
            # An end event without a label ends a side branch (a reminder) and leaves the status as it is.
            labelled = isinstance(task_spec, UserTask) or (isinstance(task_spec, EndEvent) and 'statusLabel' in props)
            if labelled and props.get('statusLabel') not in STATUSES:
                problems.append(_l('%(where)s：状态 "%(label)s" 不是已知状态', where=where, label=props.get('statusLabel', '')))
            if isinstance(task_spec, (ExclusiveGatewayMixin, InclusiveGatewayMixin)):
                for condition, _target in task_spec.cond_task_specs:
                    if condition is not None:  # a _BpmnCondition operator holding the expression text
                        _check(problems, _l('%(where)s 的条件', where=where), getattr(condition, 'args', [condition])[0])
            if isinstance(task_spec, ScriptTask):
                _check(problems, _l('%(where)s 的脚本', where=where), task_spec.script, 'exec')
            for attr in ('prescript', 'postscript'):
                if getattr(task_spec, attr, None):
                    _check(problems, _l('%(where)s 的 %(attr)s', where=where, attr=attr), getattr(task_spec, attr),
                           'exec')
            event = getattr(task_spec, 'event_definition', None)
            if isinstance(event, TimerEventDefinition):
                check_timer(problems, where, event)
            elif isinstance(getattr(event, 'expression', None), str):  # a message payload, a conditional event
                _check(problems, _l('%(where)s 的事件表达式', where=where), event.expression)
            for prop in getattr(event, 'correlation_properties', None) or ():
                _check(problems, _l('%(where)s 的关联属性', where=where), getattr(prop, 'retrieval_expression', None))
            if isinstance(task_spec, LoopTask):  # cardinality and loop conditions run in the engine's own loop
                problems.append(_l('%(where)s：不支持循环或多实例任务（重复的办理请用网关连回一个用户任务）', where=where))
            if hasattr(task_spec, 'operation_name'):  # a service task
                if task_spec.operation_name not in SERVICE_TASKS:
                    problems.append(_l('%(where)s：服务任务 "%(service)s" 不存在（可用：%(services)s）', where=where,
                                       service=task_spec.operation_name, services=names(SERVICE_TASKS)))
                for param, spec in (task_spec.operation_params or {}).items():
                    _check(problems, _l('%(where)s 的参数 %(param)s', where=where, param=param), spec.get('value', ''))
            if isinstance(task_spec, BusinessRuleTask):
                check_decision_table(problems, task_spec.dmnEngine.decision_table, task_spec.bpmn_id)
    ends = [t for t in parsed.spec.task_specs.values() if isinstance(t, EndEvent)]
    if ends and not any('statusLabel' in getattr(t, 'extensions', {}).get('properties', {}) for t in ends):
        problems.append(_l('流程至少要有一个带状态（statusLabel）的结束事件'))
    if problems:
        raise DiagramError(problems)

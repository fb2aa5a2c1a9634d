"""Checks a diagram (and the DMN tables it calls) before it may be stored as a version or run."""
import ast

from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins import (EndEventMixin as EndEvent, ExclusiveGatewayMixin, InclusiveGatewayMixin,
                                             ScriptTaskMixin as ScriptTask, UserTaskMixin as UserTask)
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin as BusinessRuleTask

from .catalog import FORM_KEYS, ROLES, SERVICE_TASKS, STATUSES
from .expressions import UnsafeExpression, check_expression


class DiagramError(ValueError):
    """Raised with every problem found, each naming the element, so province staff can fix them all at once."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__('；'.join(self.problems))


def _check(problems, where, source, mode='eval'):
    try:
        check_expression(source, mode)
    except UnsafeExpression as exc:
        problems.append(f'{where}：{exc}')


def check_timer(problems, where, timer) -> None:
    """A timer expression must be safe, and when it is a literal, a valid ISO 8601 date, duration or cycle: the engine
    would only find out when the timer is reached."""
    before = len(problems)
    _check(problems, f'{where} 的计时器', timer.expression)
    if len(problems) > before:
        return
    try:
        literal = ast.literal_eval(timer.expression)
    except (ValueError, SyntaxError):
        return  # a variable name: its value is checked when the instance starts (see the feature's start data)
    try:
        if not isinstance(literal, str):
            raise ValueError
        if isinstance(timer, CycleTimerEventDefinition):
            TimerEventDefinition.parse_iso_recurring_interval(literal)
        else:
            TimerEventDefinition.parse_time_or_duration(literal)
    except Exception:
        problems.append(f'{where} 的计时器：“{literal}” 不是有效的 ISO 8601 时间、时长或周期（例如 P3D、'
                        f'2027-01-20T23:59:59+08:00、R3/P1D）')


def check_dmn_cell(problems, where, cell):
    """A DMN input cell is a full expression ("exam"), an operator tail (<= 5) or uses `?` for the input (1 <= ? <= 5),
    as the engine reads it."""
    from .feel import engine_expression
    text = (cell or '').strip()
    if not text or text == '-':
        return
    if '?' in text:  # `?` stands for the input value (1 <= ? <= 5)
        _check(problems, where, engine_expression(text))
        return
    try:
        check_expression(text)
    except UnsafeExpression:
        _check(problems, where, f'dmninput {text}')


def check_decision_table(problems, table, name=''):
    for column in table.inputs:
        _check(problems, f'决策表 {name} 输入列 {column.label or column.id}', column.expression)
    for rule in table.rules:
        for entry in rule.inputEntries:
            for cell in entry.lhs:
                check_dmn_cell(problems, f'决策表 {name} 第 {rule.row_number} 行 {entry.id}', cell)
        for entry in rule.outputEntries:
            if entry.text:
                _check(problems, f'决策表 {name} 第 {rule.row_number} 行 {entry.id}', entry.text)


def validate_parsed(parsed) -> None:
    """Raise DiagramError listing unknown lanes, form keys, status labels and unsafe expressions."""
    problems = []
    specs = [parsed.spec, *parsed.subprocess_specs.values()]
    for spec in specs:
        for task_spec in spec.task_specs.values():
            name = getattr(task_spec, 'bpmn_name', None)
            where = f'元素 {task_spec.bpmn_id or task_spec.name}' + (f'（{name}）' if name else '')
            lane = getattr(task_spec, 'lane', None)
            if lane is not None and lane not in ROLES:
                problems.append(f'{where}：泳道 "{lane}" 不是已知角色（可用：{"、".join(ROLES)}）')
            props = getattr(task_spec, 'extensions', {}).get('properties', {})
            if isinstance(task_spec, UserTask):
                if lane is None:
                    problems.append(f'{where}：用户任务必须放在某个角色泳道中')
                if props.get('formKey') not in FORM_KEYS:
                    problems.append(f'{where}：表单 "{props.get("formKey", "")}" 不存在（可用：{"、".join(FORM_KEYS)}）')
            # An end event without a label ends a side branch (a reminder) and leaves the status as it is.
            labelled = isinstance(task_spec, UserTask) or (isinstance(task_spec, EndEvent) and 'statusLabel' in props)
            if labelled and props.get('statusLabel') not in STATUSES:
                problems.append(f'{where}：状态 "{props.get("statusLabel", "")}" 不是已知状态')
            if isinstance(task_spec, (ExclusiveGatewayMixin, InclusiveGatewayMixin)):
                for condition, _target in task_spec.cond_task_specs:
                    if condition is not None:  # a _BpmnCondition operator holding the expression text
                        _check(problems, f'{where} 的条件', getattr(condition, 'args', [condition])[0])
            if isinstance(task_spec, ScriptTask):
                _check(problems, f'{where} 的脚本', task_spec.script, 'exec')
            for attr in ('prescript', 'postscript'):
                if getattr(task_spec, attr, None):
                    _check(problems, f'{where} 的 {attr}', getattr(task_spec, attr), 'exec')
            event = getattr(task_spec, 'event_definition', None)
            if isinstance(event, TimerEventDefinition):
                check_timer(problems, where, event)
            if hasattr(task_spec, 'operation_name'):  # a service task
                if task_spec.operation_name not in SERVICE_TASKS:
                    problems.append(f'{where}：服务任务 "{task_spec.operation_name}" 不存在'
                                    f'（可用：{"、".join(SERVICE_TASKS)}）')
                for param, spec in (task_spec.operation_params or {}).items():
                    _check(problems, f'{where} 的参数 {param}', spec.get('value', ''))
            if isinstance(task_spec, BusinessRuleTask):
                check_decision_table(problems, task_spec.dmnEngine.decision_table, task_spec.bpmn_id)
    ends = [t for t in parsed.spec.task_specs.values() if isinstance(t, EndEvent)]
    if ends and not any('statusLabel' in getattr(t, 'extensions', {}).get('properties', {}) for t in ends):
        problems.append('流程至少要有一个带状态（statusLabel）的结束事件')
    if problems:
        raise DiagramError(problems)

"""SpiffWorkflow wiring: parser, restricted script engine, spec cache and the spec-less serializer."""
import hashlib
import json
from contextvars import ContextVar
from uuid import UUID
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (CycleTimerEventDefinition, TimeDateEventDefinition,
                                                              TimerEventDefinition)
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_SERIALIZER_VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from ..i18n import _l
from .catalog import SERVICE_TASKS
from .expressions import (GUARDS, SAFE_FUNCTIONS, UnsafeExpression, assigned_names, check_stored, checked, evaluating,
                          guarded_code)

# Service tasks requested during the current engine run: (operation name, evaluated parameters).
SERVICE_REQUESTS: ContextVar[list | None] = ContextVar('service_requests', default=None)

# Bump when the stored instance JSON changes shape; loaders refuse formats they do not know.
STATE_FORMAT = 'creditflow-1/spiff-' + SPIFF_SERIALIZER_VERSION


class RestrictedEnvironment(TaskDataEnvironment):
    """Task-data environment that refuses any expression outside the whitelist before eval/exec, and runs what it
    accepts with every operation guarded and within the run's budget (see expressions.py)."""

    def __init__(self):
        super().__init__({'__builtins__': {}, **SAFE_FUNCTIONS, **GUARDS})

    def evaluate(self, expression, context, external_context=None):
        with evaluating():
            return checked(super().evaluate(guarded_code(expression, 'eval'), context, external_context))

    def execute(self, script, context, external_context=None):
        with evaluating():
            done = super().execute(guarded_code(script, 'exec'), context, external_context)
            check_stored(context, assigned_names(script))
            return done

    def call_service(self, context, operation_name=None, operation_params=None, **_kwargs):
        """A service task only records its request; the runtime carries it out after the engine step, in the
        same transaction (see runtime.SERVICE_HANDLERS). Names outside the catalog never reach this far."""
        if operation_name not in SERVICE_TASKS:
            raise ValueError(_l('未知的服务任务 %(name)s', name=operation_name))
        requests = SERVICE_REQUESTS.get()
        if requests is not None:
            requests.append((operation_name, {k: v['value'] for k, v in (operation_params or {}).items()}))
        return '{}'


MAX_TIMER_TEXT = 100
MAX_TIMER_MONTHS = 1200  # a century
MIN_CYCLE_INTERVAL = timedelta(minutes=1)


def _bounded_duration(text: str) -> None:
    """The engine turns years and months into days one month at a time: "P1000000000000Y" would never end."""
    parsed = TimerEventDefinition.parse_iso_duration(text)
    months = parsed.get('years', 0) * 12 + parsed.get('months', 0)
    rest = {k: v for k, v in parsed.items() if k in ('weeks', 'days', 'hours', 'minutes', 'seconds')}
    if months > MAX_TIMER_MONTHS or timedelta(**rest) > timedelta(days=MAX_TIMER_MONTHS * 31):
        raise UnsafeExpression(_l('时长“%(value)s”超过 100 年', value=text))


def check_timer_value(timer, value) -> None:
    """Raise UnsafeExpression unless *value* (a timer's expression, evaluated) is what the engine reads for this kind
    of timer (a moment, a duration or a cycle) and cheap to read: at most a century long (see _bounded_duration), a
    cycle with a count of repetitions and at least MIN_CYCLE_INTERVAL apart (else it fires its branch again and
    again, and each firing adds tasks that every later step walks)."""
    invalid = UnsafeExpression(_l('“%(value)s” 不是有效的 ISO 8601 时间、时长或周期（例如 P3D、2027-01-20T23:59:59+08:00、'
                                  'R3/P1D）', value=str(value)[:MAX_TIMER_TEXT]))
    if not isinstance(value, str) or len(value) > MAX_TIMER_TEXT:
        raise invalid
    try:
        if isinstance(timer, CycleTimerEventDefinition):
            for part in value.upper().replace('--', '/').strip('R').split('/')[1:]:
                if part.startswith('P'):
                    _bounded_duration(part)
            cycles, _start, interval = TimerEventDefinition.parse_iso_recurring_interval(value)
        elif isinstance(timer, TimeDateEventDefinition):  # a moment: a duration here fails only when reached
            if value.startswith('P'):
                raise ValueError(value)
            TimerEventDefinition.get_datetime(value)
            return
        else:
            _bounded_duration(value)
            return
    except UnsafeExpression:
        raise
    except Exception:
        raise invalid from None
    if cycles < 0:
        raise UnsafeExpression(_l('周期“%(value)s”没有重复次数，会无限触发（请写明次数，例如 R3/P1D）', value=value))
    if interval < MIN_CYCLE_INTERVAL:
        raise UnsafeExpression(_l('周期“%(value)s”的间隔短于 1 分钟', value=value))


class RestrictedScriptEngine(PythonScriptEngine):
    """The engine's script engine: a timer's value is checked before the engine reads it."""

    def evaluate(self, task, expression, external_context=None):
        value = super().evaluate(task, expression, external_context)
        event = getattr(getattr(task, 'task_spec', None), 'event_definition', None)
        if isinstance(event, TimerEventDefinition) and expression == event.expression:
            try:
                check_timer_value(event, value)
            except UnsafeExpression as exc:
                raise WorkflowTaskException(str(exc.message), task=task, exception=exc) from exc
        return value


SCRIPT_ENGINE = RestrictedScriptEngine(environment=RestrictedEnvironment())


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Stores the instance without its spec (19 of a new claim's 28 KB); the spec comes from the version cache."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct['subprocesses'] = self.mapping_to_dict(workflow.subprocesses)
        dct['bpmn_events'] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct['tasks'], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct['root']))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct['subprocesses'], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop('bpmn_events', []))
        return workflow


def _make_serializer():
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(Decimal, lambda v: {'value': str(v)}, lambda d: Decimal(d['value']))
    registry.register(date, lambda v: {'value': v.isoformat()}, lambda d: date.fromisoformat(d['value']))
    registry.register(datetime, lambda v: {'value': v.isoformat()}, lambda d: datetime.fromisoformat(d['value']))
    return BpmnWorkflowSerializer(registry)


SERIALIZER = _make_serializer()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


@dataclass(frozen=True)
class ParsedProcess:
    process_id: str
    spec: object
    subprocess_specs: dict
    spec_hash: str  # sha256 over the diagram and the rule tables it was parsed with


# Parsed specs by spec_hash: a running instance finds its spec without reading the version rows again.
_PARSED_BY_HASH: dict[str, ParsedProcess] = {}


def spec_hash(bpmn_xml: str, dmn_xmls: tuple[str, ...]) -> str:
    return spec_hash_of(sha256(bpmn_xml), [sha256(d) for d in dmn_xmls])


def spec_hash_of(bpmn_sha256: str, dmn_sha256s: list[str]) -> str:
    """spec_hash from the contents' own hashes (stored beside each version): no need to read the contents."""
    return sha256('\n'.join([bpmn_sha256, *dmn_sha256s]))


def cached_spec(spec_hash_: str) -> ParsedProcess | None:
    return _PARSED_BY_HASH.get(spec_hash_)


def schema_check(bpmn_xml: str) -> None:
    """XSD validation (BPMN + SpiffWorkflow extensions): done once when a version is stored, not on every parse."""
    from lxml import etree
    SpiffBpmnParser(validator=VALIDATOR).add_bpmn_xml(etree.fromstring(bpmn_xml.encode('utf-8')),
                                                      filename='diagram.bpmn')


def _parser(bpmn_xml: str, dmn_xmls: tuple[str, ...]) -> SpiffBpmnParser:
    from lxml import etree
    parser = SpiffBpmnParser()
    parser.add_bpmn_xml(etree.fromstring(bpmn_xml.encode('utf-8')), filename='diagram.bpmn')
    for i, dmn in enumerate(dmn_xmls):
        parser.add_dmn_xml(etree.fromstring(dmn.encode('utf-8')), filename=f'rules{i}.dmn')
    return parser


@lru_cache(maxsize=64)
def parse_process(process_id: str, bpmn_xml: str, dmn_xmls: tuple[str, ...] = ()) -> ParsedProcess:
    """Parse once per distinct (diagram, rules) content; the cache is keyed by content, never the source of truth."""
    parser = _parser(bpmn_xml, dmn_xmls)
    parsed = ParsedProcess(process_id, parser.get_spec(process_id), parser.get_subprocess_specs(process_id),
                           spec_hash(bpmn_xml, dmn_xmls))
    _PARSED_BY_HASH[parsed.spec_hash] = parsed
    return parsed


@lru_cache(maxsize=64)
def parse_decision(dmn_xml: str):
    """The decision table object of a DMN file (first decision)."""
    from lxml import etree
    parser = SpiffBpmnParser()
    parser.add_dmn_xml(etree.fromstring(dmn_xml.encode('utf-8')), filename='rules.dmn')
    dmn_parser = next(iter(parser.dmn_parsers.values()))
    dmn_parser.parse()
    return dmn_parser.decision.decisionTables[0]


def new_workflow(parsed: ParsedProcess) -> BpmnWorkflow:
    return BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=SCRIPT_ENGINE)


def dump_workflow(workflow: BpmnWorkflow) -> str:
    SERIALIZER.registry._encoder_mode = True
    try:
        dct = SERIALIZER.to_dict(workflow)
    finally:
        SERIALIZER.registry._encoder_mode = False
    return json.dumps(dct, cls=SERIALIZER._encoder_cls, ensure_ascii=False, separators=(',', ':'))


def load_workflow(state: str, parsed: ParsedProcess) -> BpmnWorkflow:
    dct = json.loads(state, cls=SERIALIZER.json_decoder_cls)
    workflow = SERIALIZER.registry.restore(dct, spec=parsed.spec, subprocess_specs=parsed.subprocess_specs)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow

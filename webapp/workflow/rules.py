"""Evaluating DMN decisions outside a running process (e.g. to pre-fill 申请学时 while the form is filled, or to replay
a year's claims through a draft table)."""
import copy
from decimal import Decimal
from types import SimpleNamespace

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine

from models.workflow import DMN

from ..i18n import _l
from .engine import SCRIPT_ENGINE
from .validation import DecisionError, parsed_decision
from .versions import published


class DecisionUnavailable(LookupError):
    pass


def _task(inputs: dict) -> SimpleNamespace:
    """The little of a task the DMN engine reads: its data and its workflow's (restricted) script engine."""
    return SimpleNamespace(data=dict(inputs), workflow=SimpleNamespace(script_engine=SCRIPT_ENGINE))


def _exact(value):
    """A number as it reads (6.0 -> Decimal('6.0')), not as a binary float, also in a COLLECT list; else as it is."""
    if isinstance(value, list):
        return [_exact(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


class DecisionTable:
    """One decision table over the inputs *names*, parsed once and evaluated once per distinct input tuple: a replay of
    thousands of rows that share a handful of tuples evaluates only those. DecisionError when *dmn_xml* does not
    parse."""

    def __init__(self, dmn_xml: str, names: tuple[str, ...]):
        self._engine = DMNEngine(parsed_decision(dmn_xml))
        self._names = tuple(names)
        self._outputs: dict[tuple, dict] = {}

    def __len__(self) -> int:
        """How many distinct input tuples were evaluated."""
        return len(self._outputs)

    def outputs(self, *values) -> dict:
        """Outputs of the first matching rule for the input *values* (hashable, in the order of the names), numbers as
        Decimal; empty when nothing matches. The same values give the same dict: do not change it. DecisionError when
        a cell fails on these inputs."""
        outputs = self._outputs.get(values)
        if outputs is None:
            try:
                result = self._engine.result(_task(dict(zip(self._names, values, strict=True))))
            except Exception as exc:
                raise DecisionError(_l('决策表无法按这些输入求值'), exc) from exc
            outputs = self._outputs[values] = {name: _exact(value) for name, value in result.items()}
        return outputs


def evaluate(dmn_xml: str, inputs: dict) -> tuple[list, dict]:
    """Every matching rule (row number, description) and the outputs of *dmn_xml* (e.g. a draft) for *inputs*, as the
    engine decides them (UNIQUE/FIRST: the first match only); raises DiagramError when the table does not parse or a
    cell fails on these inputs."""
    table = parsed_decision(dmn_xml)
    task = _task(inputs)
    every = copy.copy(table)  # parsed tables are cached and shared: change the copy only
    every.hit_policy = 'COLLECT'
    try:
        matched = DMNEngine(every).decide(task)
        outputs = DMNEngine(table).result(task)
    except Exception as exc:
        raise DecisionError(_l('决策表无法按这些输入求值'), exc) from exc
    return [(rule.row_number, rule.description or '') for rule in matched], outputs


def decide(decision_id: str, inputs: dict) -> dict:
    """Outputs of the first matching rule of the published decision table (empty dict when nothing matches)."""
    version = published(DMN, decision_id)
    if version is None:
        raise DecisionUnavailable(decision_id)
    return DMNEngine(parsed_decision(version.content)).result(_task(inputs))

"""Evaluating DMN decisions outside a running process (e.g. to pre-fill 申请学时 while the form is filled, or to replay
a year's claims through a draft table). Each evaluation runs within one budget (expressions.budget); a cell that
fails is named with its row."""
import copy
from decimal import Decimal

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine

from models.workflow import DMN

from ..i18n import _l
from .expressions import budget, reason
from .failures import failed
from .trial import failing_cell, sample_task
from .validation import DecisionError, cell_name, parsed_decision
from .versions import job_memo, published


class DecisionUnavailable(LookupError):
    pass


def _where(table, task):
    """The cell that fails for *task* (決策表 x 第 N 行 cell), or the table."""
    cell = failing_cell(table, task)
    name = table.name or table.id
    return cell_name(name, cell[0], cell[1]) if cell is not None else _l('决策表 %(name)s', name=name)


def _run(table, inputs: dict, run, refuse=None):
    """run(task) for a task with *inputs*, within a budget; when it fails, refuse(where, error) (the cell), by default
    a DecisionError naming the cell."""
    task = sample_task(dict(inputs))
    try:
        with budget():
            return run(task)
    except Exception as exc:
        where = _where(table, task)
        if refuse is not None:
            raise refuse(where, exc) from exc
        raise DecisionError(_l('决策表无法按这些输入求值'),
                            _l('%(where)s：%(reason)s', where=where, reason=reason(exc))) from exc


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
        self._table = parsed_decision(dmn_xml)
        self._engine = DMNEngine(self._table)
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
            result = _run(self._table, dict(zip(self._names, values, strict=True)), self._engine.result)
            outputs = self._outputs[values] = {name: _exact(value) for name, value in result.items()}
        return outputs


def evaluate(dmn_xml: str, inputs: dict) -> tuple[list, dict]:
    """Every matching rule (row number, description) and the outputs of *dmn_xml* (e.g. a draft) for *inputs*, as the
    engine decides them (UNIQUE/FIRST: the first match only); raises DiagramError when the table does not parse or a
    cell fails on these inputs."""
    table = parsed_decision(dmn_xml)
    every = copy.copy(table)  # parsed tables are cached and shared: change the copy only
    every.hit_policy = 'COLLECT'
    matched, outputs = _run(table, inputs, lambda task: (DMNEngine(every).decide(task), DMNEngine(table).result(task)))
    return [(rule.row_number, rule.description or '') for rule in matched], outputs


def decide(decision_id: str, inputs: dict, province_id: int) -> dict:
    """Outputs of the first matching rule of the published decision table of the province *province_id* (empty
    dict when nothing matches). failures.ProcessFailed (and an entry for province staff) when a cell fails on these
    inputs."""
    version = published(DMN, decision_id, province_id)
    if version is None:
        raise DecisionUnavailable(decision_id)
    memo, key = job_memo(), ('decide', version.id, tuple(sorted(inputs.items())))
    if memo is not None and key in memo:  # a bulk job: the same version gives the same outputs for the same inputs
        return dict(memo[key])
    table = parsed_decision(version.content)
    outputs = _run(table, inputs, DMNEngine(table).result, lambda where, exc: failed(version, where, exc))
    if memo is not None:
        memo[key] = dict(outputs)
    return outputs

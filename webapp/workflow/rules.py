"""Evaluating DMN decisions outside a running process (e.g. to pre-fill 申请学时 while the form is filled)."""
import copy
from types import SimpleNamespace

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine

from models.workflow import DMN

from .engine import SCRIPT_ENGINE, parse_decision
from .validation import DiagramError, check_decision_table


class DecisionUnavailable(LookupError):
    pass


def validate_decision(dmn_xml: str) -> None:
    try:
        table = parse_decision(dmn_xml)
    except Exception as exc:
        raise DiagramError([f'决策表无法解析：{exc}']) from exc
    problems = []
    check_decision_table(problems, table, table.name or table.id)
    if problems:
        raise DiagramError(problems)


def evaluate(dmn_xml: str, inputs: dict) -> tuple[list, dict]:
    """Every matching rule (row number, description) and the outputs of *dmn_xml* (e.g. a draft) for *inputs*, as the
    engine decides them (UNIQUE/FIRST: the first match only); raises DiagramError when a cell fails on these inputs."""
    table = parse_decision(dmn_xml)
    task = SimpleNamespace(data=dict(inputs), workflow=SimpleNamespace(script_engine=SCRIPT_ENGINE))
    every = copy.copy(table)  # parsed tables are cached and shared: change the copy only
    every.hit_policy = 'COLLECT'
    try:
        matched = DMNEngine(every).decide(task)
        outputs = DMNEngine(table).result(task)
    except Exception as exc:
        raise DiagramError([f'决策表无法按这些输入求值：{exc}']) from exc
    return [(rule.row_number, rule.description or '') for rule in matched], outputs


def decide(decision_id: str, inputs: dict) -> dict:
    """Outputs of the first matching rule of the published decision table (empty dict when nothing matches)."""
    from .versions import published
    version = published(DMN, decision_id)
    if version is None:
        raise DecisionUnavailable(decision_id)
    table = parse_decision(version.content)
    task = SimpleNamespace(data=dict(inputs), workflow=SimpleNamespace(script_engine=SCRIPT_ENGINE))
    return DMNEngine(table).result(task)

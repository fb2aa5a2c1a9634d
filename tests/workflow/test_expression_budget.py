"""Expressions in diagrams and decision tables cannot make one request run without end or fill the memory: every
allowed function and operator is bounded, every run has a budget, hostile expressions are refused when a version is
stored, and one that slips past is stopped when it runs. Each hostile case runs in a child process limited in time
and memory (tests/bounded.py): on the old code they did not finish."""
import time
from decimal import Decimal
from pathlib import Path

import pytest

from models.workflow import BPMN, DMN
from webapp.workflow import engine, expressions, rules, validation, versions
from webapp.workflow.expressions import UnsafeExpression
from webapp.workflow.validation import DiagramError

from ..bounded import LIMIT_SECONDS, bounded
from ..helpers import claim_through_the_engine
from ..people import zj

ROOT = Path(__file__).resolve().parents[2]
CLAIM = (ROOT / 'bpmn' / 'claim.bpmn').read_text(encoding='utf-8')
RULES = (ROOT / 'rules' / 'credit_hours.dmn').read_text(encoding='utf-8')
BOMB = 'round(1, -1000000000000)'  # 10 ** (10 ** 12): one C call that never returns
HUGE = 10 ** 12
MEMORY_MB = 200


def stopped(outcome, *errors):
    """The case finished within the limit, without taking much memory, refused by the sandbox."""
    assert outcome.finished, str(outcome)
    assert outcome.seconds < LIMIT_SECONDS, str(outcome)
    assert outcome.grown_mb < MEMORY_MB, str(outcome)
    assert outcome.error in (errors or ('UnsafeExpression', 'ExpressionBudgetExceeded')), str(outcome)
    return outcome


# --- What the whitelist refuses before anything runs ------------------------------------------------------------

@pytest.mark.parametrize('source,mode', [
    ('2 ** 10 ** 10', 'eval'), ('pow(2, 10 ** 10)', 'eval'), ('1 << 1000000000', 'eval'),
    ('range(1000000000000)', 'eval'), ('divmod(1, 0)', 'eval'), ('f"{x:1000000000}"', 'eval'),
    ('"{:1000000000}".format(1)', 'eval'), ('"%1000000000d" % 1', 'eval'), ('"x".zfill(1000000000)', 'eval'),
    ('"x".center(1000000000)', 'eval'), ('"x".ljust(1000000000)', 'eval'), ('"x".rjust(1000000000)', 'eval'),
    ('"\\tx".expandtabs(1000000000)', 'eval'), ('"x".replace("", "y")', 'eval'), ('[x for x in "abc"]', 'eval'),
    ('+'.join(['1'] * 600), 'eval'),                     # a 600-term sum: deeper than Python compiles guarded
    ('-' * 1000 + '1', 'eval'), ('not ' * 300 + 'x', 'eval'), ('[' * 150 + ']' * 150, 'eval'),
    ('min(a, b)[0] = c', 'exec'),                        # changes a list no name holds: not measured after
    ('x.y = 1', 'exec'), ('1\x00', 'eval'),
])
def test_the_whitelist_refuses_expensive_syntax(source, mode):
    with pytest.raises(UnsafeExpression):
        expressions.guarded_code(source, mode)


@pytest.mark.parametrize('source,context,expected', [
    ('round(2.567, 2)', {}, 2.57), ('round(x)', {'x': Decimal('2.5')}, 2), ('round(1234, -2)', {}, 1200),
    ('int("12") + int(3.9) + int("ff", 16)', {}, 270), ('float("1.5")', {}, 1.5), ('str(12) + str(None)', {}, '12None'),
    ('sum([1, 2, x])', {'x': Decimal('1.5')}, Decimal('4.5')), ('sum((1, 2), start=3)', {}, 6),
    ('sorted(["b", "a"], key=len, reverse=True)', {}, ['b', 'a']), ('max([1, 3], key=abs)', {}, 3),
    ('min(3, 1, 2)', {}, 1), ('min([], default=0)', {}, 0), ('any(x) and all([1])', {'x': [0, 1]}, True),
    ('len({"a": 1}) + bool(0)', {}, 1), ('abs(-3)', {}, 3), ('[1, 2] + [3]', {}, [1, 2, 3]),
    ('{"a": (1, 2)}["a"][1]', {}, 2), ('"a" in {"a", "b"} and 1 < 2 <= 2', {}, True),
    ('7 // 2 - 3 / 2 + 7 % 4', {}, 4.5),
])
def test_the_bounded_functions_and_operators_give_the_same_results(source, context, expected):
    assert engine.RestrictedEnvironment().evaluate(source, dict(context)) == expected


def test_a_key_function_must_be_one_of_the_allowed_ones():
    with pytest.raises(UnsafeExpression, match='key'):
        engine.RestrictedEnvironment().evaluate('sorted(x, key=k)', {'x': [1], 'k': 1})


# --- What the run-time guard stops, within a second and without the memory --------------------------------------

RUN_TIME = [
    ('round-ndigits', 'eval', BOMB, {}),
    ('round-ndigits-from-data', 'eval', 'round(x, n)', {'x': 1, 'n': -HUGE}),
    ('round-keywords', 'eval', 'round(number=1, ndigits=n)', {'n': -HUGE}),
    ('round-huge-decimal', 'eval', 'round(d)', {'d': Decimal('1E+999999999')}),
    ('int-huge-decimal', 'eval', 'int(d)', {'d': Decimal('1E+999999999')}),
    ('int-long-binary-text', 'eval', 'int(s, 2) * int(s, 2)', {'s': '1' * 1_000_000}),
    ('str-decoding', 'eval', 'str(b, "utf-16")', {'b': b'ab' * 1000}),
    ('sum-of-lists', 'eval', 'sum(l, [])', {'l': [[0] * 10_000] * 10_000}),
    ('sum-of-tuples-keyword', 'eval', 'sum(t, start=())', {'t': [(0,) * 10_000] * 10_000}),
    ('text-doubled', 'exec', 'a = "aaaaaaaaaa"\n' + 'a = a + a\n' * 40, {}),
    ('list-doubled', 'exec', 'l = [0]\n' + 'l = l + l\n' * 40, {}),
    ('learner-text-repeated', 'eval', 'comment * 999999999999', {'comment': '一段审核意见'}),
    ('printf-from-data', 'eval', 'f % (900000000, 1)', {'f': '%*d'}),
    ('nested-displays-printed', 'exec', 'a = [0]\n' + 'a = [a, a]\n' * 60 + 's = str(a)', {}),
    ('nested-displays-compared', 'exec',
     'a = [0]\n' + 'a = [a, a]\n' * 60 + 'b = [0]\n' + 'b = [b, b]\n' * 60 + 'x = a == b', {}),
    ('nested-by-assignment', 'exec', 'a = [0, 0]\n' + 'a[0] = a[:]\na[1] = a[:]\n' * 40 + 's = str(a)', {}),
    ('slice-assignment-doubling', 'exec', 'l = [0]\n' + 'l[0:0] = l\n' * 60, {}),
    ('cycle', 'exec', 'l = [0]\nl[0] = l', {}),
    ('changed-through-another-list', 'exec',                # each name small enough, c a million characters stored
     'a = [0]\nb = [a, a, a, a, a, a, a, a, a, a]\nc = [b, b, b, b, b, b, b, b, b, b]\na[0] = s', {'s': 'x' * 9_000}),
    ('nested-deeper-and-deeper', 'exec', 'a = [0]\n' + 'a = [a]\n' * 200, {}),  # the serializer recurses
    ('sorted-by-sorted', 'eval', 'sorted(l, key=sorted)', {'l': ['ab' * 50_000] * 100_000}),
    ('squared-again-and-again', 'exec', 'a = 999999999999\n' + 'a = a * a\n' * 40, {}),
    ('many-cheap-steps', 'exec', 'y=sorted(s)\n' * 160, {'s': 'z' * 9_000}),  # within the 2000 characters
    ('many-compares', 'exec', 'x=l==m\n' * 280, {'l': list(range(9_000)), 'm': list(range(9_000))}),
]


@pytest.mark.parametrize('mode,source,context', [case[1:] for case in RUN_TIME], ids=[case[0] for case in RUN_TIME])
def test_the_run_time_guard_stops_hostile_expressions(mode, source, context):
    env = engine.RestrictedEnvironment()
    run = env.evaluate if mode == 'eval' else (lambda script, data: env.execute(script, data, {}))
    stopped(bounded(lambda: run(source, dict(context))))


def test_the_budget_stops_a_run_of_many_expressions_that_each_pass():
    """One engine step may evaluate many expressions: they share one budget."""
    env = engine.RestrictedEnvironment()

    def run():
        with expressions.budget():
            for _ in range(1000):
                env.evaluate('sorted(s)', {'s': 'z' * 9_000})
    stopped(bounded(run))


# --- Hostile expressions are refused when a version is stored ----------------------------------------------------

REMIND = '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">remind_after</bpmn:timeDuration>'
PLACES = {
    'script': (BPMN, CLAIM, 'table_hours = hours_per_unit * quantity', f'table_hours = {BOMB}', '元素 total_hours'),
    'condition': (BPMN, CLAIM, 'decision == "reject"', f'decision == {BOMB}', '元素 unit_decision'),
    'timer': (BPMN, CLAIM, REMIND, f'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P{HUGE}Y"'
                                   '</bpmn:timeDuration>', '元素 remind_unit'),
    'dmn-input': (DMN, RULES, '<text>"exam"</text>', f'<text>{BOMB}</text>', '第 1 行 rule_1_p'),
    'dmn-input-tail': (DMN, RULES, '<text>&gt; 0</text>', f'<text>&gt; {BOMB}</text>', '第 1 行 rule_1_q'),
    'dmn-output': (DMN, RULES, '<text>8</text>', f'<text>{BOMB}</text>', '第 1 行 rule_1_out'),
}


@pytest.mark.parametrize('place', PLACES)
def test_a_hostile_expression_is_refused_when_published_naming_where(ctx, place):
    kind, content, old, new, where = PLACES[place]
    assert old in content
    start = time.process_time()  # CPU time: the wall clock of a busy machine says little
    with pytest.raises(DiagramError) as info:
        versions.add_version(kind, content.replace(old, new, 1), province_id=zj())
    assert time.process_time() - start < LIMIT_SECONDS
    assert any(where in problem for problem in info.value.problems), info.value.problems


@pytest.mark.parametrize('timer,literal', [
    ('timeDuration', f'P{HUGE}Y'), ('timeDuration', f'P{HUGE}M'), ('timeCycle', f'R3/P{HUGE}Y'),
    ('timeCycle', f'R3/2026-01-01T00:00:00+08:00/P{HUGE}M'), ('timeDuration', 'P1' + '0' * 200 + 'D'),
])
def test_a_timer_the_engine_would_walk_for_ever_is_refused(timer, literal):
    """The engine turns years and months into days one month at a time; a cycle is even walked while checking it."""
    bad = CLAIM.replace(REMIND, f'<bpmn:{timer} xsi:type="bpmn:tFormalExpression">"{literal}"</bpmn:{timer}>', 1)
    parsed = engine.parse_process('claim', bad, (RULES,))

    def check():
        problems = []
        for task_spec in parsed.spec.task_specs.values():
            if task_spec.bpmn_id == 'remind_unit':
                validation.check_timer(problems, 'remind_unit', task_spec.event_definition)
        return problems
    outcome = bounded(check)
    assert outcome.finished and outcome.seconds < LIMIT_SECONDS, str(outcome)
    assert '100 年' in outcome.value or '不是有效的' in outcome.value, str(outcome)


# --- A hostile expression that slipped past publishing is stopped where it runs ----------------------------------

class Stopped(Exception):
    pass


@pytest.mark.parametrize('place', PLACES)
def test_a_hostile_expression_that_slipped_past_publishing_is_stopped_when_it_runs(place):
    kind, content, old, new, _where = PLACES[place]
    bpmn, dmn = (content.replace(old, new, 1), RULES) if kind == BPMN else (CLAIM, content.replace(old, new, 1))

    def run():
        try:
            return claim_through_the_engine(bpmn, dmn)
        except Exception as exc:  # the engine's own error, around the sandbox's
            raise Stopped(expressions.reason(exc)) from exc
    outcome = stopped(bounded(run), 'Stopped')
    assert outcome.message.startswith('round()') or '100 年' in outcome.message, str(outcome)


def test_the_dmn_test_bench_answers_instead_of_hanging():
    """The bench evaluates a draft, which may be saved with problems: it runs within the budget too."""
    bad = RULES.replace('<text>8</text>', f'<text>{BOMB}</text>', 1)
    inputs = {'pathway': 'exam', 'level': '', 'rank': 0, 'quantity': 1}
    outcome = stopped(bounded(lambda: rules.evaluate(bad, inputs)), 'DecisionError')
    assert '第 1 行 rule_1_out' in outcome.message and 'round()' in outcome.message, str(outcome)

"""FEEL simple unary tests -> engine cells: the translation table, refusals, and what the engine then decides."""
from pathlib import Path

import pytest

from webapp.workflow import rules
from webapp.workflow.feel import FeelError, feel_cell, feel_decision, translate_cell, translate_decision

ROOT = Path(__file__).resolve().parents[2]
RULES = (ROOT / 'rules' / 'credit_hours.dmn').read_text(encoding='utf-8')


@pytest.mark.parametrize('feel,engine', [
    ('', ''),
    ('-', ''),
    ('"exam"', '"exam"'),
    ('8', '8'),
    ('-2.5', '-2.5'),
    ('true', 'True'),
    ('>= 3', '>= 3'),
    ('<5', '< 5'),
    ('> "b"', '> "b"'),
    ('[1..5]', '1 <= ? <= 5'),
    ('(1..5]', '1 < ? <= 5'),
    (']1..5[', '1 < ? < 5'),
    ('[1..5)', '1 <= ? < 5'),
    ('"a","b"', '? in ("a", "b")'),
    ('"a", "b", "c"', '? in ("a", "b", "c")'),
    ('not("x")', 'not (? in ("x",))'),
    ('not("a","b")', 'not (? in ("a", "b"))'),
    ('not(>= 3)', 'not (? >= 3)'),
    ('>= 3, "x"', '(? >= 3) or (? == "x")'),
    ('[1..2], [8..9]', '(1 <= ? <= 2) or (8 <= ? <= 9)'),
    ('1 <= ? <= 5', '1 <= ? <= 5'),  # already engine form: kept
])
def test_translation_table(feel, engine):
    assert translate_cell(feel) == engine


@pytest.mark.parametrize('feel', ['date("2020-01-01")', 'x > 0', '"a', '"a",,"b"', '[1..]', 'between 1 and 5',
                                  'foo'])
def test_what_cannot_be_translated_is_refused(feel):
    with pytest.raises(FeelError, match='无法识别|引号|逗号'):
        translate_cell(feel)


def _table(cell, hit_policy='UNIQUE', extra=''):
    return RULES.replace('hitPolicy="FIRST"', f'hitPolicy="{hit_policy}"{extra}').replace(
        '<text>"exam"</text>', f'<text>{cell}</text>', 1)


@pytest.mark.parametrize('cell,pathway,matches', [
    ('"exam","training"', 'exam', True),
    ('"exam","training"', 'seminar', False),
    ('not("seminar")', 'exam', True),
    ('not("seminar")', 'seminar', False),
])
def test_translated_cells_decide_as_feel_means(cell, pathway, matches):
    translated = translate_decision(_table(cell))
    matched, outputs = rules.evaluate(translated, {'pathway': pathway, 'level': None, 'rank': None, 'quantity': 1})
    assert (bool(matched) and matched[0][0] == 1) is matches


@pytest.mark.parametrize('cell,quantity,matches', [('[1..5]', 1, True), ('[1..5]', 5, True), ('(1..5]', 1, False),
                                                   ('>= 3', 2, False), ('>= 3', 3, True)])
def test_ranges_and_comparisons_on_quantity(cell, quantity, matches):
    translated = translate_decision(RULES.replace('<text>&gt; 0</text>', f'<text>{cell}</text>', 1))
    matched, _ = rules.evaluate(translated, {'pathway': 'exam', 'level': None, 'rank': None, 'quantity': quantity})
    assert (bool(matched) and matched[0][0] == 1) is matches


def test_untranslatable_cells_are_named_by_row_and_column():
    with pytest.raises(FeelError) as info:
        translate_decision(_table('date("2020-01-01")'))
    assert info.value.problems == [
        '第 1 行“认定类型”列：无法识别的条件“date("2020-01-01")”（支持："文字"、数字、>= 3、[1..5]、(1..5]、"a","b"、not(...)、-）']


@pytest.mark.parametrize('policy,extra,refused', [
    ('UNIQUE', '', False), ('FIRST', '', False), ('COLLECT', '', False),
    ('ANY', '', True), ('RULE ORDER', '', True), ('PRIORITY', '', True), ('COLLECT', ' aggregation="SUM"', True),
])
def test_only_hit_policies_the_engine_implements(policy, extra, refused):
    if refused:
        with pytest.raises(FeelError, match='不受支持'):
            translate_decision(_table('"exam"', policy, extra))
    else:
        translate_decision(_table('"exam"', policy, extra))


@pytest.mark.parametrize('engine,feel', [
    ('', ''),
    ('"exam"', '"exam"'),
    ('True', 'true'),
    ('> 0', '> 0'),
    ('1 <= ? <= 5', '[1..5]'),
    ('1 < ? < 5', '(1..5)'),
    ('? in ("municipal", "county")', '"municipal", "county"'),
    ('not (? in ("x",))', 'not("x")'),
    ('not (? in ("a", "b"))', 'not("a", "b")'),
    ('not (? >= 3)', 'not(>= 3)'),
    ('(? >= 3) or (? == "x")', '>= 3, "x"'),
    ('(1 <= ? <= 2) or (8 <= ? <= 9)', '[1..2], [8..9]'),
    ('? == "a" or ? == "b"', '? == "a" or ? == "b"'),  # written in engine form by hand: shown as stored
    ('? in ("a) or (b",)', '? in ("a) or (b",)'),
])
def test_editor_shows_stored_cells_as_feel(engine, feel):
    assert feel_cell(engine) == feel
    assert translate_cell(feel) == engine  # saving what the editor shows stores the same cell


def test_the_shipped_table_round_trips_through_the_editor():
    stored = translate_decision(RULES)
    assert translate_decision(feel_decision(stored)) == stored
    edited = stored.replace('<text>"municipal"</text>', '<text>? in ("municipal", "county")</text>', 1)
    assert '<text>"municipal", "county"</text>' in feel_decision(edited)

"""FEEL simple unary tests -> the engine's Python cell form.

Province staff (and dmn-js) write DMN input cells in FEEL: `"a","b"`, `>= 3`, `[1..5]`, `not("x")`, `-`. SpiffWorkflow
evaluates cells as Python and misreads these silently (`"a","b"` is a tuple that never matches, `[1..5]` raises).
`translate_cell` turns the simple-FEEL subset into what the engine reads correctly:

    FEEL                 engine form
    ""  or  -            (empty: any value)
    "exam"               "exam"
    8                    8
    >= 3                 >= 3                      (operator tail: the engine puts the input in front)
    [1..5]               1 <= ? <= 5               (`?` stands for the input value)
    (1..5]               1 < ? <= 5
    "a","b"              ? in ("a", "b")
    not("x")             not (? in ("x",))
    >= 3, "x"            (? >= 3) or (? == "x")

A cell already in engine form (it uses `?`) is kept. Anything else is refused with a message naming the cell; only
the hit policies the engine implements are accepted (UNIQUE and FIRST both act as first match; COLLECT gathers lists
and has no aggregation).
"""
import re

from lxml import etree

from ..i18n import _l
from ..refusals import Refused
from .wording import names, problems as listed

HIT_POLICIES = {'UNIQUE': _l('唯一（取第一条匹配的规则）'), 'FIRST': _l('第一条匹配'),
                'COLLECT': _l('收集（全部匹配规则的输出列表）')}

_NUMBER = r'-?\d+(?:\.\d+)?'
_STRING = r'"[^"\\]*"'
_LITERAL = rf'(?:{_NUMBER}|{_STRING}|true|false)'
_COMPARISON = re.compile(rf'^(<=|>=|<|>)\s*({_LITERAL})$')
_RANGE = re.compile(rf'^([\[(\]])\s*({_NUMBER})\s*\.\.\s*({_NUMBER})\s*([\])\[])$')
_QUESTION_OUTSIDE_QUOTES = re.compile(r'\?(?=(?:[^\'"]|[\'"][^\'"]*[\'"])*$)')


class FeelError(Refused, ValueError):
    """A cell the translation does not understand; the message says what is supported (*problems*: one per cell, each
    a str in the language of whoever asked)."""

    def __init__(self, message, problems=None):
        self.problems = [str(problem) for problem in problems or [message]]
        super().__init__(message)


def _literal(text: str) -> str:
    if text == 'true':
        return 'True'
    if text == 'false':
        return 'False'
    return text


def _split(text: str) -> list[str]:
    """Split at commas outside quotes and brackets."""
    parts, depth, quoted, current = [], 0, False, ''
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in '([':
            depth += 1
        elif not quoted and char in ')]':
            depth -= 1
        if char == ',' and not quoted and depth <= 0:
            parts.append(current.strip())
            current = ''
        else:
            current += char
    if quoted:
        raise FeelError(_l('引号未闭合'))
    parts.append(current.strip())
    return parts


def _test(item: str) -> tuple[str, str]:
    """One unary test -> (kind, engine text): kind 'literal' (a value), 'tail' (operator tail) or 'predicate'."""
    if re.fullmatch(_LITERAL, item):
        return 'literal', _literal(item)
    match = _COMPARISON.match(item)
    if match:
        return 'tail', f'{match.group(1)} {_literal(match.group(2))}'
    match = _RANGE.match(item)
    if match:
        low_open = match.group(1) in '(]'
        high_open = match.group(4) in ')['
        low, high = match.group(2), match.group(3)
        return 'predicate', f'{low} {"<" if low_open else "<="} ? {"<" if high_open else "<="} {high}'
    raise FeelError(_l('无法识别的条件“%(cell)s”（支持："文字"、数字、>= 3、[1..5]、(1..5]、"a","b"、not(...)、-）', cell=item))


def _predicate(kind: str, text: str) -> str:
    if kind == 'literal':
        return f'? == {text}'
    if kind == 'tail':
        return f'? {text}'
    return text


def _disjunction(items: list[str]) -> tuple[str, str]:
    tests = [_test(item) for item in items]
    if len(tests) == 1:
        return tests[0]
    if all(kind == 'literal' for kind, _ in tests):
        return 'predicate', f'? in ({", ".join(text for _, text in tests)})'
    return 'predicate', ' or '.join(f'({_predicate(kind, text)})' for kind, text in tests)


def translate_cell(cell: str | None) -> str:
    """Engine form of one input cell; raises FeelError when the cell cannot be translated."""
    text = (cell or '').strip()
    if text in ('', '-'):
        return ''
    if _QUESTION_OUTSIDE_QUOTES.search(text):
        return text  # already engine form; the expression whitelist checks it
    negated = re.fullmatch(r'not\s*\((.*)\)', text, re.S)
    body = negated.group(1).strip() if negated else text
    items = _split(body)
    if any(item == '' for item in items):
        raise FeelError(_l('条件之间有多余的逗号'))
    kind, translated = _disjunction(items)
    if negated:
        if kind == 'literal' and len(items) == 1:
            return f'not (? in ({translated},))'
        if kind == 'predicate' and translated.startswith('? in ('):
            return f'not ({translated})'
        return f'not ({_predicate(kind, translated)})'
    return translated


def translate_output(cell: str | None) -> str:
    """Output cells: FEEL literals (numbers, strings, true/false) are Python literals too."""
    text = (cell or '').strip()
    if text in ('true', 'false'):
        return _literal(text)
    return text


def _local(element) -> str:
    return etree.QName(element).localname


def translate_decision(dmn_xml: str) -> str:
    """The DMN XML with every input cell in engine form; raises FeelError listing every cell it could not translate
    (rule row and column) and a hit policy the engine does not implement."""
    try:
        root = etree.fromstring(dmn_xml.encode('utf-8'))
    except etree.XMLSyntaxError as exc:
        raise FeelError(_l('不是有效的 DMN 决策表：%(reason)s', reason=exc)) from None
    problems = []
    tables = [el for el in root.iter() if isinstance(el.tag, str) and _local(el) == 'decisionTable']
    for table in tables:
        policy = (table.get('hitPolicy') or 'UNIQUE').upper()
        if policy not in HIT_POLICIES:
            problems.append(_l('命中策略 %(policy)s 不受支持（可用：%(policies)s）', policy=policy, policies=names(HIT_POLICIES)))
        if table.get('aggregation'):
            problems.append(_l('命中策略 COLLECT 的汇总方式 %(aggregation)s 不受支持（引擎只返回列表）',
                               aggregation=table.get('aggregation')))
        if any(isinstance(el, etree._Comment) for el in table.iter()):
            problems.append(_l('决策表中不能有 XML 注释'))
        columns = [(el.get('label') or el.get('id') or '') for el in table if _local(el) == 'input']
        rules = [el for el in table if isinstance(el.tag, str) and _local(el) == 'rule']
        for row, rule in enumerate(rules, start=1):
            entries = [el for el in rule if isinstance(el.tag, str) and _local(el) == 'inputEntry']
            for column, entry in enumerate(entries):
                text_el = next((el for el in entry if isinstance(el.tag, str) and _local(el) == 'text'), None)
                if text_el is None:
                    continue
                name = columns[column] if column < len(columns) else entry.get('id')
                try:
                    text_el.text = translate_cell(text_el.text)
                except FeelError as exc:
                    problems.append(_l('第 %(row)s 行“%(column)s”列：%(problem)s', row=row, column=name,
                                       problem=exc.message))
            for entry in rule:
                if isinstance(entry.tag, str) and _local(entry) == 'outputEntry':
                    for text_el in entry:
                        if isinstance(text_el.tag, str) and _local(text_el) == 'text':
                            text_el.text = translate_output(text_el.text)
    if problems:
        raise FeelError(listed(problems), problems)
    return etree.tostring(root, encoding='unicode', xml_declaration=False)


_ENGINE_LITERAL = rf'(?:{_NUMBER}|{_STRING}|True|False)'
_ENGINE_RANGE = re.compile(rf'^({_NUMBER}) (<=|<) \? (<=|<) ({_NUMBER})$')
_ENGINE_TAIL = re.compile(rf'^\? (<=|>=|<|>) ({_ENGINE_LITERAL})$')


def _feel_literal(text: str) -> str:
    return {'True': 'true', 'False': 'false'}.get(text, text)


def _feel_item(text: str) -> str:
    """One engine predicate (as translate_cell writes it) back to its FEEL unary test."""
    match = re.fullmatch(rf'\? == ({_ENGINE_LITERAL})', text)
    if match:
        return _feel_literal(match.group(1))
    match = _ENGINE_TAIL.match(text) or re.fullmatch(rf'(<=|>=|<|>) ({_ENGINE_LITERAL})', text)
    if match:
        return f'{match.group(1)} {_feel_literal(match.group(2))}'
    match = _ENGINE_RANGE.match(text)
    if match:
        low, low_op, high_op, high = match.groups()
        return f'{"[" if low_op == "<=" else "("}{low}..{high}{"]" if high_op == "<=" else ")"}'
    if re.fullmatch(_ENGINE_LITERAL, text):
        return _feel_literal(text)
    raise FeelError(text)


def _feel_items(text: str) -> str:
    match = re.fullmatch(r'\? in \((.*?),?\)', text, re.S)
    if match:
        return ', '.join(_feel_literal(item) for item in _split(match.group(1)))
    if text.startswith('(') and text.endswith(')') and ') or (' in text:
        return ', '.join(_feel_item(item) for item in text[1:-1].split(') or ('))
    return _feel_item(text)


def feel_cell(cell: str | None) -> str:
    """The FEEL for an input cell as translate_cell stored it (`? in ("a", "b")` -> `"a", "b"`), so the editor shows
    staff what they typed. Only when translating it again gives the same cell; any other cell is shown as stored."""
    text = (cell or '').strip()
    if not text:
        return cell or ''
    try:
        negated = re.fullmatch(r'not \((.*)\)', text, re.S)
        feel = f'not({_feel_items(negated.group(1))})' if negated else _feel_items(text)
        return feel if translate_cell(feel) == text else text
    except FeelError:
        return text


def feel_decision(dmn_xml: str) -> str:
    """The stored DMN XML with its cells in FEEL, for the editor (the reverse of translate_decision). XML the parser
    refuses is returned unchanged: the editor reports it."""
    try:
        root = etree.fromstring(dmn_xml.encode('utf-8'))
    except etree.XMLSyntaxError:
        return dmn_xml
    for entry in root.iter():
        if not isinstance(entry.tag, str) or _local(entry) not in ('inputEntry', 'outputEntry'):
            continue
        for text_el in entry:
            if isinstance(text_el.tag, str) and _local(text_el) == 'text' and text_el.text:
                if _local(entry) == 'inputEntry':
                    text_el.text = feel_cell(text_el.text)
                elif text_el.text.strip() in ('True', 'False'):
                    text_el.text = _feel_literal(text_el.text.strip())
    return etree.tostring(root, encoding='unicode', xml_declaration=False)


def engine_expression(cell: str) -> str:
    """A cell as one Python expression (for the whitelist): `?` becomes the input name."""
    return _QUESTION_OUTSIDE_QUOTES.sub('dmninputexpr', cell)

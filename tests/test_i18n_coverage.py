"""Every Chinese text a person reads goes through Flask-Babel, and the English catalog has all of them.

A CJK string literal in webapp/ must be
- inside a translation call: _(), _l(), gettext(), lazy_gettext(), ngettext(), lazy_ngettext() or N_() (marked for
  extraction, translated with _() where it is shown), or
- inside an audit or log call (audit.log(...), logger calls): the flow log is a record, kept as it was written, or
- in a statement whose first line carries the comment `# i18n: data` (text that is data: stored or compared as it is,
  e.g. the status labels the diagrams use, spreadsheet column headers an import matches), or
- in a module of DATA_MODULES, with its reason.
Docstrings and comments do not count.

Templates likewise: Chinese text (template data or a string literal) must be inside _()/gettext()/ngettext() or a
{% trans %} block, or on a line carrying the comment `{# i18n: data … #}` (e.g. the status labels a filter offers,
which are the diagrams' own words and are shown as they are). Jinja comments do not count."""
import ast
import io
import re
import tokenize
from pathlib import Path

import jinja2

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.support import Translations

ROOT = Path(__file__).resolve().parent.parent
WEBAPP = ROOT / 'webapp'
CJK = re.compile(r'[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]')
TRANSLATING = {'_', '_l', '_lp', 'gettext', 'lazy_gettext', 'ngettext', 'lazy_ngettext', 'N_'}
LOGGING = {('audit', 'log'), ('logger', None), ('log', None)}
DATA_MODULES = {
    'webapp/cli.py': 'demo data: the names of the demo province, its units and people',
    'webapp/certificates/pdf.py': 'the certificate and the 学时记录表 are the province\'s Chinese documents, printed the '
                                  'same whatever language the pages are read in',
}
MARK = '# i18n: data'
TEMPLATE_MARK = 'i18n: data'
JINJA_GETTEXT = {'_', 'gettext', 'ngettext', 'pgettext', 'npgettext'}
PLACEHOLDER = re.compile(r'%\((\w+)\)[sdrf]|%[sdrf]')


def _call_name(call: ast.Call) -> tuple[str | None, str | None]:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id, None
    if isinstance(func, ast.Attribute):
        owner = func.value
        if isinstance(owner, ast.Attribute):
            return owner.attr, func.attr
        return (owner.id if isinstance(owner, ast.Name) else None), func.attr
    return None, None


def _allowed(call: ast.Call) -> bool:
    owner, attr = _call_name(call)
    if attr is None:
        return owner in TRANSLATING
    if attr in TRANSLATING:
        return True
    return (owner, attr) in LOGGING or (owner and 'logger' in owner) or owner in ('log', 'logging')


def _marked_lines(source: str) -> set[int]:
    return {tok.start[0] for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT and tok.string.startswith(MARK)}


def unwrapped_literals() -> list[str]:
    found = []
    for path in sorted(WEBAPP.rglob('*.py')):
        relative = path.relative_to(ROOT).as_posix()
        if relative in DATA_MODULES:
            continue
        source = path.read_text(encoding='utf-8')
        tree = ast.parse(source)
        marked = _marked_lines(source)
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value)):
                continue
            if isinstance(parents.get(node), ast.Expr):  # a docstring
                continue
            ok, up = False, node
            while up in parents and not ok:
                up = parents[up]
                if isinstance(up, ast.Call) and _allowed(up):
                    ok = True
                elif isinstance(up, ast.stmt) and up.lineno in marked:
                    ok = True
            if not ok:
                found.append(f'{relative}:{node.lineno}: {node.value[:40]!r}')
    return found


def test_no_unwrapped_chinese_literal():
    found = unwrapped_literals()
    assert not found, f'{len(found)} Chinese literals not wrapped for translation:\n' + '\n'.join(found)


def templates() -> list[Path]:
    return sorted(path for path in WEBAPP.rglob('*.html') if 'templates' in path.relative_to(WEBAPP).parts)


def _template_texts(env: jinja2.Environment, source: str):
    """(line, text) of each piece of template data and each string literal, with whether it is translated: inside a
    gettext call's parentheses or a {% trans %} block."""
    in_trans, calls, previous = False, [], None
    for token in env.lexer.tokenize(source):
        if token.type == 'name' and previous is not None and previous.type == 'block_begin':
            if token.value == 'trans':
                in_trans = True
            elif token.value == 'endtrans':
                in_trans = False
        elif token.type == 'lparen':
            calls.append(previous is not None and previous.type == 'name' and previous.value in JINJA_GETTEXT)
        elif token.type == 'rparen' and calls:
            calls.pop()
        elif token.type in ('data', 'string'):
            translated = in_trans or any(calls)
            for offset, line in enumerate(token.value.split('\n') if token.type == 'data' else [token.value]):
                yield token.lineno + offset, line, translated
        previous = token


JINJA = jinja2.Environment(extensions=['jinja2.ext.i18n', 'jinja2.ext.do'])


def unwrapped_in_template(source: str) -> list[tuple[int, str]]:
    """(line, text) of the Chinese in one template that is neither translated nor on a line marked as data."""
    marked = {lineno for lineno, kind, value in JINJA.lex(source)
              if kind == 'comment' and value.strip().startswith(TEMPLATE_MARK)}
    return [(lineno, text.strip()) for lineno, text, translated in _template_texts(JINJA, source)
            if CJK.search(text) and not translated and lineno not in marked]


def unwrapped_template_texts() -> list[str]:
    return [f'{path.relative_to(ROOT).as_posix()}:{lineno}: {text[:60]!r}' for path in templates()
            for lineno, text in unwrapped_in_template(path.read_text(encoding='utf-8'))]


def test_the_template_check_reads_templates_as_jinja_does():
    source = """{# 注释：不算 #}<h1>{{ _('标题') }}：{{ name }}</h1>
<p title="提示">{% trans n=1 %}共 {{ n }} 条{% endtrans %}{{ _('共 %(n)s 条', n=count_of('个')) }}</p>
{% set s = '待提交' %}{{ s if s else '全部' }}{# i18n: data - a status label #}
<script>alert({{ _('好')|tojson }}); alert('坏');</script>
{{ x|join('、') }}{% raw %}{{ _('原样') }}{% endraw %}"""
    assert unwrapped_in_template(source) == [
        (1, '：'), (2, '<p title="提示">'), (4, "); alert('坏');</script>"), (5, '、'), (5, "{{ _('原样') }}")]


def test_no_unwrapped_chinese_in_templates():
    found = unwrapped_template_texts()
    assert not found, f'{len(found)} Chinese texts in templates not wrapped for translation:\n' + '\n'.join(found)


def chinese_in_scripts() -> list[str]:
    """Each line of webapp's JavaScript (the static files) with Chinese in it, comments included."""
    return [f'{path.relative_to(ROOT).as_posix()}:{lineno}: {line.strip()[:60]!r}'
            for path in sorted(WEBAPP.rglob('*.js'))
            for lineno, line in enumerate(path.read_text(encoding='utf-8').splitlines(), start=1) if CJK.search(line)]


def test_no_chinese_in_javascript():
    """The scripts' texts come from the page, translated there: e.g. a `<script type="application/json"
    id="i18n-texts">{{ {'noMatch': _('…')}|tojson }}</script>` block the script reads (a JSON block is data, not run:
    the Content-Security-Policy lets it through), with {placeholders} the script fills in."""
    found = chinese_in_scripts()
    assert not found, f'{len(found)} lines of JavaScript with Chinese (pass the texts from the template):\n' + \
        '\n'.join(found)


def _extracted() -> dict[tuple, tuple]:
    """(msgid, context) -> where it is used."""
    with open(ROOT / 'babel.cfg', encoding='utf-8') as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {'_': None, '_l': None, 'gettext': None, 'lazy_gettext': None, 'N_': None, '_lp': ((1, 'c'), 2),
                'ngettext': (1, 2), 'lazy_ngettext': (1, 2)}
    messages = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        if not filename.startswith(('.venv', 'node_modules')):
            messages[(message if isinstance(message, str) else message[0], context)] = (filename, lineno)
    return messages


def test_english_catalog_is_complete_and_compiled():
    po_path = WEBAPP / 'translations/en/LC_MESSAGES/messages.po'
    with open(po_path, 'rb') as po:
        catalog = read_po(po)
    with open(po_path.with_suffix('.mo'), 'rb') as mo:
        compiled = Translations(mo)
    problems = []
    for (msgid, context), (filename, lineno) in _extracted().items():
        entry = catalog.get(msgid, context=context)
        english = entry.string if entry is not None else ''
        english = english[0] if isinstance(english, tuple) else english
        if not english or entry.fuzzy:
            problems.append(f'{filename}:{lineno}: no English for {msgid!r}')
        elif sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(english)):
            problems.append(f'{filename}:{lineno}: placeholders differ in {english!r}')
        elif (compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)) != english:
            problems.append(f'{filename}:{lineno}: messages.mo is stale for {msgid!r} (pybabel compile)')
    assert not problems, f'{len(problems)} problems in the English catalog:\n' + '\n'.join(problems)


def test_lazy_texts_come_from_webapp_i18n():
    """webapp.i18n._l escapes interpolated names when a page shows the text; flask_babel's lazy_gettext would not."""
    found = [f'{path.relative_to(ROOT).as_posix()}:{node.lineno}'
             for path in sorted(WEBAPP.rglob('*.py')) if path.name != 'i18n.py'
             for node in ast.walk(ast.parse(path.read_text(encoding='utf-8')))
             if isinstance(node, ast.ImportFrom) and node.module == 'flask_babel'
             and any(alias.name in ('lazy_gettext', 'lazy_ngettext') for alias in node.names)]
    assert not found, 'import _l from webapp.i18n instead of flask_babel:\n' + '\n'.join(found)

"""Every feature has the same shape, so there is one obvious place for each thing (issue 11):
forms live in the feature's forms.py, and the outcome vocabulary (what a status label means to the code) is spelled
only in webapp/workflow/catalog.py (templates ask with the Jinja tests webapp/__init__.py registers:
`{% if t is waiting %}`, `{% if c is editable_draft %}`, `{% if version is draft_version %}`,
`{% if job.status is job_done %}`)."""
import ast
from pathlib import Path

import jinja2

WEBAPP = Path(__file__).resolve().parent.parent / 'webapp'
OUTCOMES = {'draft', 'pending', 'returned', 'approved', 'rejected', 'deleted'}
CATALOG = WEBAPP / 'workflow' / 'catalog.py'


def _modules():
    for path in sorted(WEBAPP.rglob('*.py')):
        yield path, ast.parse(path.read_text(encoding='utf-8'))


def test_outcomes_are_spelled_only_in_the_catalog():
    found = [f'{path.relative_to(WEBAPP.parent)}:{node.lineno}: {node.value!r}'
             for path, tree in _modules() if path != CATALOG for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and node.value in OUTCOMES]
    assert not found, 'use webapp.workflow.catalog (DRAFT, PENDING, APPROVED …) instead of:\n' + '\n'.join(found)


def test_templates_do_not_spell_outcomes():
    env = jinja2.Environment(extensions=['jinja2.ext.i18n', 'jinja2.ext.do'])
    found = [f'{path.relative_to(WEBAPP.parent)}:{token.lineno}: {token.value!r}'
             for path in sorted(WEBAPP.rglob('*.html')) if 'templates' in path.relative_to(WEBAPP).parts
             for token in env.lexer.tokenize(path.read_text(encoding='utf-8'))
             if token.type == 'string' and token.value in OUTCOMES]
    assert not found, ('ask with a Jinja test (is waiting, is editable_draft, is draft_version, is job_active …) '
                       'instead of:\n' + '\n'.join(found))


def test_forms_live_in_forms_modules():
    found = [f'{path.relative_to(WEBAPP.parent)}:{node.lineno}: class {node.name}'
             for path, tree in _modules() if path.name != 'forms.py' for node in ast.walk(tree)
             if isinstance(node, ast.ClassDef) and any(getattr(base, 'id', getattr(base, 'attr', '')).endswith('Form')
                                                       for base in node.bases)]
    assert not found, 'form classes outside a forms.py:\n' + '\n'.join(found)

"""One engine boundary: webapp/workflow/ is the only package that imports SpiffWorkflow; the rest of the app asks it."""
import ast
from pathlib import Path

WEBAPP = Path(__file__).resolve().parents[2] / 'webapp'
BOUNDARY = WEBAPP / 'workflow'


def spiff_imports(source: str) -> list[int]:
    """Line numbers of every `import SpiffWorkflow…` / `from SpiffWorkflow… import …`, at any depth."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or '']
        else:
            continue
        if any(name.split('.')[0] == 'SpiffWorkflow' for name in names):
            lines.append(node.lineno)
    return lines


def test_the_check_sees_imports_at_module_level_and_inside_functions():
    assert spiff_imports('import SpiffWorkflow\nimport os, SpiffWorkflow.bpmn as b\n'
                         'def f():\n    from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine\n') == [1, 2, 4]
    assert spiff_imports('from . import SpiffWorkflow\nimport SpiffWorkflowish\nx = "SpiffWorkflow"\n') == []


def test_only_webapp_workflow_imports_spiffworkflow():
    inside, outside = [], []
    for path in sorted(WEBAPP.rglob('*.py')):
        found = [f'{path.relative_to(WEBAPP.parent)}:{line}' for line in spiff_imports(path.read_text('utf-8'))]
        (inside if path.is_relative_to(BOUNDARY) else outside).extend(found)
    assert inside, 'the walk found no SpiffWorkflow import at all: is WEBAPP right?'
    assert outside == [], 'SpiffWorkflow imported outside webapp/workflow/ (go through webapp.workflow instead)'

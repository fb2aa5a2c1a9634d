"""The import graph of webapp/: imports point down, features do not lean on each other in circles, and no import
hides inside a function to dodge a cycle.

Layers, lowest first: the base (webapp/refusals.py, the one refusal type, and webapp/i18n.py: they import nothing
from webapp) ← webapp/workflow/ (the engine) ← the floor (webapp/*.py: dates, subjects, guards, evidence …)
← features (webapp/<feature>/, one package each) ← the top: the app factory (webapp/__init__.py) and the commands
(webapp/cli.py), which assemble the features. A feature may import another feature, for that feature's own use
cases, as long as no circle closes.
"""
import ast
from dataclasses import dataclass
from pathlib import Path

from webapp.workflow.validation import strongly_connected

WEBAPP = Path(__file__).resolve().parents[1] / 'webapp'
TOP = ('webapp', 'webapp.cli')
BASE_MODULES = ('webapp.refusals', 'webapp.i18n')
BASE, WORKFLOW, FLOOR, FEATURE, TOP_LAYER = -1, 0, 1, 2, 3
LAYER_NAMES = {BASE: 'base', WORKFLOW: 'workflow', FLOOR: 'floor', FEATURE: 'feature', TOP_LAYER: 'app factory / cli'}

# Imports inside a function that may stay, each with its reason.
LOCAL_IMPORTS_ALLOWED = {
    # The app factory imports every feature (their blueprints, the two navigation counts) and the commands only when
    # it builds an app, so that importing one module of webapp does not import all of it.
    'webapp': lambda imported: imported == 'webapp.cli' or layer(imported) == FEATURE,
}


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    where: str          # path:line
    local: bool         # inside a function

    def __str__(self):
        return f'{self.where}: {self.importer} -> {self.imported}' + (' (inside a function)' if self.local else '')


def module_name(path: Path) -> str:
    parts = path.relative_to(WEBAPP.parent).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def modules() -> dict[str, Path]:
    """Every importable module of webapp (directories without __init__.py, like translations/, are not)."""
    found = {}
    for path in sorted(WEBAPP.rglob('*.py')):
        if all((parent / '__init__.py').exists() for parent in path.parents if WEBAPP in (parent, *parent.parents)):
            found[module_name(path)] = path
    return found


MODULES = modules()


def layer(name: str) -> int:
    if name in TOP:
        return TOP_LAYER
    if name in BASE_MODULES:
        return BASE
    parts = name.split('.')
    if parts[1] == 'workflow':
        return WORKFLOW
    return FLOOR if len(parts) == 2 and name not in packages() else FEATURE


def packages() -> set[str]:
    return {name for name, path in MODULES.items() if path.name == '__init__.py'}


def feature(name: str) -> str | None:
    """webapp.claims.operations -> webapp.claims; None for the floor, the engine and the top."""
    return '.'.join(name.split('.')[:2]) if layer(name) == FEATURE else None


def _targets(node, importer: str, path: Path) -> list[str]:
    """The webapp modules an import statement loads (a name imported from a package is that package's module when
    one has that name, the package otherwise)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in MODULES]
    if node.level:
        package = importer.split('.') if path.name == '__init__.py' else importer.split('.')[:-1]
        base = '.'.join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
    else:
        base = node.module or ''
    if base not in MODULES:
        return []
    return sorted({f'{base}.{alias.name}' if f'{base}.{alias.name}' in MODULES else base for alias in node.names})


def edges() -> list[Edge]:
    found = []
    for importer, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding='utf-8'), str(path))

        def visit(node, local: bool):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                where = f'{path.relative_to(WEBAPP.parent)}:{node.lineno}'
                found.extend(Edge(importer, target, where, local) for target in _targets(node, importer, path))
            inside = local or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            for child in ast.iter_child_nodes(node):
                visit(child, inside)

        visit(tree, False)
    return found


EDGES = edges()


def allowed_local(edge: Edge) -> bool:
    rule = LOCAL_IMPORTS_ALLOWED.get(edge.importer)
    return (rule is not None and rule(edge.imported))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node, each sorted (the engine's Tarjan, which diagram
    validation uses for flow cycles)."""
    nodes = sorted(set(graph) | {n for targets in graph.values() for n in targets})
    successors = {node: sorted(graph.get(node, ())) for node in nodes}
    return [sorted(component) for component in strongly_connected(nodes, successors) if len(component) > 1]


def _shortest_circle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """The nodes of a shortest circle through the component's first node, in order."""
    start, members = component[0], set(component)
    previous, queue = {start: None}, [start]
    for here in queue:
        for nxt in sorted(graph.get(here, ())):
            if nxt == start:
                path = [here]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                return path[::-1]
            if nxt in members and nxt not in previous:
                previous[nxt] = here
                queue.append(nxt)
    raise AssertionError(f'no circle through {start}')


def circles(found: list[Edge], node) -> list[str]:
    """One circle for every group of nodes (modules, or features: *node* maps a module to its node) that import
    each other, followed by the import lines that close it."""
    graph: dict[str, set[str]] = {}
    for e in found:
        graph.setdefault(node(e.importer), set()).add(node(e.imported))
    lines = []
    for component in cycles(graph):
        path = _shortest_circle(graph, component)
        among = f' (one circle among {", ".join(component)})' if len(component) > len(path) else ''
        lines.append(' -> '.join(path + path[:1]) + among)
        for a, b in zip(path, path[1:] + path[:1]):
            lines += [f'    {e}' for e in found if node(e.importer) == a and node(e.imported) == b]
    return lines


def _report(title: str, offending) -> str:
    return title + ':\n  ' + '\n  '.join(map(str, offending))


def test_no_cycle_between_modules():
    # A package's __init__ runs before any of its modules, so a module importing its own package (a blueprint
    # defined first, then `from . import views` at the end) closes no circle: those edges are left out.
    counted = [e for e in EDGES if not allowed_local(e) and not e.imported.startswith(e.importer + '.')]
    offending = circles(counted, lambda name: name)
    assert not offending, _report('modules of webapp import each other in a circle', offending)


def test_no_cycle_between_features():
    between = [e for e in EDGES if not allowed_local(e) and feature(e.importer) and feature(e.imported)
               and feature(e.importer) != feature(e.imported)]
    offending = circles(between, feature)
    assert not offending, _report('features import each other in a circle (a feature imports another only for that '
                                  "feature's use cases; what both need goes down to the floor, webapp/*.py)",
                                  offending)


def test_no_import_inside_a_function():
    offending = [e for e in EDGES if e.local and not allowed_local(e)]
    assert not offending, _report('webapp modules imported inside a function (import at the top of the module; '
                                  'a circle it would close is fixed by moving the shared piece down)', offending)


def test_imports_point_down():
    offending = [f'{e} ({LAYER_NAMES[layer(e.importer)]} imports {LAYER_NAMES[layer(e.imported)]})' for e in EDGES
                 if layer(e.imported) > layer(e.importer) and not allowed_local(e)]
    assert not offending, _report('imports pointing up (workflow <- floor <- features <- app factory / cli)',
                                  offending)


def test_the_graph_is_read():
    """The walk finds what it should, so that the checks above cannot pass by reading nothing."""
    assert {'webapp', 'webapp.cli', 'webapp.claims', 'webapp.claims.operations', 'webapp.workflow.runtime'} \
        <= set(MODULES)
    assert layer('webapp.dates') == FLOOR and layer('webapp.claims.views') == FEATURE
    assert layer('webapp.claims') == FEATURE and layer('webapp.workflow') == WORKFLOW
    assert any(e.importer == 'webapp.claims.views' and e.imported == 'webapp.permissions' for e in EDGES)
    assert any(e.importer == 'webapp' and e.imported == 'webapp.claims' and e.local for e in EDGES)

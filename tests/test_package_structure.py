"""The import structure of ``glmc_mm``: its rooms (the top-level
subpackages and modules) stand in floors, and every import between two
rooms goes down; no module imports itself through a circle; no function
imports a part of ``glmc_mm`` (such an import only hides a circle)."""
import ast
import os
import os.path as osp
import shutil
from typing import Dict, List, Set, Tuple

import pytest

PACKAGE = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'glmc_mm')
# top floor first; a room imports only rooms of the floors below its own
FLOORS = (
    ('benchmark', ),  # applications
    ('apis', 'visualization'),
    ('engine', ),
    ('datasets', 'evaluation', 'models'),
    ('compat', 'fileio', 'registry'),
    ('openmp', 'utils', 'version'),  # leaves
)
FLOOR = {room: floor for floor, rooms in enumerate(FLOORS) for room in rooms}


def package_modules(root: str = PACKAGE) -> Dict[str, str]:
    """``{dotted name: file}`` of every module under ``root``."""
    modules = {}
    for folder, _, files in os.walk(root):
        if '.mim' in osp.relpath(folder, root).split(os.sep):
            continue
        for name in files:
            if name.endswith('.py'):
                path = osp.join(folder, name)
                dotted = osp.relpath(path[:-3],
                                     osp.dirname(root)).replace(os.sep, '.')
                modules[dotted.removesuffix('.__init__')] = path
    return modules


def imports_of(module: str, path: str,
               modules: Dict[str, str]) -> List[Tuple[str, ast.AST, bool]]:
    """``(imported glmc_mm module, node, inside a function)`` of every
    import in ``module``; ``from package import name`` counts as an import
    of the submodule where ``name`` is one."""
    package = module if path.endswith('__init__.py') else module.rsplit(
        '.', 1)[0]
    tree = ast.parse(open(path).read(), path)
    in_function: Set[int] = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(function)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                parts = package.split('.')
                parts = parts[:len(parts) - node.level + 1]
                base = '.'.join(parts + ([node.module] if node.module else []))
            targets = [
                f'{base}.{alias.name}'
                if f'{base}.{alias.name}' in modules else base
                for alias in node.names
            ]
        else:
            continue
        found += [(target, node, id(node) in in_function)
                  for target in dict.fromkeys(targets)
                  if target.split('.')[0] == 'glmc_mm']
    return found


def room(module: str) -> str:
    parts = module.split('.')
    return parts[1] if len(parts) > 1 else ''


def import_graph(root: str = PACKAGE):
    modules = package_modules(root)
    return modules, {
        module: imports_of(module, path, modules)
        for module, path in modules.items()
    }


def upward_imports(graph) -> List[str]:
    """Every import between two rooms that does not go down a floor."""
    problems = []
    for module, found in graph.items():
        source = room(module)
        for target, node, _ in found:
            if not source or room(target) == source:
                continue  # the package's own __init__, or within a room
            if FLOOR[room(target)] <= FLOOR[source]:
                problems.append(f'{module}:{node.lineno} imports {target}')
    return problems


def circles(graph) -> List[List[str]]:
    """The circles of the module graph (Tarjan's strongly connected
    components of more than one module, or a module importing itself)."""
    edges = {m: {t for t, _, _ in found} for m, found in graph.items()}
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    result = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in edges.get(module, ()):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1 or module in edges.get(module, ()):
                result.append(sorted(component))

    for module in edges:
        if module not in index:
            visit(module)
    return result


def test_every_room_stands_on_a_floor():
    modules, _ = import_graph()
    assert {room(m) for m in modules} - {''} == set(FLOOR)


def test_imports_only_go_down_and_never_in_circles():
    _, graph = import_graph()
    assert upward_imports(graph) == []
    assert circles(graph) == []
    local = [
        f'{module}:{node.lineno} imports {target}'
        for module, found in graph.items() for target, node, inside in found
        if inside
    ]
    assert local == []


@pytest.mark.parametrize('source, problem', [
    ('from ..benchmark import cpu_name\n',
     'glmc_mm.datasets.probe:1 imports glmc_mm.benchmark.cpu_name'),
    ('from ..evaluation import shot_groups\n',
     'glmc_mm.datasets.probe:1 imports glmc_mm.evaluation.shot_groups'),
])
def test_the_check_finds_an_upward_import(tmp_path, source, problem):
    """A copy of the package with one more import that runs up (to a higher
    floor, or sideways to a room of the same floor) is caught."""
    copy = tmp_path / 'glmc_mm'
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns('.mim'))
    (copy / 'datasets' / 'probe.py').write_text(source)
    _, graph = import_graph(str(copy))
    assert upward_imports(graph) == [problem]


def test_the_check_finds_a_circle_and_a_hidden_import(tmp_path):
    copy = tmp_path / 'glmc_mm'
    (copy / 'utils').mkdir(parents=True)
    (copy / '__init__.py').write_text('')
    (copy / 'utils' / '__init__.py').write_text('from .a import x\n')
    (copy / 'utils' / 'a.py').write_text('from .b import y\nx = 1\n')
    (copy / 'utils' / 'b.py'
     ).write_text('y = 2\n\n\ndef f():\n    from .a import x\n    return x\n')
    _, graph = import_graph(str(copy))
    assert circles(graph) == [['glmc_mm.utils.a', 'glmc_mm.utils.b']]
    assert [(t, inside) for t, _, inside in graph['glmc_mm.utils.b']
            ] == [('glmc_mm.utils.a', True)]

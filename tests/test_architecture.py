"""The package's layers, top to bottom: cli > workflows > adapters > contract > centre; imports point down only.

Imports are read with ast, never executed, so a half-finished refactor is still checked. Each rule is a plain
function from scanned modules to human-readable violations; synthetic packages prove every rule can fail.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "openclaw_aisa"
LAYERS = ("centre", "contract", "adapters", "workflows", "cli")  # lowest first: a module imports its own rank or lower
LAYER_PACKAGES = ("cli", "workflows", "adapters")
CONTRACT = {"__init__", "host", "builtin", "aisa", "catalog", "cache"}
ADAPTERS = {"paths", "store", "journal", "live", "client", "openclaw_exe", "bundle"}
BANNED = {"centre": ("httpx", "pydantic", "subprocess", "argparse", "getpass"), "contract": ("httpx", "subprocess", "argparse", "getpass")}
ONLY_IMPORTED_BY = {"httpx": "adapters/client.py", "subprocess": "adapters/openclaw_exe.py"}
STREAMS = {"stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__"}
FILE_MODULES = ("shutil", "tempfile")
OS_IO = {
    "stat",
    "lstat",
    "chmod",
    "chown",
    "unlink",
    "remove",
    "rename",
    "replace",
    "mkdir",
    "makedirs",
    "rmdir",
    "scandir",
    "listdir",
    "open",
}
PATH_IO = {"read_text", "read_bytes", "write_text", "write_bytes", "unlink", "mkdir", "rmdir", "touch", "chmod", "rename", "iterdir"}


@dataclass(frozen=True)
class Import:
    target: str  # dotted: a module of the package (the submodule when one is named) or an outside module
    line: int


@dataclass(frozen=True, eq=False)
class Module:
    name: str  # openclaw_aisa.adapters.store; a package's __init__ is named after the package
    path: str  # openclaw_aisa/adapters/store.py, for messages
    layer: str | None  # None: in no layer (rule_every_module_in_one_layer says where it belongs)
    tree: ast.Module
    imports: tuple[Import, ...]

    @property
    def root(self) -> str:
        return self.path.split("/")[0]

    @property
    def parts(self) -> tuple[str, ...]:
        """The path inside the package: ("adapters", "store.py")."""
        return tuple(self.path.split("/")[1:])


def layer_of(parts: tuple[str, ...]) -> str | None:
    if len(parts) > 1:
        return parts[0] if parts[0] in LAYER_PACKAGES else None
    stem = parts[0].removesuffix(".py")
    if stem == "__main__":
        return "cli"
    return "contract" if stem in CONTRACT else "centre"


def _targets(node: ast.Import | ast.ImportFrom, name: str, is_package: bool, known: set[str]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:  # relative: level 1 is the module's own package
        package = name.split(".") if is_package else name.split(".")[:-1]
        anchor = ".".join(package[: len(package) - node.level + 1])
        base = f"{anchor}.{base}" if base else anchor
    for alias in node.names:
        yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base


def scan(package_dir: Path) -> list[Module]:
    """Every .py file under package_dir with its layer and all its imports: any depth, TYPE_CHECKING included."""
    named: dict[Path, tuple[str, bool]] = {}
    for file in sorted(p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts):
        dotted = file.relative_to(package_dir.parent).with_suffix("").parts
        is_package = dotted[-1] == "__init__"
        named[file] = (".".join(dotted[:-1] if is_package else dotted), is_package)
    known = {name for name, _ in named.values()}
    modules = []
    for file, (name, is_package) in named.items():
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        nodes = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
        imports = sorted(
            {Import(t, n.lineno) for n in nodes for t in _targets(n, name, is_package, known)}, key=lambda i: (i.line, i.target)
        )
        path = file.relative_to(package_dir.parent)
        modules.append(Module(name, path.as_posix(), layer_of(path.parts[1:]), tree, tuple(imports)))
    return modules


def _internal(modules: list[Module]) -> Iterator[tuple[Module, Import, Module]]:
    by_name = {m.name: m for m in modules}
    return ((m, i, by_name[i.target]) for m in modules for i in m.imports if i.target in by_name)


def _outside(module: Module, top: str) -> list[Import]:
    return [i for i in module.imports if i.target == top or i.target.startswith(top + ".")]


def _shortest_loop(graph: dict[str, dict[str, str]], start: str) -> list[str] | None:
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for after in graph[node]:
            if after == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if after not in parent:
                parent[after] = node
                queue.append(after)
    return None


def rule_no_cycles(modules: list[Module]) -> list[str]:
    """A cycle makes import order matter and flattens the layers into one."""
    graph: dict[str, dict[str, str]] = {m.name: {} for m in modules}
    for m, imp, target in _internal(modules):
        if target is not m:
            graph[m.name].setdefault(target.name, f"{m.path}:{imp.line}")
    seen: set[frozenset[str]] = set()
    violations = []
    for loop in filter(None, (_shortest_loop(graph, start) for start in sorted(graph))):
        if frozenset(loop) not in seen:
            seen.add(frozenset(loop))
            where = ", ".join(graph[a][b] for a, b in itertools.pairwise(loop))
            violations.append(f"import cycle {' -> '.join(loop)} ({where})")
    return violations


def rule_imports_point_down(modules: list[Module]) -> list[str]:
    """A layer uses the layers below it, never above: that is what makes them layers."""
    return [
        f"{m.path}:{imp.line} imports {t.name} ({t.layer}) from {m.layer}"
        for m, imp, t in _internal(modules)
        if m.layer and t.layer and LAYERS.index(t.layer) > LAYERS.index(m.layer)
    ]


def rule_centre_stays_pure(modules: list[Module]) -> list[str]:
    """The centre is pure logic and the contract reads only its own files: no network, processes or terminal."""
    violations = [
        f"{m.path}:{imp.line} imports {t.name} ({t.layer}) from centre"
        for m, imp, t in _internal(modules)
        if m.layer == "centre" and t.layer in LAYER_PACKAGES
    ]
    for m in modules:
        violations += [
            f"{m.path}:{i.line} imports {i.target} from {m.layer}" for top in BANNED.get(m.layer or "", ()) for i in _outside(m, top)
        ]
    return violations


def rule_argparse_stays_in_cli(modules: list[Module]) -> list[str]:
    """Below the CLI, code takes typed requests, so tests and other front ends can call it without a command line."""
    violations = [
        f"{m.path}:{imp.line} imports {t.name} (cli) from {m.layer}"
        for m, imp, t in _internal(modules)
        if t.layer == "cli" and m.layer != "cli"
    ]
    for m in (m for m in modules if m.layer != "cli"):
        violations += [f"{m.path}:{i.line} imports {i.target} outside the CLI layer" for i in _outside(m, "argparse")]
        for fn in (n for n in ast.walk(m.tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            a = fn.args
            for arg in (x for x in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg] if x and x.annotation):
                if re.search(r"\bNamespace\b", annotation := ast.unparse(arg.annotation)):
                    violations.append(f"{m.path}:{arg.lineno} {fn.name}() takes {arg.arg}: {annotation} outside the CLI layer")
    return violations


def rule_workflows_do_no_io(modules: list[Module]) -> list[str]:
    """Workflows return results and only the CLI talks to the terminal, so a workflow also runs unattended."""
    violations = []
    for m in (m for m in modules if m.layer == "workflows"):
        nodes = list(ast.walk(m.tree))
        sys_names = {"sys"} | {a.asname or a.name for n in nodes if isinstance(n, ast.Import) for a in n.names if a.name == "sys"}
        from_getpass = {a.asname or a.name for n in nodes if isinstance(n, ast.ImportFrom) and n.module == "getpass" for a in n.names}
        prompts = {"print", "input", "getpass", *from_getpass}
        violations += [f"{m.path}:{i.line} imports {i.target} in a workflow" for i in _outside(m, "getpass")]
        for node in nodes:
            func = node.func if isinstance(node, ast.Call) else None
            if getattr(func, "id", None) in prompts or getattr(func, "attr", None) == "getpass":  # print(), ask(), getpass.getpass()
                violations.append(f"{m.path}:{node.lineno} calls {ast.unparse(func)}() in a workflow")
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in sys_names and node.attr in STREAMS:
                violations.append(f"{m.path}:{node.lineno} uses {ast.unparse(node)} in a workflow")
            if isinstance(node, ast.ImportFrom) and node.module == "sys":
                violations += [f"{m.path}:{node.lineno} imports sys.{a.name} in a workflow" for a in node.names if a.name in STREAMS]
    return violations


def rule_files_only_through_adapters(modules: list[Module]) -> list[str]:
    """The CLI and the workflows reach the user's files through the adapters: one place that writes
    atomically, keeps backups and masks secrets in errors, and one place to audit."""
    violations = []
    for m in (m for m in modules if m.layer in ("cli", "workflows")):
        violations += [f"{m.path}:{i.line} imports {i.target} in the {m.layer} layer" for top in FILE_MODULES for i in _outside(m, top)]
        for node in ast.walk(m.tree):
            func = node.func if isinstance(node, ast.Call) else None
            name, attr = getattr(func, "id", None), getattr(func, "attr", None)
            owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None
            if owner in ADAPTERS:  # store.chmod(): through an adapter, as it should be
                continue
            if name == "open" or attr in PATH_IO or (owner == "os" and attr in OS_IO):
                violations.append(f"{m.path}:{node.lineno} calls {ast.unparse(func)}() in the {m.layer} layer; go through an adapter")
    return violations


def rule_network_and_subprocess_in_their_adapter(modules: list[Module]) -> list[str]:
    """One door each for the network and for child processes: one place to fake in tests and to audit."""
    return [
        f"{m.path}:{i.line} imports {i.target}; only {m.root}/{home} may"
        for m in modules
        for top, home in ONLY_IMPORTED_BY.items()
        if "/".join(m.parts) != home
        for i in _outside(m, top)
    ]


def rule_every_module_in_one_layer(modules: list[Module]) -> list[str]:
    """A module outside the layout, or claimed by two layers, escapes the other rules: say where it belongs."""
    violations = []
    for m in modules:
        stem, layers = m.parts[-1].removesuffix(".py"), f"{m.root}/cli/, {m.root}/workflows/ or {m.root}/adapters/"
        if m.layer is None:
            violations.append(f"{m.path}: sub-package {m.root}/{m.parts[0]}/ is in no layer; move it into {layers}, or to the top level")
        elif len(m.parts) == 1 and stem in LAYER_PACKAGES:
            violations.append(f"{m.path}: the {stem} layer is the package {m.root}/{stem}/; move this module's code into it")
        elif len(m.parts) == 1 and stem in ADAPTERS:
            violations.append(f"{m.path}: {stem} is an adapter but sits in the centre; move it to {m.root}/adapters/{stem}.py")
    return violations


RULES: list[Callable[[list[Module]], list[str]]] = [
    rule_no_cycles,
    rule_imports_point_down,
    rule_centre_stays_pure,
    rule_argparse_stays_in_cli,
    rule_workflows_do_no_io,
    rule_files_only_through_adapters,
    rule_network_and_subprocess_in_their_adapter,
    rule_every_module_in_one_layer,
]
RULE_IDS = [rule.__name__.removeprefix("rule_") for rule in RULES]


@pytest.fixture(scope="module")
def real_modules() -> list[Module]:
    return scan(PACKAGE)


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_real_package_follows(rule, real_modules):
    violations = rule(real_modules)
    assert not violations, f"{rule.__name__}: {rule.__doc__}\n" + "\n".join(violations)


# The rules can fail: tiny synthetic packages in tmp_path, one clean and one per way of breaking a rule.

CLEAN = {
    "__init__.py": "import pluggy\n",
    "__main__.py": "from .cli import main\n\nmain()\n",
    "errors.py": "class AisaError(Exception):\n    pass\n",
    "types.py": "from __future__ import annotations\n\nfrom .errors import AisaError\n",
    "host.py": "import pydantic\n\nfrom . import types\nfrom .errors import AisaError\n",
    "adapters/__init__.py": "",
    "adapters/client.py": "import httpx\n\nfrom ..errors import AisaError\n",
    "adapters/openclaw_exe.py": "import subprocess\n",
    "adapters/store.py": "from .. import types\n",
    "workflows/__init__.py": "",
    "workflows/setup.py": (
        "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\nfrom ..adapters import store\nfrom ..host import load_host\n\n"
        "if TYPE_CHECKING:\n    from ..types import Request\n\n\ndef run(request: Request) -> Request:\n    return request\n"
    ),
    "cli/__init__.py": (
        "import argparse\nimport sys\n\nfrom . import output\nfrom ..workflows import setup\n\n\n"
        "def main(argv=None):\n    args = argparse.ArgumentParser().parse_args(argv)\n    output.say(sys.stdout, setup.run(args))\n"
    ),
    "cli/output.py": "def say(stream, result):\n    print(result, file=stream)\n",
}
BROKEN = {  # rule -> [(case id, file written over CLEAN, its source, what a violation naming that file says)]
    rule_no_cycles: [
        ("a_b_a", "errors.py", "from . import types", "cycle openclaw_aisa.errors -> openclaw_aisa.types -> openclaw_aisa.errors"),
    ],
    rule_imports_point_down: [
        ("in_function", "adapters/store.py", "def save(): from ..workflows import setup", "openclaw_aisa.workflows.setup (workflows)"),
        ("up_from_contract", "host.py", "from .adapters.store import save", "openclaw_aisa.adapters.store (adapters) from contract"),
    ],
    rule_centre_stays_pure: [
        ("centre_httpx", "merge.py", "import httpx", ":1 imports httpx from centre"),
        ("centre_pydantic", "schema.py", "from pydantic import BaseModel", ":1 imports pydantic from centre"),
        ("centre_adapter", "merge.py", "if TYPE_CHECKING:\n    from .adapters import store", ":2 imports openclaw_aisa.adapters.store"),
        ("contract_subprocess", "catalog.py", "import subprocess", ":1 imports subprocess from contract"),
    ],
    rule_argparse_stays_in_cli: [
        ("takes_namespace", "workflows/setup.py", "def run(args: argparse.Namespace): ...", "run() takes args: argparse.Namespace"),
        ("quoted_namespace", "merge.py", "def plan(*, ns: 'Namespace | None'): ...", "plan() takes ns: 'Namespace | None'"),
        ("adapter_argparse", "adapters/store.py", "from argparse import Namespace", ":1 imports argparse outside the CLI layer"),
        ("workflow_cli", "workflows/setup.py", "from ..cli.output import say", ":1 imports openclaw_aisa.cli.output (cli)"),
    ],
    rule_workflows_do_no_io: [
        ("print", "workflows/setup.py", "def run(request):\n    print(request)", ":2 calls print() in a workflow"),
        ("stdin", "workflows/setup.py", "import sys\nsys.stdin.read()", ":2 uses sys.stdin in a workflow"),
        ("getpass", "workflows/setup.py", "from getpass import getpass as ask\nask()", ":2 calls ask() in a workflow"),
    ],
    rule_files_only_through_adapters: [
        ("open", "workflows/setup.py", "def run(path):\n    return open(path).read()", ":2 calls open() in the workflows layer"),
        ("chmod", "cli/output.py", "import os\nos.chmod('x', 0o600)", ":2 calls os.chmod() in the cli layer"),
        (
            "path_write",
            "workflows/setup.py",
            "def run(path):\n    path.write_text('x')",
            ":2 calls path.write_text() in the workflows layer",
        ),
        ("shutil", "workflows/setup.py", "def run():\n    import shutil", ":2 imports shutil in the workflows layer"),
    ],
    rule_network_and_subprocess_in_their_adapter: [
        ("subprocess_in_workflow", "workflows/setup.py", "import subprocess", "only openclaw_aisa/adapters/openclaw_exe.py may"),
        ("httpx_in_other_adapter", "adapters/live.py", "from httpx import Client", "only openclaw_aisa/adapters/client.py may"),
    ],
    rule_every_module_in_one_layer: [
        ("stray_subpackage", "plugins/extra.py", "", "sub-package openclaw_aisa/plugins/ is in no layer"),
        ("adapter_at_top", "client.py", "import httpx", "client is an adapter but sits in the centre; move it to openclaw_aisa/adapters/"),
        ("cli_at_top", "cli.py", "import argparse", "the cli layer is the package openclaw_aisa/cli/"),
    ],
}


def write_package(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (tmp_path / "openclaw_aisa" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "openclaw_aisa" / rel).write_text(text)
    return tmp_path / "openclaw_aisa"


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_clean_synthetic_package_passes(rule, tmp_path):
    assert rule(scan(write_package(tmp_path, CLEAN))) == []


@pytest.mark.parametrize(
    ("rule", "file", "source", "expected"),
    [
        pytest.param(rule, *case[1:], id=f"{rule.__name__.removeprefix('rule_')}-{case[0]}")
        for rule, cases in BROKEN.items()
        for case in cases
    ],
)
def test_rule_flags_broken_synthetic_package(rule, file, source, expected, tmp_path):
    violations = rule(scan(write_package(tmp_path, {**CLEAN, file: source + "\n"})))
    assert any(f"openclaw_aisa/{file}:" in v and expected in v for v in violations), "\n".join(violations) or "no violations"


@pytest.mark.parametrize(
    ("file", "source", "target"),
    [
        pytest.param("merge.py", "import openclaw_aisa.adapters.store", "openclaw_aisa.adapters.store", id="import_dotted"),
        pytest.param("merge.py", "from . import errors", "openclaw_aisa.errors", id="from_dot_import_submodule"),
        pytest.param("merge.py", "from .adapters import store", "openclaw_aisa.adapters.store", id="from_package_import_submodule"),
        pytest.param("merge.py", "from .adapters import helper", "openclaw_aisa.adapters", id="from_package_import_name_is_its_init"),
        pytest.param("merge.py", "from .errors import AisaError", "openclaw_aisa.errors", id="from_module_import_name"),
        pytest.param("adapters/store.py", "from .. import types", "openclaw_aisa.types", id="from_dotdot_import"),
        pytest.param("cli/__init__.py", "from . import output", "openclaw_aisa.cli.output", id="relative_import_in_init"),
        pytest.param("merge.py", "from openclaw_aisa import hookimpl", "openclaw_aisa", id="absolute_name_from_package"),
    ],
)
def test_scanner_resolves_import_form_inside_a_function(file, source, target, tmp_path):
    modules = scan(write_package(tmp_path, {**CLEAN, file: f"def f():\n    {source}\n"}))
    assert Import(target, 2) in next(m for m in modules if m.path == f"openclaw_aisa/{file}").imports

"""The package's layering, checked from the source: no import cycle, each layer imports only from below.

The rules are those of ARCHITECTURE.md. Imports are read with ``ast`` (including imports inside functions
and under ``TYPE_CHECKING``), so a cycle cannot hide behind a late import.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "zkconnect"

# Lower rank = lower layer. A module may import modules of its own rank or below, never above.
LAYERS: dict[str, int] = {
    "zkconnect.errors": 0,
    "zkconnect.config": 0,
    "zkconnect.artifacts": 0,
    "zkconnect.accounts": 0,
    "zkconnect.compiler": 0,
    "zkconnect.protocol": 1,
    "zkconnect.engine": 2,
    "zkconnect.genesis": 3,
    "zkconnect.interop": 4,
    "zkconnect.devnet": 5,
    "zkconnect.assets": 6,
    "zkconnect.bridge": 6,
    "zkconnect.rpc": 7,
    "zkconnect.testing": 8,
    "zkconnect.cli": 9,
    "zkconnect.pytest_plugin": 9,
    "zkconnect.__main__": 9,
}
# Deprecated import paths kept for one release: each only re-exports the module it names.
COMPAT = {
    "zkconnect.chain": "zkconnect.engine.chain",
    "zkconnect.clock": "zkconnect.engine.clock",
    "zkconnect.messages": "zkconnect.protocol.messages",
    "zkconnect.relayer": "zkconnect.interop.relayer",
}
MAX_MODULE_LINES = 600
MAX_CHAIN_CLASS_LINES = 500


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@cache
def _tree(name: str) -> ast.Module:
    return ast.parse(_modules()[name].read_text(), filename=str(_modules()[name]))


def _resolve(name: str, node: ast.ImportFrom) -> str:
    is_package = _modules()[name].name == "__init__.py"
    base = name.split(".") if is_package else name.split(".")[:-1]
    if node.level > 1:
        base = base[: -(node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


@cache
def _imports(name: str) -> frozenset[str]:
    """Every zkconnect module ``name`` imports, anywhere in its body."""
    modules = _modules()
    found: set[str] = set()
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(name, node) if node.level else (node.module or "")
            targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target.startswith("zkconnect") and target != name and target != "zkconnect":
                found.add(target)
    return frozenset(found)


def _rank(name: str) -> int:
    name = COMPAT.get(name, name)
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return LAYERS[prefix]
    raise AssertionError(f"{name} belongs to no layer: add it to LAYERS here and to ARCHITECTURE.md")


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(_imports(v)):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(_modules()):
        if module not in index:
            visit(module)
    return found


def test_the_package_has_no_import_cycle() -> None:
    assert _cycles() == []


def test_the_cycle_finder_finds_a_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = {"zkconnect.a": frozenset({"zkconnect.b"}), "zkconnect.b": frozenset({"zkconnect.a"})}
    monkeypatch.setitem(globals(), "_modules", lambda: dict.fromkeys(fake, PACKAGE))
    monkeypatch.setitem(globals(), "_imports", lambda name: fake[name])
    assert _cycles() == [["zkconnect.a", "zkconnect.b"]]


def test_every_module_imports_only_from_its_layer_or_below() -> None:
    upward = [
        f"{module} (layer {_rank(module)}) imports {target} (layer {_rank(target)})"
        for module in _modules()
        if module != "zkconnect"
        for target in sorted(_imports(module))
        if _rank(target) > _rank(module)
    ]
    assert not upward, "\n".join(upward)


def test_the_protocol_layer_imports_no_py_evm() -> None:
    offenders = []
    for module in _modules():
        if not module.startswith("zkconnect.protocol"):
            continue
        for node in ast.walk(_tree(module)):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            offenders += [f"{module}: {n}" for n in names if n == "eth" or n.startswith("eth.")]
    assert offenders == []


def test_nothing_in_interop_sees_the_devnet() -> None:
    assert [m for m in _modules() if m.startswith("zkconnect.interop") and "zkconnect.devnet" in _imports(m)] == []


def _method_tables() -> set[str]:
    """The RPC modules that define a ``TABLE`` for the registry."""
    return {
        m
        for m in _modules()
        if m.startswith("zkconnect.rpc.")
        for node in _tree(m).body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and target.id == "TABLE"
    }


def test_the_rpc_dispatcher_imports_no_method_table() -> None:
    tables = _method_tables()
    assert {"zkconnect.rpc.eth_state", "zkconnect.rpc.zks", "zkconnect.rpc.zkdev"} <= tables
    assert not _imports("zkconnect.rpc.dispatcher") & tables
    assert not _imports("zkconnect.rpc.registry") & tables


def test_the_compat_modules_only_re_export() -> None:
    for old, new in COMPAT.items():
        assert _imports(old) == {new}, old


def test_no_module_is_over_600_lines() -> None:
    long = {m: n for m, p in _modules().items() if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_chain_is_a_facade_under_500_lines() -> None:
    (chain,) = [n for n in _tree("zkconnect.engine.chain").body if isinstance(n, ast.ClassDef) and n.name == "Chain"]
    assert chain.end_lineno is not None
    assert chain.end_lineno - chain.lineno + 1 < MAX_CHAIN_CLASS_LINES


def _attributes_set_on_self(module: str) -> set[str]:
    """The attributes the module's own classes declare (annotated fields) or set on ``self``."""
    own: set[str] = set()
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            if isinstance(node.value, ast.Name) and node.value.id == "self":
                own.add(node.attr)
        elif isinstance(node, ast.ClassDef):
            own |= {s.target.id for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)}
    return own


@cache
def _declared_public_attributes() -> frozenset[str]:
    return frozenset(a for m in _modules() for a in _attributes_set_on_self(m) if not a.startswith("_"))


# Documented attributes of other libraries' objects that their APIs ask callers to set.
THIRD_PARTY_WRITES = {
    ("zkconnect.pytest_plugin", "traceback"),  # pytest: ExceptionInfo.traceback, to prune frames
    ("zkconnect.pytest_plugin", "inner_test"),  # hypothesis: the documented hook to wrap each example
    ("zkconnect.engine.simulation", "computation_class"),  # py-evm: a state's computation class
}


def _foreign_writes(module: str) -> list[str]:
    """Private attributes written on another module's objects, attributes no zkconnect class declares (module
    globals, ad-hoc attributes), and ``setattr`` on anything but ``self``."""
    own = _attributes_set_on_self(module)
    found = []
    for node in ast.walk(_tree(module)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if not isinstance(target, ast.Attribute) or target.attr.startswith("__"):
                continue
            if isinstance(target.value, ast.Name) and target.value.id in {"self", "cls"}:
                continue
            private = target.attr.startswith("_") and target.attr not in own
            undeclared = not target.attr.startswith("_") and target.attr not in _declared_public_attributes()
            if (private or undeclared) and (module, target.attr) not in THIRD_PARTY_WRITES:
                found.append(f"{module}:{node.lineno}: writes {ast.unparse(target)}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and not (isinstance(node.args[0], ast.Name) and node.args[0].id in {"self", "cls"})
        ):
            found.append(f"{module}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_writes_the_attributes_of_another_modules_objects() -> None:
    writes = [w for m in _modules() for w in _foreign_writes(m)]
    assert not writes, "\n".join(writes)


def _modules_loaded_by(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    ).stdout
    return set(out.split())


def test_importing_the_package_loads_no_evm() -> None:
    """The plugin imports zkconnect in every pytest run of a user's project: it must stay cheap."""
    loaded = _modules_loaded_by("import zkconnect")
    assert "eth" not in loaded and "zkconnect.devnet" not in loaded


def test_the_protocol_layer_runs_without_py_evm() -> None:
    protocol = sorted(m for m in _modules() if m.startswith("zkconnect.protocol."))
    loaded = _modules_loaded_by("\n".join(f"import {m}" for m in protocol))
    assert "eth" not in loaded

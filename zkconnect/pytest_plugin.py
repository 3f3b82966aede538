"""zkconnect's pytest plugin: a whole crosschain devnet in every test, isolated per scope.

Registered through the ``pytest11`` entry point, so it is active wherever zkconnect is installed.
Nothing happens unless a test (directly or through its fixtures) requests ``zk_devnet``.

Fixtures (all ``zk_``-prefixed so they never shadow a project's own):

- ``zk_devnet`` (session): a :class:`~zkconnect.devnet.Devnet` built from ``--zk-config``, else
  ``ZKDEV_CONFIG``, else the ``devnet.toml`` in the rootdir, else the default topology.
- ``zk_l1``, ``zk_gateway``, ``zk_a``, ``zk_b`` and the factory ``zk_chain(name_or_id)``:
  :class:`~zkconnect.testing.ChainHandle` objects (``web3`` + deploy/call/send/logs).
- ``zk_accounts``: the funded dev accounts; ``zk_relayer``: the devnet's relayer.

Isolation, as ape and titanoboa do it: each fixture is set up after a whole-devnet snapshot (all
chains, the clock, the ledger, settlement and relayer state) and reverted when it is torn down,
and each test body runs inside its own snapshot. A module-scoped fixture's deployment therefore
survives across that module's tests, while anything a test does is gone before the next one.
Each example of a Hypothesis ``@given`` test gets its own snapshot too.
``@pytest.mark.zk_no_isolation`` lets a test's changes (and its function fixtures') persist.

Options: ``--zk-config PATH``, ``--zk-relay auto|manual``, ``--zk-timing fast|realistic``,
``--zk-show-internal`` (keep zkconnect's frames in tracebacks); the first three also as ini
settings ``zk_config``, ``zk_relay``, ``zk_timing`` (pytest.ini or ``[tool.pytest.ini_options]``). Marker
``@pytest.mark.zk_topology("three-chains.toml")`` (or ``"default"``) picks the topology of one
test, or of a module through ``pytestmark``; paths are relative to the test file, then the rootdir.

With pytest-xdist each worker process builds its own in-process devnet: no ports, no shared state.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from collections.abc import Callable, Generator, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from zkconnect.config import DevnetConfig, load_config
from zkconnect.errors import ConfigError, UnknownSnapshot

if TYPE_CHECKING:
    # The plugin loads in every pytest run where zkconnect is installed: the EVM stack is imported
    # only when a test asks for a devnet.
    from zkconnect.accounts import DevAccount
    from zkconnect.devnet import Devnet
    from zkconnect.interop.relayer import Relayer
    from zkconnect.testing import ChainHandle

__all__ = ["NO_ISOLATION_MARKER", "TOPOLOGY_MARKER"]


def _hide_frames(excinfo: object) -> bool:
    # sys.modules, not an import: the plugin loads in every pytest run and must not pull in the EVM stack
    frames = sys.modules.get("zkconnect.testing.frames")
    return frames is None or bool(frames.hide_internal_frames(excinfo))


# pytest calls this for each frame of the module (fixtures and hooks) to hide it from tracebacks.
__tracebackhide__ = _hide_frames

NO_ISOLATION_MARKER = "zk_no_isolation"
TOPOLOGY_MARKER = "zk_topology"
_DEVNET_FIXTURE = "zk_devnet"
_CHOICES = {"zk_relay": ("auto", "manual"), "zk_timing": ("fast", "realistic")}
_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True, eq=False)
class _Topology:
    """A ``zk_topology`` choice; one object per path so pytest's identity cache key reuses devnets."""

    label: str
    path: Path | None
    problem: str = ""


class _Session:
    """The plugin's per-process state: options, the devnet in use, interned topologies."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.live: Devnet | None = None
        self.in_test_body = False
        self.show_internal: bool = bool(config.getoption("zk_show_internal"))
        self._topologies: dict[str, _Topology] = {}

    def setting(self, name: str) -> str | None:
        """A ``--zk-*`` option, else the ``zk_*`` ini value (pytest.ini / pyproject), else None."""
        value = self.config.getoption(name) or self.config.getini(name) or None
        allowed = _CHOICES.get(name)
        if value is not None and allowed and value not in allowed:
            raise pytest.UsageError(f"ini option {name} = {value!r} must be one of: {', '.join(allowed)}")
        return None if value is None else str(value)

    def overrides(self) -> dict[str, Any]:
        return {"relay": self.setting("zk_relay"), "timing": self.setting("zk_timing")}

    def default_config(self) -> DevnetConfig:
        if self.config.getoption("zk_config"):
            path = Path(self.config.getoption("zk_config"))
            if not path.is_absolute():
                path = Path(self.config.invocation_params.dir) / path
            return load_config(path, overrides=self.overrides())
        if self.config.getini("zk_config"):
            path = Path(self.config.rootpath) / str(self.config.getini("zk_config"))
            return load_config(path, overrides=self.overrides())
        if os.environ.get("ZKDEV_CONFIG"):
            return load_config(None, overrides=self.overrides())
        found = Path(self.config.rootpath) / "devnet.toml"
        return load_config(found if found.is_file() else None, overrides=self.overrides())

    def topology(self, value: str, test_file: Path) -> _Topology:
        if value == "default":
            return self._topologies.setdefault("default", _Topology("default", None))
        tried: list[Path] = []
        for base in (test_file.parent, Path(self.config.rootpath)):
            for candidate in (base / value, base / f"{value}.toml"):
                if candidate in tried or (candidate.suffix == ".toml" and candidate.stem.endswith(".toml")):
                    continue
                tried.append(candidate)
                if candidate.is_file():
                    key = str(candidate.resolve())
                    return self._topologies.setdefault(key, _Topology(value, candidate.resolve()))
        problem = (
            f"@pytest.mark.{TOPOLOGY_MARKER}({value!r}) in {test_file.name}: no such file "
            f"(tried {', '.join(map(str, tried))}); pass a devnet.toml path relative to the test file or the "
            'rootdir, or "default"'
        )
        return self._topologies.setdefault(problem, _Topology(value, None, problem))

    def build(self, topology: _Topology | None) -> Devnet:
        if topology is None:
            config = self.default_config()
        elif topology.problem:
            raise ConfigError(topology.problem)
        elif topology.path is None:
            config = load_config(None, env={}, overrides=self.overrides())
        else:
            config = load_config(topology.path, overrides=self.overrides())
        from zkconnect.devnet import Devnet

        return Devnet(config)

    def revert(self, devnet: Devnet, snapshot_id: int) -> None:
        if devnet is not self.live:
            return  # that devnet was replaced (another topology); its state no longer matters
        with suppress(UnknownSnapshot):  # an enclosing scope may already have gone back past it
            devnet.revert(snapshot_id)


_STATE = pytest.StashKey[_Session]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--zk-*`` options."""
    group = parser.getgroup("zkconnect", "zkconnect crosschain devnet")
    group.addoption(
        "--zk-config", default=None, metavar="PATH", help="devnet.toml for zk_devnet (default: rootdir/devnet.toml)"
    )
    group.addoption(
        "--zk-relay",
        default=None,
        choices=("auto", "manual"),
        help="auto: bundles are delivered as soon as they are sent; manual: only when a test relays",
    )
    group.addoption(
        "--zk-timing",
        default=None,
        choices=("fast", "realistic"),
        help="the devnet's timing mode (re-run a suite that passed with fast timing under realistic)",
    )
    parser.addini("zk_config", "devnet.toml for zk_devnet, relative to the rootdir (--zk-config wins)", default="")
    parser.addini("zk_relay", "auto or manual (--zk-relay wins)", default="")
    parser.addini("zk_timing", "fast or realistic (--zk-timing wins)", default="")
    group.addoption(
        "--zk-show-internal", action="store_true", default=False, help="keep zkconnect's own frames in tracebacks"
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers and the per-process state."""
    config.addinivalue_line(
        "markers", f"{NO_ISOLATION_MARKER}: the test's devnet changes persist into the following tests"
    )
    config.addinivalue_line(
        "markers",
        f"{TOPOLOGY_MARKER}(config): run with the devnet of this devnet.toml (or 'default'); per test or per module",
    )
    config.stash[_STATE] = _Session(config)
    config.stash[_STATE].overrides()  # a bad ini value stops the run here, before any test
    if config.stash[_STATE].show_internal:
        # Imported here, not at the top: only --zk-show-internal pulls in zkconnect.testing (and the EVM stack).
        # The switch stays in this session's state; zkconnect.testing only asks it.
        from zkconnect.testing.frames import INTERNAL_FRAMES

        INTERNAL_FRAMES.follow(lambda: config.stash[_STATE].show_internal)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Back to hiding zkconnect's frames (pytester runs several sessions in one process)."""
    frames = sys.modules.get("zkconnect.testing.frames")
    if frames is not None:
        frames.INTERNAL_FRAMES.follow(None)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Route tests marked ``zk_topology`` to a devnet of that topology."""
    marker = metafunc.definition.get_closest_marker(TOPOLOGY_MARKER)
    if marker is None or _DEVNET_FIXTURE not in metafunc.fixturenames:
        return
    if len(marker.args) != 1 or not isinstance(marker.args[0], str):
        raise pytest.UsageError(f"@pytest.mark.{TOPOLOGY_MARKER} takes one argument: a devnet.toml path or 'default'")
    topology = metafunc.config.stash[_STATE].topology(marker.args[0], Path(metafunc.definition.path))
    metafunc.parametrize(_DEVNET_FIXTURE, [topology], indirect=True, ids=[f"zk:{topology.label}"])


# ---------------------------------------------------------------------------- isolation


def _isolated(request: pytest.FixtureRequest) -> bool:
    return _DEVNET_FIXTURE in request.fixturenames


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    """Snapshot the devnet before each fixture of a devnet test; revert when the fixture is torn down."""
    state = request.config.stash[_STATE]
    devnet = state.live
    if (
        devnet is not None
        and fixturedef.argname != _DEVNET_FIXTURE
        and _isolated(request)
        and not (fixturedef.scope == "function" and request.node.get_closest_marker(NO_ISOLATION_MARKER))
    ):
        if state.in_test_body and fixturedef.scope != "function":
            warnings.warn(
                f"{fixturedef.scope}-scoped fixture {fixturedef.argname!r} was first requested inside a test body "
                "(request.getfixturevalue): the devnet changes it makes are undone when this test ends. "
                "Request it as a test argument instead.",
                pytest.PytestWarning,
                stacklevel=2,
            )
        snapshot_id = devnet.snapshot()
        # Registered before the fixture runs, so it fires after the fixture's own teardown.
        fixturedef.addfinalizer(lambda: state.revert(devnet, snapshot_id))
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Run each devnet test inside its own whole-devnet snapshot."""
    state = item.config.stash[_STATE]
    devnet = state.live
    if (
        devnet is None
        or _DEVNET_FIXTURE not in getattr(item, "fixturenames", ())
        or item.get_closest_marker(NO_ISOLATION_MARKER)
    ):
        return (yield)
    snapshot_id = devnet.snapshot()
    handle: Any = getattr(getattr(item, "obj", None), "hypothesis", None)
    inner = getattr(handle, "inner_test", None)
    if inner is not None:
        handle.inner_test = _per_example(state, devnet, inner)  # Hypothesis' documented hook for plugins
    state.in_test_body = True
    try:
        return (yield)
    finally:
        state.in_test_body = False
        if inner is not None:
            handle.inner_test = inner
        state.revert(devnet, snapshot_id)


def _per_example(state: _Session, devnet: Devnet, inner: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a Hypothesis test body so every generated example starts from the same devnet."""

    @functools.wraps(inner)
    def example(*args: Any, **kwargs: Any) -> Any:
        snapshot_id = devnet.snapshot()
        try:
            return inner(*args, **kwargs)
        finally:
            state.revert(devnet, snapshot_id)

    return example


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Drop zkconnect's own frames from a devnet test's traceback (unless ``--zk-show-internal``)."""
    state = item.config.stash[_STATE]
    excinfo = call.excinfo
    if excinfo is not None and not state.show_internal and _DEVNET_FIXTURE in getattr(item, "fixturenames", ()):
        kept = excinfo.traceback.filter(lambda entry: not Path(entry.path).resolve().is_relative_to(_PACKAGE_DIR))
        if len(kept):
            excinfo.traceback = kept
    return (yield)


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def zk_devnet(request: pytest.FixtureRequest) -> Iterator[Devnet]:
    """The in-process devnet (built once per session and topology; isolated per test and scope)."""
    state = request.config.stash[_STATE]
    devnet = state.build(getattr(request, "param", None))
    state.live = devnet
    try:
        yield devnet
    finally:
        if state.live is devnet:
            state.live = None


@pytest.fixture(scope="session")
def zk_chain(zk_devnet: Devnet) -> Callable[[str | int], ChainHandle]:
    """A factory: ``zk_chain("zk-a")`` or ``zk_chain(6565)`` gives that chain's handle."""
    handles: dict[str, ChainHandle] = {}

    def chain(name_or_id: str | int) -> ChainHandle:
        name = zk_devnet.chain_config(name_or_id).name
        if name not in handles:
            from zkconnect.testing import ChainHandle

            handles[name] = ChainHandle(zk_devnet, name)
        return handles[name]

    return chain


def _named(zk_chain: Callable[[str | int], ChainHandle], devnet: Devnet, name: str, fixture: str) -> ChainHandle:
    try:
        return zk_chain(name)
    except ConfigError:
        names = ", ".join(c.name for c in devnet.config.all_chains)
        raise ConfigError(
            f"fixture {fixture} needs a chain named {name!r}, which this topology ({devnet.config.source}) lacks; "
            f"use zk_chain(name) with one of: {names}"
        ) from None


@pytest.fixture(scope="session")
def zk_l1(zk_chain: Callable[[str | int], ChainHandle], zk_devnet: Devnet) -> ChainHandle:
    """The L1."""
    return zk_chain(zk_devnet.config.l1.name)


@pytest.fixture(scope="session")
def zk_gateway(zk_chain: Callable[[str | int], ChainHandle], zk_devnet: Devnet) -> ChainHandle:
    """ZKsync Gateway (the settlement layer of the ZK chains)."""
    if zk_devnet.config.gateway is None:
        raise ConfigError(f"this topology ({zk_devnet.config.source}) has no Gateway; add a [gateway] section")
    return zk_chain(zk_devnet.config.gateway.name)


@pytest.fixture(scope="session")
def zk_a(zk_chain: Callable[[str | int], ChainHandle], zk_devnet: Devnet) -> ChainHandle:
    """The ZK chain named ``zk-a`` (chain id 6565 in the default topology)."""
    return _named(zk_chain, zk_devnet, "zk-a", "zk_a")


@pytest.fixture(scope="session")
def zk_b(zk_chain: Callable[[str | int], ChainHandle], zk_devnet: Devnet) -> ChainHandle:
    """The ZK chain named ``zk-b`` (chain id 6566 in the default topology)."""
    return _named(zk_chain, zk_devnet, "zk-b", "zk_b")


@pytest.fixture(scope="session")
def zk_accounts(zk_devnet: Devnet) -> tuple[DevAccount, ...]:
    """The funded dev accounts (the same on every chain)."""
    return zk_devnet.accounts


@pytest.fixture(scope="session")
def zk_relayer(zk_devnet: Devnet) -> Relayer:
    """The devnet's relayer: ``relay()``, the steps ``settle()``, ``import_roots()``, ``execute()``, ``set_mode()``."""
    return zk_devnet.relayer

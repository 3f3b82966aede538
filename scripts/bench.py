"""Benchmark zkconnect: startup, crosschain latency and throughput, isolation cost, memory, the EVM floor and anvil.

Usage: python scripts/bench.py [--quick] [--transfers N] [--rss-transfers N] [--no-http] [--no-anvil] [--out FILE]
(`make bench` runs it with the defaults.) Prints a table and writes the same numbers as JSON.

Every figure is a median over repeats; the machine is noisy, so ratios matter more than absolute times. The EVM floor
is the time py-evm spends inside ``VM.apply_transaction`` for the transactions a transfer needs (the user's, the
settlement executions on Gateway and L1, the root import, the bundle execution); the devnet's own overhead (block
building and state roots, sealing, trees, proofs, relaying, RPC) is reported as the ratio of total time over it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_t0 = time.perf_counter()
from eth.vm.base import VM  # noqa: E402
from eth_abi.abi import encode  # noqa: E402
from eth_account import Account  # noqa: E402
from eth_utils.address import to_checksum_address  # noqa: E402
from eth_utils.crypto import keccak  # noqa: E402

from zkconnect import Devnet, assets  # noqa: E402
from zkconnect.accounts import DevAccount, dev_accounts  # noqa: E402
from zkconnect.artifacts import load  # noqa: E402
from zkconnect.config import default_config  # noqa: E402
from zkconnect.protocol.addresses import (  # noqa: E402
    INTEROP_CENTER,
    INTEROP_HANDLER,
    L2_ASSET_ROUTER,
    L2_INTEROP_ROOT_STORAGE,
    L2_NATIVE_TOKEN_VAULT,
)
from zkconnect.protocol.messages import (  # noqa: E402
    InteropCallStarter,
    NtvBurnData,
    format_evm_v1,
    indirect_call,
    second_bridge_data,
    send_bundle_calldata,
)

IMPORT_SECONDS = time.perf_counter() - _t0


# ---------------------------------------------------------------------- measuring helpers


class EvmTimer:
    """Accumulates the time spent inside py-evm's ``VM.apply_transaction`` (the EVM floor)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.transactions = 0
        self._original: Callable[..., Any] = VM.apply_transaction

    @contextlib.contextmanager
    def installed(self) -> Iterator[EvmTimer]:
        original = self._original
        timer = self

        def timed(vm: Any, header: Any, transaction: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(vm, header, transaction)
            finally:
                timer.seconds += time.perf_counter() - start
                timer.transactions += 1

        VM.apply_transaction = timed  # type: ignore[method-assign,assignment]
        try:
            yield self
        finally:
            VM.apply_transaction = original  # type: ignore[method-assign]

    def reset(self) -> None:
        self.seconds = 0.0
        self.transactions = 0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def rss_mb() -> float:
    """Resident set size of this process now (Linux /proc), else the peak from getrusage."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def free_port_base(count: int) -> int:
    """A port p such that p .. p+count-1 are free on 127.0.0.1."""
    for base in range(23000, 60000, 97):
        ok = True
        for port in range(base, base + count):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no free block of ports found")


def rpc(url: str, method: str, params: list[Any] | None = None, timeout: float = 30.0) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        doc = json.loads(response.read())
    if "error" in doc:
        raise RuntimeError(f"{method}: {doc['error']}")
    return doc["result"]


def wait_ready(urls: list[str], deadline: float) -> None:
    pending = list(urls)
    while pending:
        if time.perf_counter() > deadline:
            raise RuntimeError(f"not answering: {pending}")
        still = []
        for url in pending:
            try:
                rpc(url, "eth_chainId", timeout=0.5)
            except Exception:  # not up yet
                still.append(url)
        pending = still
        if pending:
            time.sleep(0.02)


def calldata(signature: str, *args: Any) -> bytes:
    inner = signature[signature.index("(") + 1 : -1]
    types = [t for t in inner.split(",") if t]
    return keccak(signature.encode())[:4] + encode(types, list(args))


# ---------------------------------------------------------------------- workloads


@dataclass
class Workload:
    """A crosschain transfer from zk-a to zk-b: ``send`` starts one, ``arrived`` says it is spendable/visible."""

    name: str
    devnet: Devnet
    sender: DevAccount
    send_data: Callable[[int], tuple[bytes, bytes, int]]  # i -> (to, data, value) on zk-a
    arrived: Callable[[int], bool]
    steps: dict[str, int] = field(default_factory=dict)


def bundle_workload(devnet: Devnet) -> Workload:
    """A one-call interop bundle to a contract on zk-b (stand-in when the asset contracts are absent)."""
    alice = devnet.accounts[0]
    inbox = devnet["zk-b"].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    fee = devnet.interop_fee("zk-a")
    start = int.from_bytes(devnet["zk-b"].call(inbox, calldata("count()")), "big")

    def send_data(i: int) -> tuple[bytes, bytes, int]:
        starter = InteropCallStarter(to=format_evm_v1(None, inbox), data=i.to_bytes(32, "big"))
        return INTEROP_CENTER, send_bundle_calldata(6566, [starter]), fee

    def arrived(i: int) -> bool:
        return int.from_bytes(devnet["zk-b"].call(inbox, calldata("count()")), "big") >= start + i + 1

    return Workload("interop bundle (1 call)", devnet, alice, send_data, arrived)


def erc20_workload(devnet: Devnet) -> Workload:
    """One crosschain ERC20 transfer: a token native to zk-a (registered, balance migrated to Gateway, vault
    approved once) sent to bob on zk-b through the L2AssetRouter (an interop bundle with an ``indirectCall``)."""
    alice, bob = devnet.accounts[0], devnet.accounts[1]
    token = assets.deploy_test_token(devnet, "zk-a", alice, mint=10**30)
    asset = assets.register_token(devnet, "zk-a", token, alice)
    assets.migrate_token_balance(devnet, "zk-a", asset)
    approve = calldata("approve(address,uint256)", L2_NATIVE_TOKEN_VAULT, 2**256 - 1)
    devnet["zk-a"].transact(alice.private_key, token, approve)
    bridged = assets.predict_bridged_token(devnet, "zk-a", token, "zk-b")
    fee = devnet.interop_fee("zk-a")
    burn = NtvBurnData(amount=1, remote_receiver="0x" + bob.address.hex()).encode()
    starter = InteropCallStarter(
        to=format_evm_v1(address=L2_ASSET_ROUTER),
        data=second_bridge_data(asset, burn),
        call_attributes=(indirect_call(0),),
    )
    data = send_bundle_calldata(6566, [starter])

    def send_data(i: int) -> tuple[bytes, bytes, int]:
        return INTEROP_CENTER, data, fee

    def arrived(i: int) -> bool:
        return assets.token_balance(devnet, "zk-b", bridged, bob.address) >= i + 1

    return Workload("ERC20 via L2AssetRouter", devnet, alice, send_data, arrived)


def make_workload(devnet: Devnet) -> Workload:
    return erc20_workload(devnet)


# ---------------------------------------------------------------------- the measurements


def measure_build(repeats: int) -> dict[str, float]:
    first = time.perf_counter()
    Devnet()
    first_build = time.perf_counter() - first
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        Devnet()
        times.append(time.perf_counter() - start)
    return {
        "import_s": IMPORT_SECONDS,
        "first_build_s": first_build,
        "build_s_median": statistics.median(times),
    }


def measure_latency(count: int) -> dict[str, Any]:
    devnet = Devnet()
    work = make_workload(devnet)
    chain = devnet["zk-a"]
    latencies: list[float] = []
    timer = EvmTimer()
    floors: list[float] = []
    with timer.installed():
        for i in range(count):
            to, data, value = work.send_data(i)
            timer.reset()
            start = time.perf_counter()
            chain.transact(work.sender.private_key, to, data, value=value)
            ok = work.arrived(i)
            latencies.append(time.perf_counter() - start)
            floors.append(timer.seconds)
            if not ok:
                raise RuntimeError(f"transfer {i} did not arrive: {devnet.relayer.problems[-3:]}")
    ratio = [lat / f for lat, f in zip(latencies, floors, strict=True) if f > 0]
    steps = transfer_gas(devnet, work, count)
    return {
        "workload": work.name,
        "count": count,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "evm_floor_p50_ms": statistics.median(floors) * 1000,
        "overhead_ratio_p50": statistics.median(ratio),
        "evm_transactions_per_transfer": timer.transactions,
        "gas_per_step": steps,
    }


def transfer_gas(devnet: Devnet, work: Workload, index: int) -> dict[str, int]:
    """Gas of every transaction one (steady-state) transfer causes, by chain and step."""
    names = {
        INTEROP_CENTER: "InteropCenter.sendBundle (user)",
        INTEROP_HANDLER: "InteropHandler.executeBundle (relayer)",
        L2_INTEROP_ROOT_STORAGE: "interop root import (bootloader)",
    }
    before = {name: chain.block_number for name, chain in devnet.chains.items()}
    to, data, value = work.send_data(index)
    devnet["zk-a"].transact(work.sender.private_key, to, data, value=value)
    steps: dict[str, int] = {}
    for name, chain in devnet.chains.items():
        for number in range(before[name] + 1, chain.block_number + 1):
            for receipt in chain.block(number).receipts:
                target = receipt.to or b""
                label = names.get(target) or (
                    "batch settlement (validator)" if receipt.system else f"call to 0x{target.hex()}"
                )
                key = f"{name}: {label}"
                steps[key] = steps.get(key, 0) + receipt.gas_used
    return steps


def measure_throughput(batch: int, rounds: int) -> dict[str, Any]:
    devnet = Devnet()
    work = make_workload(devnet)
    chain = devnet["zk-a"]
    devnet.relayer.set_mode("manual")
    rates = []
    sent = 0
    for _ in range(rounds):
        start = time.perf_counter()
        chain.automine = False
        for _ in range(batch):
            to, data, value = work.send_data(sent)
            chain.submit(chain.sign(work.sender.private_key, to, data, value=value, gas=3_000_000))
            sent += 1
        chain.automine = True
        chain.mine()
        devnet.relay()
        elapsed = time.perf_counter() - start
        if not work.arrived(sent - 1):
            raise RuntimeError("batched transfers did not all arrive")
        rates.append(batch / elapsed)
    return {"batch": batch, "transfers_per_s": statistics.median(rates)}


def measure_snapshot(repeats: int) -> dict[str, float]:
    devnet = Devnet()
    work = make_workload(devnet)
    for i in range(5):  # some history, so the snapshot has something to cover
        to, data, value = work.send_data(i)
        devnet["zk-a"].transact(work.sender.private_key, to, data, value=value)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        sid = devnet.snapshot()
        devnet.revert(sid)
        times.append(time.perf_counter() - start)
    return {"snapshot_revert_ms_median": statistics.median(times) * 1000}


def measure_rss(transfers: int, batch: int) -> dict[str, float]:
    devnet = Devnet()
    work = make_workload(devnet)
    chain = devnet["zk-a"]
    devnet.relayer.set_mode("manual")
    before = rss_mb()
    sent = 0
    while sent < transfers:
        chain.automine = False
        for _ in range(min(batch, transfers - sent)):
            to, data, value = work.send_data(sent)
            chain.submit(chain.sign(work.sender.private_key, to, data, value=value, gas=3_000_000))
            sent += 1
        chain.automine = True
        chain.mine()
        devnet.relay()
    return {"transfers": transfers, "rss_mb_before": before, "rss_mb_after": rss_mb()}


def zkdev_command(port_base: int) -> list[str]:
    zkdev = Path(sys.executable).with_name("zkdev")
    return [str(zkdev), "up", "--port-base", str(port_base)]


@contextlib.contextmanager
def zkdev_up(port_base: int) -> Iterator[float]:
    start = time.perf_counter()
    proc = subprocess.Popen(zkdev_command(port_base), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready([f"http://127.0.0.1:{port_base + i}" for i in range(4)], start + 60)
        yield time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(10)


def anvil_binary() -> str | None:
    local = ROOT / "node_modules" / ".bin" / "anvil"
    if local.exists():
        return str(local)
    return shutil.which("anvil")


@contextlib.contextmanager
def anvil_up(binary: str, port_base: int, chain_ids: list[int]) -> Iterator[float]:
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [binary, "--port", str(port_base + i), "--chain-id", str(cid), "--silent"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i, cid in enumerate(chain_ids)
    ]
    try:
        wait_ready([f"http://127.0.0.1:{port_base + i}" for i in range(len(chain_ids))], start + 60)
        yield time.perf_counter() - start
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(10)


def measure_startup(repeats: int, anvil: str | None) -> dict[str, Any]:
    ids = [c.chain_id for c in default_config().all_chains]
    zk = []
    for _ in range(repeats):
        base = free_port_base(4)
        with zkdev_up(base) as seconds:
            zk.append(seconds)
    out: dict[str, Any] = {"zkdev_up_ready_s_median": statistics.median(zk)}
    if anvil:
        an = []
        for _ in range(repeats):
            base = free_port_base(4)
            with anvil_up(anvil, base, ids) as seconds:
                an.append(seconds)
        out["anvil_x4_ready_s_median"] = statistics.median(an)
        out["ratio_zkdev_over_anvil"] = out["zkdev_up_ready_s_median"] / out["anvil_x4_ready_s_median"]
    return out


def _send_raw(url: str, key: bytes, chain_id: int, nonce: int, to: bytes | None, data: bytes, value: int) -> str:
    tx = {
        "chainId": chain_id,
        "nonce": nonce,
        "to": None if to is None else to_checksum_address(to),
        "data": "0x" + data.hex(),
        "value": value,
        "gas": 3_000_000,
        "maxFeePerGas": 10**10,
        "maxPriorityFeePerGas": 1,
        "type": 2,
    }
    if tx["to"] is None:
        del tx["to"]
    raw = Account.sign_transaction(tx, key).raw_transaction
    result: str = rpc(url, "eth_sendRawTransaction", ["0x" + bytes(raw).hex()])
    return result


def _wait_receipt(url: str, tx_hash: str) -> dict[str, Any]:
    for _ in range(2000):
        receipt = rpc(url, "eth_getTransactionReceipt", [tx_hash])
        if receipt:
            return dict(receipt)
        time.sleep(0.005)
    raise RuntimeError(f"no receipt for {tx_hash}")


def measure_http_latency(count: int) -> dict[str, Any]:
    """The same bundle transfer through `zkdev up`: eth_sendRawTransaction on zk-a, poll eth_call on zk-b."""
    base = free_port_base(4)
    a_url, b_url = f"http://127.0.0.1:{base + 2}", f"http://127.0.0.1:{base + 3}"
    with zkdev_up(base):
        alice = dev_accounts()[0]
        code = load("RecordingRecipient").bytecode
        b_nonce = int(rpc(b_url, "eth_getTransactionCount", ["0x" + alice.address.hex(), "latest"]), 16)
        deployed = _wait_receipt(b_url, _send_raw(b_url, alice.private_key, 6566, b_nonce, None, code, 0))
        inbox = bytes.fromhex(deployed["contractAddress"][2:])
        fee = int(
            rpc(
                a_url,
                "eth_call",
                [{"to": "0x" + INTEROP_CENTER.hex(), "data": "0x" + calldata("interopProtocolFee()").hex()}, "latest"],
            ),
            16,
        )
        nonce = int(rpc(a_url, "eth_getTransactionCount", ["0x" + alice.address.hex(), "latest"]), 16)
        count_call = {"to": "0x" + inbox.hex(), "data": "0x" + calldata("count()").hex()}
        latencies = []
        for i in range(count):
            starter = InteropCallStarter(to=format_evm_v1(None, inbox), data=i.to_bytes(32, "big"))
            start = time.perf_counter()
            _send_raw(
                a_url, alice.private_key, 6565, nonce + i, INTEROP_CENTER, send_bundle_calldata(6566, [starter]), fee
            )
            while int(rpc(b_url, "eth_call", [count_call, "latest"]), 16) < i + 1:
                time.sleep(0.002)
            latencies.append(time.perf_counter() - start)
    return {
        "count": count,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
    }


def measure_anvil_transfers(binary: str, count: int) -> dict[str, Any]:
    """The peer: ERC20 ``transfer`` calls of the same TestERC20 on one anvil chain, sent and confirmed over HTTP."""
    base = free_port_base(1)
    url = f"http://127.0.0.1:{base}"
    alice, bob = dev_accounts()[0], dev_accounts()[1]
    with anvil_up(binary, base, [31337]):
        code = load("TestERC20").bytecode + encode(["string", "string", "uint8"], ["Test", "TEST", 18])
        deployed = _wait_receipt(url, _send_raw(url, alice.private_key, 31337, 0, None, code, 0))
        token = bytes.fromhex(deployed["contractAddress"][2:])
        mint = keccak(b"mint(address,uint256)")[:4] + encode(["address", "uint256"], [alice.address, 10**30])
        _wait_receipt(url, _send_raw(url, alice.private_key, 31337, 1, token, mint, 0))
        transfer = keccak(b"transfer(address,uint256)")[:4] + encode(["address", "uint256"], [bob.address, 1])
        latencies = []
        for i in range(count):
            start = time.perf_counter()
            tx_hash = _send_raw(url, alice.private_key, 31337, 2 + i, token, transfer, 0)
            _wait_receipt(url, tx_hash)
            latencies.append(time.perf_counter() - start)
    return {"count": count, "p50_ms": statistics.median(latencies) * 1000, "p95_ms": percentile(latencies, 0.95) * 1000}


# ---------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d"),
    }


def render(results: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str]] = []

    def row(name: str, value: Any, target: str = "") -> None:
        shown = f"{value:.3g}" if isinstance(value, float) else str(value)
        rows.append((name, shown, target))

    b = results["build"]
    row("import zkconnect (s)", b["import_s"])
    row("first Devnet() build, genesis computed (s)", b["first_build_s"])
    row("Devnet() build, cached genesis (s)", b["build_s_median"], "<= 0.3")
    if "startup" in results:
        s = results["startup"]
        row("zkdev up -> every chain answers (s)", s["zkdev_up_ready_s_median"], "<= 2")
        if "anvil_x4_ready_s_median" in s:
            row("4 anvil processes -> every chain answers (s)", s["anvil_x4_ready_s_median"])
            row("startup ratio zkdev / anvil", s["ratio_zkdev_over_anvil"])
    lat = results["latency"]
    row(f"transfer A->B in-process p50 (ms) [{lat['workload']}]", lat["p50_ms"])
    row("transfer A->B in-process p95 (ms)", lat["p95_ms"])
    row("  EVM floor p50 (ms)", lat["evm_floor_p50_ms"])
    row("  devnet total / EVM floor (p50)", lat["overhead_ratio_p50"], "<= 1.3")
    for step, gas in lat["gas_per_step"].items():
        row(f"  gas, {step}", gas)
    if "http_latency" in results:
        h = results["http_latency"]
        row("1-call bundle A->B over HTTP p50 (ms)", h["p50_ms"])
        row("1-call bundle A->B over HTTP p95 (ms)", h["p95_ms"])
    if "anvil_transfers" in results:
        a = results["anvil_transfers"]
        row("anvil: one ERC20 transfer sent+confirmed over HTTP p50 (ms)", a["p50_ms"])
        if "http_latency" in results:
            row(
                "crosschain bundle over HTTP / anvil ERC20 transfer (p50)",
                results["http_latency"]["p50_ms"] / a["p50_ms"],
            )
    t = results["throughput"]
    row(f"batched throughput, {t['batch']} per batch (transfers/s)", t["transfers_per_s"])
    row("batched / one-at-a-time rate", results["batched_over_single"], ">= 2")
    row("whole-devnet snapshot + revert (ms)", results["snapshot"]["snapshot_revert_ms_median"], "<= 10")
    if "rss" in results:
        r = results["rss"]
        row(f"RSS after {r['transfers']} transfers (MB)", r["rss_mb_after"], "<= 500")
    width = max(len(r[0]) for r in rows)
    lines = [f"{'measure'.ljust(width)}  {'value':>10}  target", "-" * (width + 22)]
    lines += [f"{n.ljust(width)}  {v:>10}  {t}" for n, v, t in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small counts, for a smoke run")
    parser.add_argument("--transfers", type=int, default=200)
    parser.add_argument("--rss-transfers", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-anvil", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "bench-results.json"))
    args = parser.parse_args(argv)
    if args.quick:
        args.transfers, args.rss_transfers, args.batch = 20, 200, 20
    results: dict[str, Any] = {"machine": machine()}
    results["build"] = measure_build(5)
    anvil = None if args.no_anvil else anvil_binary()
    if not args.no_http:
        results["startup"] = measure_startup(3, anvil)
    results["latency"] = measure_latency(args.transfers)
    if not args.no_http:
        results["http_latency"] = measure_http_latency(min(args.transfers, 100))
    if anvil:
        results["anvil_transfers"] = measure_anvil_transfers(anvil, min(args.transfers, 100))
    elif not args.no_anvil:
        results["anvil_note"] = "anvil not installed (npm install --no-save @foundry-rs/anvil); peer skipped"
    results["throughput"] = measure_throughput(args.batch, 3)
    results["batched_over_single"] = results["throughput"]["transfers_per_s"] / (1000 / results["latency"]["p50_ms"])
    results["snapshot"] = measure_snapshot(50)
    if args.rss_transfers:
        results["rss"] = measure_rss(args.rss_transfers, args.batch)
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    print(render(results))
    if "anvil_note" in results:
        print(results["anvil_note"])
    print(f"\nmachine: {results['machine']}\nJSON: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The prover fleet: the Silverback bot on a real Redis broker with two `silverback worker` processes.

Real parts: redis-server on a free port (installed by `make setup`), an anvil of the test's own, `ape run deploy`,
`silverback run` (the dispatcher) and two `silverback worker` processes signing with their own prover accounts,
ezkl proving micro. Proofs are counted from the workers' logs ("request N: <outcome> (...), proved in X s").
"""

import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from ape import project

from support.devnet import BIN, NETWORK, ROOT, deploy_micro, env, fulfilled_logs, request, stop, wait_fulfilled
from zkaigc.fleet import FleetError, Lease, RedisClaims, broker_settings

PROVERS = (3, 4)  # one account per worker machine, both allowed by the vendor at deploy


@pytest.fixture
def devnet(tmp_path):
    manifest = tmp_path / "manifest.json"
    plain, market, collection = deploy_micro(project, manifest, list(PROVERS))
    yield plain, market, collection, manifest
    plain.close()


def _start(command: str, account: int, log: Path, url: str, chain_url: str, manifest: Path, state: Path):
    args = [BIN / "silverback", command] + (["-w", "1"] if command == "worker" else [])
    return subprocess.Popen(
        [*args, "zkaigc.bot:bot", "--network", NETWORK, "--account", f"TEST::{account}"],
        cwd=ROOT,
        env=env(chain_url, ZKAIGC_BROKER=url, ZKAIGC_MANIFEST=str(manifest), ZKAIGC_STATE=str(state)),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )


def _kill_when_proving(worker, log: Path, killed: list[int], stop_event: threading.Event) -> None:
    """SIGKILL `worker` the moment its log shows it has started proving a request or a batch; their ids."""
    while not stop_event.is_set():
        if match := re.search(r"requests? \[?([\d, ]+)\]?: proving", log.read_text()):
            os.kill(worker.pid, signal.SIGKILL)
            killed.extend(int(i) for i in match.group(1).split(","))
            return
        time.sleep(0.01)


def _proofs(logs: list[str]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for text in logs:
        for match in re.finditer(r"request (\d+): [a-z-]+ .*proved in", text):
            counts[int(match.group(1))] = counts.get(int(match.group(1)), 0) + 1
    return counts


@pytest.mark.slow
def test_fleet_fulfils_each_request_once_if_a_worker_is_killed_mid_proof(broker, devnet, tmp_path):
    plain, market, collection, manifest = devnet
    chain_url = plain.anvil.url
    logs = {name: tmp_path / f"{name}.log" for name in ("bot", "a", "b")}
    bot = _start("run", PROVERS[0], logs["bot"], broker, chain_url, manifest, tmp_path / "bot.json")
    a = _start("worker", PROVERS[0], logs["a"], broker, chain_url, manifest, tmp_path / "a.json")
    b = _start("worker", PROVERS[1], logs["b"], broker, chain_url, manifest, tmp_path / "b.json")
    killed: list[int] = []
    done = threading.Event()
    killer = threading.Thread(target=_kill_when_proving, args=(a, logs["a"], killed, done), daemon=True)
    killer.start()
    try:
        ids = [request(plain, market, collection, [n, n + 1, n + 2, n + 3]) for n in range(0, 32, 4)]
        wait_fulfilled(market, ids, bot, timeout=240, log=logs["b"])
    finally:
        done.set()
        for process in (bot, a, b):
            stop(process)
    a_log, b_log = logs["a"].read_text(), logs["b"].read_text()
    assert a.returncode == -signal.SIGKILL and killed  # worker a died mid-proof (of one request or a batch)...
    for victim in killed:
        [fulfil] = fulfilled_logs(market, victim)
        assert fulfil.args.prover == plain.accounts[PROVERS[1]]  # ...and worker b proved and fulfilled them
        assert f"request {victim}: fulfilled" in b_log and f"request {victim}: fulfilled" not in a_log
    assert [len(fulfilled_logs(market, i)) for i in ids] == [1] * len(ids)  # each fulfilled exactly once
    assert _proofs([a_log, b_log]) == {i: 1 for i in ids}  # and proven exactly once (a's cut-off proof: none)


def test_acquire_names_the_holder_if_another_worker_holds_the_lease(broker):
    a = RedisClaims(broker, "zkaigc:test", ttl=3, owner="host-a:1")
    b = RedisClaims(broker, "zkaigc:test", ttl=3, owner="host-b:2")
    lease = a.acquire(7)
    assert isinstance(lease, Lease)
    assert b.acquire(7) == "host-a:1"
    time.sleep(4)  # renewed while the holder lives
    assert b.acquire(7) == "host-a:1"
    lease.release()
    again = b.acquire(7)
    assert isinstance(again, Lease)
    again.release()


def test_acquire_takes_the_lease_if_its_holder_died(broker):
    dead = RedisClaims(broker, "zkaigc:test", ttl=1, owner="host-a:1")
    lease = dead.acquire(8)
    lease._stop.set()  # the holder stops renewing, as a killed process does
    time.sleep(1.5)
    taken = RedisClaims(broker, "zkaigc:test", ttl=1, owner="host-b:2").acquire(8)
    assert isinstance(taken, Lease)
    taken.release()


def test_broker_settings_raises_if_url_is_not_redis():
    with pytest.raises(FleetError, match="is not a Redis URL"):
        broker_settings("http://127.0.0.1:6379")

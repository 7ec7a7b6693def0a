"""`zkaigc.bot` under Silverback's own runner (`silverback run`), and `ape run prover` surviving an RPC loss.

Real parts: an anvil of its own (mining a block a second, as a live chain does), `ape run deploy`, the bot or
the prover as a subprocess, ezkl proving micro.
"""

import os
import subprocess
import time

import pytest
from ape import project

from support.devnet import (
    BIN,
    NETWORK,
    ROOT,
    commitments_aged,
    deploy_micro,
    env,
    fulfilled_logs,
    request,
    start_prover,
    stop,
    wait_fulfilled,
)

PROVER = 3  # anvil's account index the prover signs with


@pytest.fixture
def devnet(tmp_path):
    """A fresh anvil with micro deployed by `ape run deploy`; yields (chain, market, collection, manifest)."""
    manifest = tmp_path / "manifest.json"
    plain, market, collection = deploy_micro(project, manifest, [PROVER])
    yield plain, market, collection, manifest
    plain.close()


def _fulfilled_count(market, request_id) -> int:
    return len(fulfilled_logs(market, request_id))


@pytest.mark.slow
def test_silverback_bot_fulfils_requests_made_before_and_after_it_starts(devnet, tmp_path):
    plain, market, collection, manifest = devnet
    before = request(plain, market, collection, [1, 2, 3, 4])  # served by the startup catch-up
    bot = subprocess.Popen(
        [BIN / "silverback", "run", "zkaigc.bot:bot", "--network", NETWORK, "--account", f"TEST::{PROVER}"],
        cwd=ROOT,
        env=env(plain.anvil.url, ZKAIGC_MANIFEST=str(manifest), ZKAIGC_STATE=str(tmp_path / "state.json")),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_fulfilled(market, [before], bot)
        after = request(plain, market, collection, [5, 6, 7, 8])  # served from its Requested event
        wait_fulfilled(market, [after], bot)
    finally:
        out = stop(bot)
    assert _fulfilled_count(market, before) == 1 and _fulfilled_count(market, after) == 1
    assert "metrics: 2 requests seen, 2 proofs" in out


@pytest.mark.slow
def test_prover_reconnects_and_fulfils_if_rpc_is_lost_while_it_runs(devnet, tmp_path):
    plain, market, collection, manifest = devnet
    prover = start_prover(
        plain.anvil.url, PROVER, "--manifest", manifest, "--state", tmp_path / "state.json", "--interval", "0.5"
    )
    try:
        first = request(plain, market, collection, [9, 10, 11, 12])
        wait_fulfilled(market, [first], prover)
        # The node goes away for a few seconds, then comes back (same chain: suspended, not restarted).
        os.kill(plain.anvil.process.pid, 19)  # SIGSTOP: connections hang, then time out
        time.sleep(8)
        os.kill(plain.anvil.process.pid, 18)  # SIGCONT
        second = request(plain, market, collection, [13, 14, 15, 16])
        wait_fulfilled(market, [second], prover)
    finally:
        out = stop(prover)
    assert "Traceback" not in out
    assert _fulfilled_count(market, first) == 1 and _fulfilled_count(market, second) == 1


@pytest.mark.slow
def test_request_cli_claims_pays_and_writes_the_image_if_a_prover_serves_it(devnet, tmp_path):
    plain, market, collection, manifest = devnet
    common = ["--network", NETWORK, "--manifest", manifest]
    user = [BIN / "ape", "run", "request", *common, "--account", "TEST::2", "--model", "micro", "--out", tmp_path]
    too_cheap = subprocess.run([*user, "--max-price", "1"], cwd=ROOT, env=env(plain.anvil.url), capture_output=True)
    assert too_cheap.returncode != 0 and b"above --max-price 1 wei" in too_cheap.stderr + too_cheap.stdout
    assert market.functions.requestCount().call() == 0  # nothing claimed or paid
    prover = start_prover(plain.anvil.url, PROVER, "--manifest", manifest, "--state", tmp_path / "s.json")
    try:
        with commitments_aged(plain, collection):
            done = subprocess.run(
                [*user, "--max-price", str(10**15), "--prompt", "0x05f92a9c"],
                cwd=ROOT,
                env=env(plain.anvil.url),
                capture_output=True,
                text=True,
                timeout=400,
            )
    finally:
        stop(prover)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [image] = list(tmp_path.glob("micro-*.bmp"))
    assert image.read_bytes()[:2] == b"BM"


@pytest.mark.slow
def test_prover_fulfils_every_request_once_if_killed_mid_proof_and_restarted(devnet, tmp_path):
    plain, market, collection, manifest = devnet
    ids = [request(plain, market, collection, [21 + i, 22, 23, 24]) for i in range(3)]
    state = tmp_path / "state.json"
    args = ("--manifest", manifest, "--state", state, "--interval", "0.5")
    first = start_prover(plain.anvil.url, PROVER, *args)
    seen = []
    for line in first.stdout:  # SIGKILL the moment it starts proving: no chance to save anything
        seen.append(line)
        if ": proving micro" in line:
            first.kill()
            break
    first.wait(timeout=30)
    assert any(": proving micro" in line for line in seen), "".join(seen)[-3000:]
    assert sum(market.functions.getRequest(i).call()[2] == 2 for i in ids) < len(ids)  # killed before the end

    second = start_prover(plain.anvil.url, PROVER, *args)  # the same state file, as a restarted service
    try:
        wait_fulfilled(market, ids, second)
    finally:
        out = stop(second)
    assert "Traceback" not in out
    assert [len(fulfilled_logs(market, i)) for i in ids] == [1, 1, 1]
    assert collection.functions.balanceOf(plain.user).call() == len(ids)


@pytest.mark.slow
def test_silverback_bot_follows_blocks_and_fulfils_if_network_is_a_node_url(devnet, tmp_path):
    """`--network http://HOST:PORT` (Ape's ad-hoc network): the block poller used to time out at once (no block
    time configured: 50 × 0 s), so the bot stopped before serving anything."""
    plain, market, collection, manifest = devnet
    bot = subprocess.Popen(
        [BIN / "silverback", "run", "zkaigc.bot:bot", "--network", plain.anvil.url, "--account", f"TEST::{PROVER}"],
        cwd=ROOT,
        env=env(plain.anvil.url, ZKAIGC_MANIFEST=str(manifest), ZKAIGC_STATE=str(tmp_path / "state.json")),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        time.sleep(5)  # several blocks: a poller that gives up would have stopped the bot by now
        assert bot.poll() is None
        request_id = request(plain, market, collection, [3, 1, 4, 1])  # served from its Requested event
        wait_fulfilled(market, [request_id], bot)
    finally:
        out = stop(bot)
    assert "Timed out waiting for next block" not in out
    assert _fulfilled_count(market, request_id) == 1

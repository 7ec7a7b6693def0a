"""`zkaigc.bot` under Silverback's own runner (`silverback run`), and `ape run prover` surviving an RPC loss.

Real parts: an anvil of its own (mining a block a second, as a live chain does), `ape run deploy`, the bot or
the prover as a subprocess, ezkl proving micro.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ape import project

from proofs.pipeline import ModelArtifacts
from support.chain import PlainChain

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROVER = 3  # anvil's account index the prover signs with


#: ape's local network through its `node` provider, pointed at the test's anvil (see `_env`): a dev network,
#: so ape's block poller waits 10 s for a block, and anvil mines one a second.
NETWORK = "ethereum:local:node"


def _env(url, **extra):
    env = dict(
        os.environ,
        APE_NODE_ETHEREUM=json.dumps({"local": {"uri": url}}),
        PYTHONPATH=str(ROOT),
        PATH=f"{BIN}:{ROOT / 'node_modules' / '.bin'}:{os.environ['PATH']}",
    )
    env.update(extra)
    return env


@pytest.fixture
def devnet(tmp_path):
    """A fresh anvil with micro deployed by `ape run deploy`; yields (chain, market, collection, manifest)."""
    plain = PlainChain(project, "--block-time", "1", "--chain-id", "1337")
    manifest = tmp_path / "manifest.json"
    deployed = subprocess.run(
        [BIN / "ape", "run", "deploy", "--network", NETWORK, "--account", "TEST::0", "--models", "micro"]
        + ["--prover", plain.accounts[PROVER], "--manifest", manifest, "--yes"],
        cwd=ROOT,
        env=_env(plain.anvil.url),
        capture_output=True,
        text=True,
    )
    assert deployed.returncode == 0, deployed.stdout[-2000:] + deployed.stderr[-2000:]
    data = json.loads(manifest.read_text())
    market = plain.w3.eth.contract(address=data["contracts"]["marketplace"]["address"], abi=_abi("ModelMarketplace"))
    collection = plain.w3.eth.contract(address=data["models"]["micro"]["collection"], abi=_abi("ERC7007Collection"))
    yield plain, market, collection, manifest
    plain.close()


def _abi(name):
    contract_type = getattr(project, name).contract_type
    return [item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in contract_type.abi]


def _request(plain, market, collection, values) -> int:
    prompt = ModelArtifacts("micro").encoding().encode_prompt(values)
    user = plain.user
    plain.claim(collection, prompt, user)
    price, _ = market.functions.quote(collection.address).call()
    deadline = plain.w3.eth.get_block("latest").timestamp + 3600
    receipt = plain.wait(
        market.functions.requestGeneration(collection.address, prompt, price, deadline).transact(
            {"from": user, "value": price}
        )
    )
    return market.events.Requested().process_receipt(receipt)[0].args.requestId


def _wait_fulfilled(market, ids, process, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        if all(market.functions.getRequest(i).call()[2] == 2 for i in ids):
            return
        if process.poll() is not None:
            break
        time.sleep(1)
    process.kill()
    out = process.communicate()[0]
    raise AssertionError(f"not fulfilled: {[market.functions.getRequest(i).call()[2] for i in ids]}\n{out[-3000:]}")


def _stop(process) -> str:
    process.terminate()
    try:
        return process.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0]


def _fulfilled_count(market, request_id) -> int:
    return len(market.events.Fulfilled().get_logs(from_block=0, argument_filters={"requestId": request_id}))


@pytest.mark.slow
def test_silverback_bot_fulfils_requests_made_before_and_after_it_starts(devnet, tmp_path):
    plain, market, collection, manifest = devnet
    before = _request(plain, market, collection, [1, 2, 3, 4])  # served by the startup catch-up
    bot = subprocess.Popen(
        [BIN / "silverback", "run", "zkaigc.bot:bot", "--network", NETWORK, "--account", f"TEST::{PROVER}"],
        cwd=ROOT,
        env=_env(plain.anvil.url, ZKAIGC_MANIFEST=str(manifest), ZKAIGC_STATE=str(tmp_path / "state.json")),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_fulfilled(market, [before], bot)
        after = _request(plain, market, collection, [5, 6, 7, 8])  # served from its Requested event
        _wait_fulfilled(market, [after], bot)
    finally:
        out = _stop(bot)
    assert _fulfilled_count(market, before) == 1 and _fulfilled_count(market, after) == 1
    assert "metrics: 2 requests seen, 2 proofs" in out


@pytest.mark.slow
def test_prover_reconnects_and_fulfils_if_rpc_is_lost_while_it_runs(devnet, tmp_path):
    plain, market, collection, manifest = devnet
    prover = subprocess.Popen(
        [BIN / "ape", "run", "prover", "--network", NETWORK, "--account", f"TEST::{PROVER}"]
        + ["--manifest", manifest, "--state", tmp_path / "state.json", "--interval", "0.5"],
        cwd=ROOT,
        env=_env(plain.anvil.url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        first = _request(plain, market, collection, [9, 10, 11, 12])
        _wait_fulfilled(market, [first], prover)
        # The node goes away for a few seconds, then comes back (same chain: suspended, not restarted).
        os.kill(plain.anvil.process.pid, 19)  # SIGSTOP: connections hang, then time out
        time.sleep(8)
        os.kill(plain.anvil.process.pid, 18)  # SIGCONT
        second = _request(plain, market, collection, [13, 14, 15, 16])
        _wait_fulfilled(market, [second], prover)
    finally:
        out = _stop(prover)
    assert "Traceback" not in out
    assert _fulfilled_count(market, first) == 1 and _fulfilled_count(market, second) == 1


@pytest.mark.slow
def test_request_cli_claims_pays_and_writes_the_image_if_a_prover_serves_it(devnet, tmp_path):
    plain, market, collection, manifest = devnet
    common = ["--network", NETWORK, "--manifest", manifest]
    user = [BIN / "ape", "run", "request", *common, "--account", "TEST::2", "--model", "micro", "--out", tmp_path]
    too_cheap = subprocess.run([*user, "--max-price", "1"], cwd=ROOT, env=_env(plain.anvil.url), capture_output=True)
    assert too_cheap.returncode != 0 and b"above --max-price 1 wei" in too_cheap.stderr + too_cheap.stdout
    assert market.functions.requestCount().call() == 0  # nothing claimed or paid
    prover = subprocess.Popen(
        [BIN / "ape", "run", "prover", *common, "--account", f"TEST::{PROVER}", "--state", tmp_path / "s.json"],
        cwd=ROOT,
        env=_env(plain.anvil.url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        done = subprocess.run(
            [*user, "--max-price", str(10**15), "--prompt", "0x05f92a9c"],
            cwd=ROOT,
            env=_env(plain.anvil.url),
            capture_output=True,
            text=True,
            timeout=400,
        )
    finally:
        _stop(prover)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [image] = list(tmp_path.glob("micro-*.bmp"))
    assert image.read_bytes()[:2] == b"BM"

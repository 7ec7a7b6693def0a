"""An anvil of a test's own with micro deployed by `ape run deploy`, and the bot/worker processes run against it.

Shared by the bot, prover and fleet tests: they run the project's commands as subprocesses, as a vendor does.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from proofs.model_artifacts import ModelArtifacts
from support.chain import PlainChain
from zkaigc.localchain import ape_env

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent

#: ape's local network through its `node` provider, pointed at the test's anvil (see `env`): a dev network,
#: so ape's block poller waits 10 s for a block, and anvil mines one a second.
NETWORK = "ethereum:local:node"


def env(url, **extra):
    """The environment of a subprocess talking to the anvil at `url`."""
    return ape_env(url, **extra)


def deploy_micro(project, manifest: Path, provers: list[int]):
    """A fresh anvil with micro deployed and `provers` (account indexes) allowed; (chain, market, collection)."""
    plain = PlainChain(project, "--block-time", "1", "--chain-id", "1337")
    allowed = ",".join(plain.accounts[i] for i in provers)
    deployed = subprocess.run(
        [BIN / "ape", "run", "deploy", "--network", NETWORK, "--account", "TEST::0", "--models", "micro"]
        + ["--prover", allowed, "--manifest", manifest, "--yes"],
        cwd=ROOT,
        env=env(plain.anvil.url),
        capture_output=True,
        text=True,
    )
    if deployed.returncode != 0:
        plain.close()
        raise AssertionError(deployed.stdout[-2000:] + deployed.stderr[-2000:])
    data = json.loads(manifest.read_text())
    market = plain.at("ModelMarketplace", data["contracts"]["marketplace"]["address"])
    return plain, market, plain.at("ERC7007Collection", data["models"]["micro"]["collection"])


def request(plain, market, collection, values) -> int:
    """Claim the micro prompt `values` and pay for its generation; the request id."""
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


@contextmanager
def commitments_aged(plain, collection, poll: float = 0.5) -> Iterator[None]:
    """While inside, each `Commit` on `collection` is aged at once: the chain's clock moves on by
    `MIN_COMMITMENT_AGE`, the minute a user of a real node waits (the request CLI, in a subprocess, on this anvil)."""
    age = collection.functions.MIN_COMMITMENT_AGE().call()
    commits = collection.events.Commit.create_filter(from_block="latest")
    done = threading.Event()

    def age_new_commitments() -> None:
        while not done.wait(poll):
            if commits.get_new_entries():
                plain.advance(age + 1)

    watcher = threading.Thread(target=age_new_commitments, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def wait_fulfilled(market, ids, process, timeout=120, log: Path | None = None):
    """Until every request in `ids` is fulfilled; fails (with the process's output) at the timeout or its exit."""
    end = time.time() + timeout
    while time.time() < end:
        if all(market.functions.getRequest(i).call()[2] == 2 for i in ids):
            return
        if process.poll() is not None:
            break
        time.sleep(1)
    process.kill()
    out = log.read_text() if log else process.communicate()[0]
    raise AssertionError(f"not fulfilled: {[market.functions.getRequest(i).call()[2] for i in ids]}\n{out[-3000:]}")


def stop(process) -> str:
    """Terminate a process (SIGTERM, then SIGKILL after 30 s); its output if piped."""
    process.terminate()
    try:
        return process.communicate(timeout=30)[0] or ""
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0] or ""


def fulfilled_logs(market, request_id) -> list:
    return market.events.Fulfilled().get_logs(from_block=0, argument_filters={"requestId": request_id})


def start_prover(url: str, account: int, *args) -> subprocess.Popen:
    """`ape run prover` as an operator starts it, against the anvil at `url`; output captured as text."""
    command = [BIN / "ape", "run", "prover", "--network", NETWORK, "--account", f"TEST::{account}", *args]
    return subprocess.Popen(
        command, cwd=ROOT, env=env(url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )

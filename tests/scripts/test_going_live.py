"""Going live: deploy and the prover refuse development-SRS verifiers off a local dev chain (before sending
anything), `--allow-dev-srs` proceeds loudly, the manifest records SRS kind, vendor and batch verifiers, and a
dead node is one line. (The listing check: tests/zkaigc/test_listing.py.)

"Non-local" is made real: an anvil bound to all interfaces, reached through this machine's own non-loopback
address, is a node on "another host" as far as any client can tell.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from zkaigc.localchain import Anvil, ape_env, free_port
from zkaigc.soundness import is_local_dev_node

ROOT = Path(__file__).resolve().parents[2]
APE = Path(sys.executable).parent / "ape"


def outbound_ip() -> str | None:
    """This machine's non-loopback address (a UDP socket's source address; nothing is sent), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
        except OSError:
            return None
        ip = s.getsockname()[0]
    return None if ip.startswith("127.") else ip


def ape_run(*args: str, timeout: float = 400) -> subprocess.CompletedProcess:
    return subprocess.run(
        [APE, "run", *args],
        cwd=ROOT,
        env=ape_env("http://127.0.0.1:1"),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def last_line(run: subprocess.CompletedProcess) -> str:
    return (run.stdout + run.stderr).strip().splitlines()[-1]


@pytest.fixture(scope="module")
def remote_anvil():
    """An anvil with a block time, on all interfaces: (the anvil, the URL of it as a non-local node)."""
    ip = outbound_ip()
    if ip is None:
        pytest.skip("no non-loopback address on this machine to reach a node as non-local")
    with Anvil("--host", "0.0.0.0", "--block-time", "1") as anvil:
        yield anvil, f"http://{ip}:{anvil.port}"


def test_is_local_dev_node_is_true_only_if_the_node_is_a_dev_client_on_loopback():
    assert is_local_dev_node("http://127.0.0.1:8545", "anvil/v1.7.1")
    assert is_local_dev_node("http://localhost:8545", "HardhatNetwork/2.22.0")
    assert is_local_dev_node("http://[::1]:8545", "anvil/v1.7.1")
    assert not is_local_dev_node("http://10.1.2.3:8545", "anvil/v1.7.1")
    assert not is_local_dev_node("https://rpc.example.org", "anvil/v1.7.1")
    assert not is_local_dev_node("http://127.0.0.1:8545", "Geth/v1.14.0")
    assert not is_local_dev_node(None, "anvil/v1.7.1")


def test_deploy_refuses_before_sending_anything_if_dev_srs_models_go_to_a_non_local_chain(remote_anvil, tmp_path):
    anvil, url = remote_anvil
    manifest = tmp_path / "manifest.json"
    head = anvil.w3.eth.block_number
    run = ape_run(
        "deploy", "--network", url, "--account", "TEST::0", "--models", "micro", "--yes", "--manifest", str(manifest)
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    line = last_line(run)
    assert line.startswith("Error: refusing to deploy development-SRS verifiers of micro on ")
    assert "--allow-dev-srs" in line and "--srs-file" in line and "--redeploy" in line
    assert anvil.w3.eth.get_transaction_count(anvil.accounts[0]) == 0  # nothing was sent
    assert all(not anvil.w3.eth.get_block(n).transactions for n in range(head + 1))
    assert not manifest.exists()


@pytest.fixture(scope="module")
def allowed_deployment(remote_anvil, tmp_path_factory):
    """micro deployed to the "non-local" anvil with --allow-dev-srs: (run, manifest path)."""
    _, url = remote_anvil
    manifest = tmp_path_factory.mktemp("allowed") / "manifest.json"
    run = ape_run(
        "deploy", "--network", url, "--account", "TEST::0", "--models", "micro", "--yes", "--allow-dev-srs",
        "--manifest", str(manifest),
    )  # fmt: skip
    return run, manifest


@pytest.mark.slow  # deploys micro with `ape run deploy` on a block-time chain first
def test_deploy_proceeds_and_says_so_if_allow_dev_srs_is_given_on_a_non_local_chain(remote_anvil, allowed_deployment):
    anvil, _ = remote_anvil
    run, manifest = allowed_deployment
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "WARNING: --allow-dev-srs: deploy DEVELOPMENT-SRS verifiers of micro" in run.stdout
    entry = json.loads(manifest.read_text())["models"]["micro"]
    assert entry["srs_kind"] == "dev"
    assert entry["vendor"] == anvil.accounts[0]
    assert set(entry["batch_verifiers"]) == {"4"}
    assert set(entry["srs"]) == {"1", "4"}
    assert anvil.w3.eth.get_code(entry["batch_verifiers"]["4"])


@pytest.mark.slow  # deploys micro with `ape run deploy` on a block-time chain first
def test_prover_refuses_to_serve_dev_srs_collections_if_the_chain_is_not_local(remote_anvil, allowed_deployment):
    _, url = remote_anvil
    _, manifest = allowed_deployment
    run = ape_run("prover", "--network", url, "--account", "TEST::0", "--manifest", str(manifest), "--once")
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert last_line(run).startswith("Error: refusing to serve development-SRS verifiers of micro on ")
    assert not manifest.with_name(f"{manifest.stem}.prover-{'0xf39fd6e5'}.json").exists()


@pytest.mark.slow  # deploys micro with `ape run deploy` on a block-time chain first
def test_prover_serves_and_says_so_if_allow_dev_srs_is_given_on_a_non_local_chain(remote_anvil, allowed_deployment):
    _, url = remote_anvil
    _, manifest = allowed_deployment
    run = ape_run(
        "prover", "--network", url, "--account", "TEST::0", "--manifest", str(manifest), "--once", "--allow-dev-srs"
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "WARNING: --allow-dev-srs: serve DEVELOPMENT-SRS verifiers of micro" in run.stdout
    assert "serving micro" in run.stdout


def test_deploy_fails_with_one_line_if_the_node_is_not_running(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    run = ape_run("deploy", "--network", dead, "--account", "TEST::0", "--models", "micro", "--yes", timeout=120)
    assert run.returncode == 1
    out = run.stdout + run.stderr
    assert "Traceback" not in out
    assert [line for line in out.splitlines() if line.startswith("Error:")] == [last_line(run)]
    assert last_line(run).startswith(f"Error: cannot reach the node of {dead}")


@pytest.mark.slow  # deploys micro with `ape run deploy` on a block-time chain first
def test_request_refuses_to_pay_for_a_dev_srs_model_if_the_chain_is_not_local(remote_anvil, allowed_deployment):
    anvil, url = remote_anvil
    _, manifest = allowed_deployment
    user = anvil.accounts[2]
    nonce = anvil.w3.eth.get_transaction_count(user)
    run = ape_run("request", "--network", url, "--account", "TEST::2", "--manifest", str(manifest), "--model", "micro")
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert last_line(run).startswith("Error: refusing to pay for development-SRS verifiers of micro on ")
    assert anvil.w3.eth.get_transaction_count(user) == nonce  # no commit, no payment


def test_bot_fails_with_one_line_if_the_node_is_not_running():
    dead = f"http://127.0.0.1:{free_port()}"
    run = subprocess.run(
        [APE.parent / "silverback", "run", "zkaigc.bot:bot", "--network", dead, "--account", "TEST::0"],
        cwd=ROOT,
        env=ape_env(dead),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    out = (run.stdout + run.stderr).strip()
    assert "Traceback" not in out
    assert out.splitlines()[-1].startswith("zkaigc bot: cannot reach the node")

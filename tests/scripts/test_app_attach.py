"""`ape run app --rpc URL` (`make app RPC=…`) against an anvil with a block time, as the README's devnet runs: the
deployment waits for its receipts, and `--host 0.0.0.0` serves the pages without the node's signer."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from support.devnet import BIN, ROOT, env, stop
from zkaigc.localchain import Anvil, free_port


def start_app(url: str, manifest: Path, port: int, *extra: str) -> subprocess.Popen:
    command = [BIN / "ape", "run", "app", "--rpc", url, "--models", "micro", "--port", str(port), "--no-prover"]
    command += ["--manifest", str(manifest), *extra]
    return subprocess.Popen(
        command, cwd=ROOT, env=env(url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def wait_serving(app: subprocess.Popen, port: int, timeout: float = 400) -> list[str]:
    """The app's output lines until it says it serves and answers; fails with them if it exits first."""
    lines, end = [], time.time() + timeout
    while time.time() < end:
        line = app.stdout.readline()
        if not line and app.poll() is not None:
            break
        lines.append(line)
        if line.startswith("zkaigc app: http://"):
            while time.time() < end and app.poll() is None:  # uvicorn binds just after the line
                try:
                    get(f"http://127.0.0.1:{port}/api/health")
                    return lines
                except OSError:
                    time.sleep(0.5)
    stop(app)
    raise AssertionError("".join(lines)[-3000:])


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as reply:
        return json.loads(reply.read())


def rpc(url: str, method: str, params: list) -> int:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.mark.slow
def test_app_deploys_and_serves_if_rpc_is_an_anvil_with_a_block_time(tmp_path):
    with Anvil("--block-time", "1") as anvil:
        manifest = tmp_path / "manifest.json"
        port = free_port()
        app = start_app(anvil.url, manifest, port)
        try:
            lines = wait_serving(app, port)
            config = get(f"http://127.0.0.1:{port}/api/config")
            assert "micro" in config["models"] and config["dev"] and config["accounts"]
            assert anvil.w3.eth.get_code(config["models"]["micro"]["collection"])
            assert rpc(f"http://127.0.0.1:{port}/rpc", "evm_mine", []) == 200  # loopback + dev chain: dev methods
        finally:
            stop(app)
        assert not any("Traceback" in line or "ChainError" in line for line in lines)

        # The same chain served to the network: the pages get no unlocked accounts, /rpc no dev signer.
        port = free_port()
        public = start_app(anvil.url, manifest, port, "--host", "0.0.0.0")
        try:
            wait_serving(public, port)
            config = get(f"http://127.0.0.1:{port}/api/config")
            assert not config["dev"] and config["accounts"] == []
            nonce = anvil.w3.eth.get_transaction_count(anvil.accounts[0])
            send = [{"from": anvil.accounts[0], "to": anvil.accounts[9], "value": hex(10**18)}]
            assert rpc(f"http://127.0.0.1:{port}/rpc", "eth_sendTransaction", send) == 403
            assert rpc(f"http://127.0.0.1:{port}/rpc", "evm_increaseTime", [3600]) == 403
            assert anvil.w3.eth.get_transaction_count(anvil.accounts[0]) == nonce
        finally:
            stop(public)


@pytest.mark.slow
def test_app_on_all_interfaces_starts_an_anvil_that_mines_on_its_own_and_exposes_no_dev_signer(tmp_path):
    port = free_port()
    command = [BIN / "ape", "run", "app", "--models", "micro", "--port", str(port), "--no-prover", "--host", "0.0.0.0"]
    app = subprocess.Popen(
        command + ["--manifest", str(tmp_path / "manifest.json")],
        cwd=ROOT,
        env=env("http://127.0.0.1:1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = wait_serving(app, port)
        config = get(f"http://127.0.0.1:{port}/api/config")
        assert not config["dev"] and config["accounts"] == [] and "micro" in config["models"]
        assert any("a block every 1 s" in line for line in lines)
        head = get_block_number(port)
        time.sleep(3)
        assert get_block_number(port) > head  # the pages' clock moves without evm_mine
        assert rpc(f"http://127.0.0.1:{port}/rpc", "evm_mine", []) == 403
    finally:
        stop(app)


def get_block_number(port: int) -> int:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/rpc", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        return int(json.loads(reply.read())["result"], 16)

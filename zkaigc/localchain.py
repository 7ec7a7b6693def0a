"""A throwaway local anvil chain on a free loopback port, driven through web3.

One launcher for the tests' untraced chain and the benchmarks. ape-foundry's own anvil runs with
`--steps-tracing`, which records every EVM step: a big verifier then takes seconds to mine or exhausts memory.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from web3 import Web3

from proofs.files import REPO_ROOT

from .errors import LocalChainError


def anvil_binary() -> str:
    """The anvil on PATH, else the project's npm one (node_modules/.bin/anvil)."""
    found = shutil.which("anvil") or str(REPO_ROOT / "node_modules" / ".bin" / "anvil")
    if not shutil.which(found):
        raise LocalChainError("anvil not found: run `make setup` (it comes from npm @foundry-rs/anvil)")
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Anvil:
    """An anvil process and a web3 connection to it; a context manager, or `start()`/`close()`."""

    def __init__(self, *args: str, timeout: float = 600):
        self.args, self.timeout = args, timeout
        self.process: subprocess.Popen | None = None

    def start(self) -> Anvil:
        """Start anvil and wait until it answers; `self.w3` and `self.accounts` are ready afterwards."""
        self.port = free_port()
        self.process = subprocess.Popen(
            [anvil_binary(), "--port", str(self.port), "--silent", *self.args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.w3 = Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": self.timeout}))
        for _ in range(200):
            try:
                if self.w3.is_connected():
                    break
            except Exception:  # noqa: BLE001 - not listening yet
                pass
            time.sleep(0.05)
        else:
            self.close()
            raise LocalChainError(f"anvil did not start on port {self.port}")
        self.accounts = self.w3.eth.accounts  # anvil's unlocked development accounts
        return self

    def close(self) -> None:
        """Stop anvil."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def __enter__(self) -> Anvil:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


def ape_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of an `ape`/`silverback` subprocess whose `ethereum:local:node` is the node at `url`."""
    values = dict(
        os.environ,
        APE_NODE_ETHEREUM=json.dumps({"local": {"uri": url}}),
        PYTHONPATH=str(REPO_ROOT),
        PYTHONUNBUFFERED="1",
        PATH=f"{Path(sys.executable).parent}:{REPO_ROOT / 'node_modules' / '.bin'}:{os.environ['PATH']}",
    )
    values.update(extra)
    return values

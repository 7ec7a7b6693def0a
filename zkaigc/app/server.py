"""`make app` (`ape run app`): one command from nothing to a working dApp on a local chain.

1. **Chain**: start a throwaway, untraced anvil (`zkaigc.localchain.Anvil`), or attach to the node at `--rpc`;
   Ape connects to it through ape-foundry, which reuses a running node instead of launching its own.
2. **Deploy** what the network's manifest lacks (`zkaigc.deploy.Deployer` is idempotent: a complete manifest for
   this chain deploys nothing). Test account 0 is the vendor, test account 1 the prover.
3. **Prove**: the prover runs in-process, `ProverService.poll` every `interval` seconds on a background thread
   (the default embedded mode; a separate bot can serve the same marketplace instead, `--no-prover`).
4. **Serve** the API and the pages with uvicorn, and print the URL.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from proofs.pipeline import committed_models

from ..deploy import Deployer
from ..errors import ZkaigcError
from ..localchain import Anvil
from ..manifest import Manifest, network_manifest_path
from ..prover import ProverService, ProverState, RequestInfo, served_models, state_path
from .api import create_app
from .assets import vendor_ethers
from .chainview import ChainView, contract_docs
from .preview import PreviewService
from .ratelimit import RateLimiter


class TrackedProver(ProverService):
    """The prover service, remembering what it is doing with each request (the mint page shows "proving")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity: dict[int, str] = {}

    def handle(self, event):
        request = event if isinstance(event, RequestInfo) else RequestInfo.of(event)
        request_id = request.request_id
        self.activity[request_id] = "proving"
        outcome = super().handle(request)
        self.activity[request_id] = str(outcome.status)
        return outcome


class ProverLoop(threading.Thread):
    """Calls `service.poll()` every `interval` seconds until stopped; an error is logged, never fatal."""

    def __init__(self, service: ProverService, interval: float, log: Callable[[str], None]):
        super().__init__(name="prover", daemon=True)
        self.service, self.interval, self.log = service, interval, log
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.service.poll()
            except Exception as err:  # noqa: BLE001 - a node hiccup must not end the embedded prover
                self.log(f"prover: poll failed ({type(err).__name__}: {err}); retrying")
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=30)


@dataclass
class Deployment:
    """The app's view of a deployment, and the embedded prover serving it (None with `--no-prover`)."""

    view: ChainView
    prover: ProverLoop | None
    served: list[str]


def deploy_and_serve(
    project,
    chain,
    accounts,
    models: list[str],
    manifest_path: Path | None = None,
    prover: bool = True,
    interval: float = 1.0,
    log: Callable[[str], None] = print,
) -> Deployment:
    """Deploy `models` (skipping what the manifest and chain already have) and start the embedded prover."""
    vendor, prover_account = accounts.test_accounts[0], accounts.test_accounts[1]
    network = chain.provider.network
    path = manifest_path or network_manifest_path(network)
    deployer = Deployer(
        project, chain, vendor, log=lambda m: log(f"deploy: {m}"), manifest_path=path, prover=prover_account.address
    )
    deployed = deployer.all(models)
    market = deployed["marketplace"]
    manifest = Manifest.load(path)
    unlocked = [str(a) for a in chain.provider.web3.eth.accounts] if network.is_dev else []
    view = ChainView(
        market,
        manifest,
        chain.chain_id,
        network.is_dev,
        unlocked,
        {vendor.address: "vendor", prover_account.address: "prover"},
    )
    loop = None
    if prover:
        served = served_models(manifest, models)
        start = chain.blocks.head.number + 1
        state = ProverState.load(
            state_path(manifest, prover_account.address), start, genesis=chain.blocks[0].hash.hex()
        )
        service = TrackedProver(market, served, prover_account, state, log=lambda m: log(f"prover: {m}"))
        loop = ProverLoop(service, interval, log)
        loop.start()
    return Deployment(view, loop, models)


@contextmanager
def connected(rpc: str | None, log: Callable[[str], None] = print) -> Iterator[str]:
    """Ape connected to a node: a fresh anvil (closed on exit), or the one at `rpc`. Yields its URL."""
    from ape import networks

    anvil = None
    if rpc is None:
        anvil = Anvil().start()
        rpc = anvil.url
        log(f"chain: started anvil at {rpc} (chain id {anvil.w3.eth.chain_id})")
    else:
        log(f"chain: attaching to {rpc}")
    try:
        with networks.ethereum.local.use_provider("foundry", provider_settings={"host": rpc}, disconnect_after=True):
            yield rpc
    finally:
        if anvil is not None:
            anvil.close()


def run(
    rpc: str | None = None,
    models: list[str] | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    prover: bool = True,
    interval: float = 1.0,
    manifest_path: Path | None = None,
    rate: float = 4.0,
    burst: int = 30,
    log: Callable[[str], None] = print,
) -> None:
    """Start or attach to a chain, deploy if needed, run the prover, serve the app until interrupted."""
    import uvicorn
    from ape import accounts, chain, project

    vendor_ethers()
    names = models or committed_models()
    unknown = sorted(set(names) - set(committed_models()))
    if unknown:
        raise ZkaigcError(f"no committed artifacts for {', '.join(unknown)}; known: {', '.join(committed_models())}")
    preview = PreviewService(names)
    preview.warm()
    with connected(rpc, log) as node:
        deployment = deploy_and_serve(project, chain, accounts, names, manifest_path, prover, interval, log)
        app = create_app(
            preview,
            deployment.view,
            contract_docs(project),
            RateLimiter(rate=rate, burst=burst),
            rpc_url=node,
            prover_activity=deployment.prover.service.activity if deployment.prover else None,
        )
        log(f"zkaigc app: http://{host}:{port}/  (models {', '.join(names)}; Ctrl-C stops it)")
        # uvicorn re-raises the signal that stopped it; SIGTERM must unwind (closing anvil), not kill outright.
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            uvicorn.run(app, host=host, port=port, log_level="warning")
        finally:
            if deployment.prover:
                deployment.prover.stop()
            preview.close()


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt

"""`make app` (`ape run app`): one command from nothing to a working dApp on a local chain.

1. **Chain**: start a throwaway, untraced anvil (`zkaigc.localchain.Anvil`), or attach to the node at `--rpc`;
   Ape connects to it through ape-foundry, which reuses a running node instead of launching its own.
2. **Deploy** what the network's manifest lacks (`zkaigc.deploy.Deployer` is idempotent: a complete manifest for
   this chain deploys nothing). Test account 0 is the vendor, test account 1 the prover.
3. **Prove**: the prover service, started by `zkaigc.prover.boot` as `ape run prover` starts it, runs in-process
   (`ProverService.start`): its `run` loop on a background thread,
   polling every `interval` seconds (the default embedded mode; a separate prover or bot can serve the same
   marketplace instead, `--no-prover`).
4. **Serve** the API and the pages with uvicorn, and print the URL. `/rpc` forwards the dev methods (the node's
   unlocked accounts, time travel) only if the chain is a local dev chain AND the app listens on loopback
   (`rpc_gate`): `--host 0.0.0.0` serves the pages to others without handing them the node's signer.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from models.registry import preferred
from proofs.model_artifacts import committed_models

from ..deploy import Deployer
from ..errors import ZkaigcError
from ..localchain import Anvil
from ..manifest import Manifest, network_manifest_path
from ..prover import ProverService, boot
from ..settings import get_settings
from ..soundness import is_local_chain, is_loopback_host
from .api import create_app
from .assets import vendor_ethers
from .chainview import ChainView, contract_docs
from .preview import PreviewService
from .ratelimit import RateLimiter
from .rpcgate import RpcGate


@dataclass
class Deployment:
    """The app's view of a deployment, and the embedded prover serving it (None with `--no-prover`)."""

    view: ChainView
    prover: ProverService | None
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
    expose_dev: bool = True,
) -> Deployment:
    """Deploy `models` (skipping what the manifest and chain already have) and start the embedded prover.
    `expose_dev`: the pages may sign with the node's unlocked accounts and move a dev chain's clock."""
    vendor, prover_account = accounts.test_accounts[0], accounts.test_accounts[1]
    network = chain.provider.network
    path = manifest_path or network_manifest_path(network)
    deployer = Deployer(
        project, chain, vendor, log=lambda m: log(f"deploy: {m}"), manifest_path=path, prover=prover_account.address
    )
    deployed = deployer.all(models)
    market = deployed["marketplace"]
    manifest = Manifest.load(path)
    dev = expose_dev and is_local_chain(chain.provider)
    unlocked = [str(a) for a in chain.provider.web3.eth.accounts] if dev else []
    view = ChainView(
        market,
        manifest,
        chain.chain_id,
        dev,
        unlocked,
        {vendor.address: "vendor", prover_account.address: "prover"},
    )
    service = None
    if prover:  # requests from now on: the app's own prover does not take over an earlier run's backlog
        start = chain.blocks.head.number + 1
        service = boot(
            prover_account, manifest=path, models=models, start_block=start, log=lambda m: log(f"prover: {m}")
        )
        service.start(interval)
    return Deployment(view, service, models)


@contextmanager
def connected(rpc: str | None, log: Callable[[str], None] = print, block_time: int | None = None) -> Iterator[str]:
    """Ape connected to a node: a fresh anvil (closed on exit; mining every `block_time` seconds if given), or the
    one at `rpc`. Yields its URL."""
    from ape import networks

    anvil = None
    if rpc is None:
        anvil = Anvil(*(("--block-time", str(block_time)) if block_time else ())).start()
        rpc = anvil.url
        mining = f"a block every {block_time} s" if block_time else "a block per transaction"
        log(f"chain: started anvil at {rpc} (chain id {anvil.w3.eth.chain_id}, {mining})")
    else:
        log(f"chain: attaching to {rpc}")
    try:
        if anvil is not None and not block_time:  # our own auto-mining anvil: ape-foundry reuses it
            context = networks.ethereum.local.use_provider(
                "foundry", provider_settings={"host": rpc}, disconnect_after=True
            )
        else:
            # Any node by URL (Ape's ad-hoc network, the `node` provider). Not ape-foundry: on an anvil with a block
            # time it reads `anvil_getAutomine` (false), so Ape stops waiting for receipts and a deployment dies
            # with "did not create a contract" before its block is mined.
            context = networks.parse_network_choice(rpc, disconnect_after=True)
        with context:
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
    rpc = rpc or get_settings().rpc
    names = models or committed_models()
    first = preferred(names)
    names = sorted(names, key=lambda name: name != first)  # the showcase first, then registry order
    unknown = sorted(set(names) - set(committed_models()))
    if unknown:
        raise ZkaigcError(f"no committed artifacts for {', '.join(unknown)}; known: {', '.join(committed_models())}")
    preview = PreviewService(names)
    preview.warm()
    loopback = is_loopback_host(host)
    # Off loopback the pages cannot move the dev chain's clock (no dev methods), so our own anvil mines on its own:
    # a commitment ages, and a deadline passes, in real time.
    with connected(rpc, log, block_time=None if loopback else 1) as node:
        deployment = deploy_and_serve(
            project, chain, accounts, names, manifest_path, prover, interval, log, expose_dev=loopback
        )
        gate = rpc_gate(host, port, deployment.view.dev)
        if not loopback:
            log(f"app: listening on {host}: /rpc forwards reads and signed transactions only (no dev signer)")
        app = create_app(
            preview,
            deployment.view,
            contract_docs(project),
            RateLimiter(rate=rate, burst=burst),
            rpc_url=node,
            prover_activity=deployment.prover.activity if deployment.prover else None,
            rpc_gate=gate,
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


def rpc_gate(host: str, port: int, dev_chain: bool, origin: str | None = None) -> RpcGate:
    """The `/rpc` policy of an app listening on `host:port`: the dev methods only for a local dev chain served on
    loopback; browsers' requests only from the app's own origins (loopback names, or `origin` — the public URL
    the app is served at, ZKAIGC_APP_ORIGIN — else the origin each request's Host header names)."""
    loopback = is_loopback_host(host)
    if loopback:
        origins = frozenset(f"http://{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]", host))
    else:
        origin = origin or get_settings().app_origin
        origins = frozenset({origin.rstrip("/")}) if origin else None
    return RpcGate(dev_methods=dev_chain and loopback, origins=origins)


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt

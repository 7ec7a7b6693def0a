"""The prover as a Silverback bot: reacts to the marketplace's `Requested` events, proves and fulfils.

    silverback run zkaigc.bot:bot --network ethereum:devnet:node --account prover

The engine is `ProverService` (zkaigc/prover.py), the same one `ape run prover` polls with; this module only
wires it to Silverback's triggers:

- startup: the one-line checks (manifest for this chain, model hashes, prover allowance), then a catch-up
  pass over every request since the last scanned block (Silverback's runner starts at the head);
- each `Requested` event: the request is handled (`ProverService.process` is idempotent and thread-safe);
- each new block: due retries and anything a dropped subscription missed (`ProverService.poll`);
- shutdown: the metrics line.

Configuration by environment: ZKAIGC_MANIFEST (default: the network's manifest), ZKAIGC_MODELS (comma-separated,
default all), ZKAIGC_STATE (default: next to the manifest). Handlers never raise: a failure is logged and
counted, so Silverback's runner never halts on a bad request. A misconfiguration exits with one line.
"""

from __future__ import annotations

import os
from pathlib import Path

from ape import chain, project
from ape.logging import logger
from silverback import SilverbackBot

from .errors import ZkaigcError
from .manifest import Manifest, network_manifest_path
from .prover import ProverService, ProverState, check_manifest_chain, check_served, served_models, state_path
from .reverts import RevertDecoder
from .signing import enable_autosign


def _service(provider, signer) -> ProverService:
    manifest = Manifest.load(Path(os.environ.get("ZKAIGC_MANIFEST") or network_manifest_path(provider.network)))
    manifest.validated()
    check_manifest_chain(manifest, chain)
    wanted = os.environ.get("ZKAIGC_MODELS")
    served = served_models(manifest, wanted.split(",") if wanted else None)
    market = project.ModelMarketplace.at(manifest.contract("marketplace")["address"])
    if signer is None:
        raise ZkaigcError("no signer: run the bot with --account <prover alias>")
    check_served(market, served, signer)
    enable_autosign(signer)
    path = Path(os.environ.get("ZKAIGC_STATE") or state_path(manifest, signer.address))
    state = ProverState.load(path, manifest.contract("marketplace")["block"], genesis=chain.blocks[0].hash.hex())
    return ProverService(market, served, signer, state, log=logger.info, decoder=RevertDecoder.from_project(project))


bot = SilverbackBot()
try:
    service = _service(bot.provider, bot.signer)
except ZkaigcError as err:
    raise SystemExit(f"zkaigc bot: {err}") from None


def _metrics() -> dict[str, float]:
    m = service.metrics
    return {
        "requests_seen": m.requests_seen,
        "proofs": m.proofs,
        "prove_seconds": round(m.prove_seconds, 3),
        "fulfilled": m.fulfilled,
        "failures": m.failures,
    }


@bot.on_startup()
def catch_up(startup_state):
    """Serve every request since the last scanned block before following new ones."""
    logger.info(f"zkaigc bot: prover {service.account.address}, {len(service.models)} collections; catching up")
    _safely(service.poll)
    return _metrics()


@bot.on_(service.market.Requested)
def on_requested(log):
    """A new request: handle it now (unless a poll already did)."""
    _safely(lambda: service.process(log))
    return _metrics()


@bot.on_(chain.blocks)
def on_block(block):
    """Retries that are due, and any request a dropped subscription missed."""
    _safely(service.poll)
    return _metrics()


@bot.on_shutdown()
def report():
    logger.info(service.metrics.summary())


def _safely(step) -> None:
    try:
        step()
    except Exception as err:  # noqa: BLE001 - never halt the runner; the next block retries
        service.metrics.failures += 1
        logger.warning(f"zkaigc bot: {type(err).__name__}: {' '.join(str(err).split())[:200]}")

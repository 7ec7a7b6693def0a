"""The prover as a Silverback bot: reacts to the marketplace's `Requested` events, proves and fulfils.

    silverback run zkaigc.bot:bot --network ethereum:devnet:node --account prover

A fleet (zkaigc/fleet.py): the same bot on a Redis broker, with worker processes on any machine:

    export ZKAIGC_BROKER=redis://broker-host:6379/0
    silverback run zkaigc.bot:bot --network ... --account prover          # once: follows the chain, kicks tasks
    silverback worker -w 1 zkaigc.bot:bot --network ... --account prover2 # per machine (or core): proves

The engine is `ProverService`, started by `zkaigc.prover.boot` exactly as `ape run prover` starts it; this module
only wires it to Silverback's triggers:

- startup: `boot`'s one-line checks (manifest for this chain, model hashes, prover allowance), then a catch-up
  pass over every request since the last scanned block (Silverback's runner starts at the head);
- each `Requested` event: the request is handled (`ProverService.process` is idempotent and thread-safe);
- each new block: due retries and anything a dropped subscription missed (`ProverService.poll`);
- shutdown: the metrics line.

Configuration by environment (`zkaigc.settings.ProverSettings`): ZKAIGC_MANIFEST (default: the network's manifest),
ZKAIGC_MODELS (comma-separated, default all), ZKAIGC_STATE (default: next to the manifest; in a fleet, one file per
worker process), ZKAIGC_BROKER (a Redis URL: the fleet; unset: one process, in-memory), ZKAIGC_QUEUE (the stream's
name, default `zkaigc`), ZKAIGC_LEASE_S and ZKAIGC_REDELIVER_S (see zkaigc/fleet.py). Handlers never raise: a
failure is logged and counted, so Silverback's runner never halts on a bad request. A misconfiguration exits with one
line.
"""

from __future__ import annotations

from ape import chain
from ape.logging import logger
from silverback import SilverbackBot
from silverback.main import SharedState

from .connect import NODE_DOWN, node_down_line
from .errors import ZkaigcError
from .fleet import broker_settings
from .prover import boot
from .settings import ProverSettings, get_settings


def _bot() -> SilverbackBot:
    """Silverback's default (one process, in-memory broker), or a Redis-stream fleet when ZKAIGC_BROKER is set."""
    config = get_settings(ProverSettings)
    if not config.broker:
        return SilverbackBot()
    from silverback.settings import Settings

    return SilverbackBot(Settings(**broker_settings(config.broker, config.queue, config.redeliver_s)))


try:
    bot = _bot()  # Silverback connects to the node here
    service = boot(bot.signer, fleet=True, log=logger.info, warn=logger.warning)
except ZkaigcError as err:
    raise SystemExit(f"zkaigc bot: {err}") from None
except NODE_DOWN as err:  # a dead node: one line, not Silverback's import traceback
    raise SystemExit(f"zkaigc bot: {node_down_line(err, None)}") from None


def _metrics() -> dict[str, float]:
    return service.metrics.as_dict()


@bot.on_worker_startup()
def worker_state(state):
    """Give this worker a `bot.state` if it has none.

    Silverback 0.7.38 sets `bot.state` only on the worker that runs the startup snapshot task, yet its signer
    wrapper writes the nonce there on every transaction: without this, the other workers of a fleet fail every
    fulfil (and every handler) with "'SilverbackBot' object has no attribute 'state'".
    """
    if not hasattr(bot, "state"):
        bot.state = SharedState()


@bot.on_startup()
def catch_up(startup_state):
    """Serve every request since the last scanned block before following new ones.

    In a fleet the block polls catch up instead, on every worker under the leases: the runner waits for this
    task before it follows the chain, and a worker killed in a long catch-up would hold the whole fleet back.
    """
    logger.info(f"zkaigc bot: prover {service.account.address}, {len(service.models)} collections; catching up")
    if service.claims is None:
        _safely(service.poll)
    return _metrics()


@bot.on_(service.market.Requested)
def on_requested(log):
    """A new request: handle it now (unless a poll already did). On a collection that takes batch proofs, poll
    instead: a deep queue (requests that piled up while this worker was proving) then goes into one batch proof."""
    if service.batches.get(str(log.collection)):
        _safely(service.poll)
    else:
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

"""`boot`: the prover's one start-up, shared by `ape run prover`, the Silverback bot and the web app.

The steps, each failing in one line (a `ZkaigcError`) before anything is served:

1. the manifest (the given one, else `ZKAIGC_MANIFEST`, else the network's) is valid and describes the connected
   chain (genesis, marketplace code);
2. the served models (the given ones, else `ZKAIGC_MODELS`, else all the manifest's) are deployed there;
3. no development-SRS model off a local dev chain (unless allowed: `--allow-dev-srs`, `ZKAIGC_ALLOW_DEV_SRS`);
4. each served collection is live, commits to the local artifacts' model hash, matches its listing, and lets the
   account fulfil (`check_served`);
5. a keyfile account is unlocked for unattended signing (`APE_ACCOUNTS_<alias>_PASSPHRASE`);
6. in a fleet (`fleet=True` and `ZKAIGC_BROKER` set), the Redis leases are reachable;
7. the state (the given file, else `ZKAIGC_STATE`, else next to the manifest; one per worker process in a fleet) is
   loaded, bound to the chain's genesis;
8. the `ProverService`, with the contracts' errors decoded from the project's build.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import ZkaigcError
from ..manifest import Manifest, network_manifest_path
from ..reverts import RevertDecoder
from ..settings import ProverSettings, get_settings
from ..signing import enable_autosign
from ..soundness import check_dev_srs
from .checks import check_manifest_chain, check_served, served_models, state_path
from .service import ProverService
from .state import ProverState


def boot(
    account,
    *,
    manifest: Path | None = None,
    models: list[str] | None = None,
    state: Path | None = None,
    allow_dev_srs: bool = False,
    start_block: int | None = None,
    fleet: bool = False,
    log: Callable[[str], None] = print,
    warn: Callable[[str], None] | None = None,
    settings: ProverSettings | None = None,
    **service_args,
) -> ProverService:
    """A checked, ready `ProverService` for `account` on the connected chain (the steps: the module's docstring).

    `start_block`: where a fresh state starts scanning (default: the marketplace's deployment block);
    `service_args`: `ProverService`'s own (`retry_base`, `retry_cap`, `margin`, ...; the retry delays default to
    the settings'). `log` gets progress lines, `warn` the development-SRS warning (default: `log`)."""
    from ape import chain, project

    config = settings or get_settings(ProverSettings)
    if account is None:
        raise ZkaigcError("no signer: run with --account <prover alias>")
    found = Manifest.load(manifest or config.manifest or network_manifest_path(chain.provider.network))
    found.validated()
    check_manifest_chain(found, chain)
    served = served_models(found, models or config.model_list)
    allowed = allow_dev_srs or config.allow_dev_srs
    check_dev_srs(chain.provider, [a.name for a in served.values()], allowed, "serve", log=warn or log)
    market = project.ModelMarketplace.at(found.marketplace.address)
    check_served(market, served, account, found)
    enable_autosign(account)
    claims, path = None, Path(state or config.state or state_path(found, account.address))
    if fleet and config.broker:
        from ..fleet import RedisClaims, worker_name

        claims = RedisClaims(config.broker, f"zkaigc:{chain.chain_id}:{market.address}", ttl=config.lease_s)
        claims.check()
        if not (state or config.state):  # workers on one machine must not share a state file
            path = path.with_suffix(f".{worker_name().replace(':', '-')}.json")
    start = found.marketplace.block if start_block is None else start_block
    prover_state = ProverState.load(path, start, genesis=chain.blocks[0].hash.hex())
    if prover_state.moved_aside:
        log(f"state was for another chain: moved aside to {prover_state.moved_aside}")
    service_args.setdefault("retry_base", config.retry_base)
    service_args.setdefault("retry_cap", config.retry_cap)
    service = ProverService(
        market,
        served,
        account,
        prover_state,
        log=log,
        decoder=RevertDecoder.from_project(project),
        claims=claims,
        **service_args,
    )
    names = ", ".join(art.name for art in served.values())
    log(
        f"prover {account.address} serving {names} on {found.network}; state {path}; "
        f"resuming after block {prover_state.last_block}, {len(prover_state.retry)} to retry"
    )
    return service

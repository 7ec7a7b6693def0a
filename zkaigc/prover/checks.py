"""The prover's startup checks, one line each, before serving anything; and what a manifest says it serves."""

from __future__ import annotations

from pathlib import Path

from proofs.model_artifacts import ModelArtifacts, artifacts_of

from ..errors import ManifestError, PreflightError
from ..listing import listing_problems
from ..manifest import Manifest
from ..marketplace import Marketplace, model_hash


def check_manifest_chain(manifest: Manifest, chain) -> None:
    """The manifest describes the connected chain: same genesis, and code at the marketplace address."""
    genesis = chain.blocks[0].hash.hex()
    if manifest.genesis != genesis:
        raise ManifestError(
            f"{manifest.path} is for another chain (genesis {str(manifest.genesis)[:12]}…, "
            f"connected chain {genesis[:12]}…): deploy to this chain or pick its manifest with --manifest"
        )
    market = manifest.marketplace
    if market is None or not chain.provider.get_code(market.address):
        where = market.address if market else "(none recorded)"
        raise ManifestError(f"no marketplace code at {where} on the connected chain: {manifest.path} is stale")


def check_served(market, models: dict[str, ModelArtifacts], account, manifest: Manifest | None = None) -> None:
    """Every served collection is live, commits to the artifacts' model hash, and lets `account` fulfil; with
    the `manifest`, its listing also matches it: vendor, `verifier()`, `modelHash()` and every `batchVerifier(n)`
    (`zkaigc.listing`)."""
    problems = []
    recorded = manifest.models if manifest is not None else {}
    marketplace = Marketplace(market)
    for address, art in models.items():
        if not market.provider.get_code(address):
            problems.append(f"{art.name}: no collection code at {address}")
            continue
        if art.name in recorded:
            problems += listing_problems(market, art.name, recorded[art.name])
        onchain = model_hash(address)
        if onchain is not None and onchain != art.model_hash().lower():
            problems.append(f"{art.name}: artifacts' model hash {art.model_hash()[:12]}… ≠ on-chain {onchain[:12]}…")
        if not marketplace.is_prover(address, account.address):
            problems.append(
                f"{art.name}: {account.address} is not an allowed prover (vendor: setProver({address}, <prover>, true))"
            )
    if problems:
        raise PreflightError("; ".join(problems))


def served_models(manifest: Manifest, wanted: list[str] | None = None) -> dict[str, ModelArtifacts]:
    """Collection address -> artifacts for the manifest's models (all, or `wanted`); errors name what is missing."""
    deployed = manifest.models
    if not deployed:
        raise ManifestError(f"{manifest.path} lists no deployed models: run `ape run deploy` first")
    missing = [m for m in wanted or [] if m not in deployed]
    if missing:
        raise ManifestError(f"not deployed on {manifest.network}: {', '.join(missing)}")
    return {deployed[m].collection: artifacts_of(m) for m in wanted or deployed}


def state_path(manifest: Manifest, address: str) -> Path:
    """The default state file of a prover account next to the network's manifest."""
    return manifest.path.with_name(f"{manifest.path.stem}.prover-{address[:10].lower()}.json")

"""Deploying models on-chain: verifier -> ERC-7007 collection -> marketplace listing, with a manifest.

`scripts/deploy.py` (`ape run deploy`) is a thin CLI over `Deployer`. The manifest
(``deployments/<ecosystem>-<network>.json``) records, per network, the chain id, the genesis hash, every
contract's address and deployment block, and the hashes of the model artifacts each collection is bound to.
Re-running skips what the manifest records and the chain confirms (code at the address, same genesis);
a manifest for another chain (a restarted anvil) is set aside, never silently reused. The manifest is
written after every step, so an interrupted deployment resumes where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ape.utils import ZERO_ADDRESS

from models import registry
from proofs.files import sha256_file
from proofs.pipeline import ModelArtifacts, artifacts_of, batch_artifacts_of

from .enums import CurveType
from .errors import DeploymentError
from .manifest import Manifest, network_manifest_path
from .soundness import check_dev_srs, srs_kind

#: Default pricing of a fresh listing: very cheap at first (new models get a chance), +2% per generation.
DEFAULT_SPOT_PRICE = 10**12  # 0.000001 ETH
DEFAULT_EXP_DELTA = 102 * 10**16  # 1.02 in 1e18 fixed point


def artifact_hashes(art: ModelArtifacts) -> dict[str, str]:
    """sha256 of each committed artifact a collection is bound to, plus the combined model hash."""
    return {
        "onnx": sha256_file(art.onnx),
        "settings": sha256_file(art.settings),
        "vk": sha256_file(art.vk),
        "verifier_sol": sha256_file(art.verifier_sol),
        "model_hash": art.model_hash(),
    }


class Deployer:
    """Idempotent deployment of the marketplace and one collection per model on the connected network."""

    def __init__(
        self,
        project,
        chain,
        account,
        log: Callable[[str], None] = print,
        manifest_path: Path | None = None,
        prover: str | list[str] | None = None,
        redeploy: bool = False,
        allow_dev_srs: bool = False,
    ):
        self.project, self.chain, self.account, self.log = project, chain, account, log
        self.redeploy, self.allow_dev_srs = redeploy, allow_dev_srs
        # The accounts allowed to fulfil: one per prover machine of a fleet (default: the deploying account).
        self.provers = ([prover] if isinstance(prover, str) else list(prover or [])) or [account.address]
        self.prover = self.provers[0]
        network = chain.provider.network
        name = f"{network.ecosystem.name}-{network.name}"
        self.manifest = Manifest.load(manifest_path or network_manifest_path(network))
        genesis = chain.blocks[0].hash.hex()
        if self.manifest.data and self.manifest.data.get("genesis") != genesis and network.is_local:
            self.manifest = Manifest(self.manifest.path)  # a fresh local chain: nothing there survives
        elif self.manifest.data and self.manifest.data.get("genesis") != genesis:
            stale = self.manifest.path.with_suffix(f".stale-{int(time.time())}.json")
            self.manifest.path.rename(stale)
            self.log(f"manifest was for another chain (genesis differs); moved aside to {stale.name}")
            self.manifest = Manifest(self.manifest.path)
        self.manifest.data.update(network=name, chain_id=chain.chain_id, genesis=genesis)
        self.gas_used: dict[str, int] = {}

    def _existing(self, key: str, contract_type: str):
        entry = self.manifest.contract(key)
        if entry and self.chain.provider.get_code(entry["address"]):
            self.log(f"{key}: already at {entry['address']} (block {entry['block']}), skipped")
            return getattr(self.project, contract_type).at(entry["address"])
        return None

    def _deploy(self, key: str, contract_type: str, *args, **extra: Any):
        if found := self._existing(key, contract_type):
            return found
        contract = getattr(self.project, contract_type).deploy(*args, sender=self.account)
        # Wait for the receipt: on a node with a block time it is not there until the block is mined.
        receipt = self.chain.provider.get_receipt(contract.txn_hash, timeout=600)
        self.gas_used[key] = receipt.gas_used
        self.manifest.record(
            key,
            address=contract.address,
            contract=contract_type,
            block=receipt.block_number,
            tx=receipt.txn_hash,
            **extra,
        )
        self.log(f"{key}: deployed {contract_type} at {contract.address} (gas {receipt.gas_used})")
        return contract

    def marketplace(self, fee_bps: int = 0):
        """The ModelMarketplace, owned by the deploying account."""
        return self._deploy("marketplace", "ModelMarketplace", self.account.address, fee_bps)

    def model(self, name: str, market, spot_price: int = DEFAULT_SPOT_PRICE, delta: int = DEFAULT_EXP_DELTA):
        """Verifier, collection (minter = marketplace) and listing for one model; returns the collection."""
        art = artifacts_of(name)
        hashes = artifact_hashes(art)
        self._check_unchanged(name, hashes)
        verifier = self._deploy(f"{name}.verifier", art.contract_name, artifacts=hashes)
        args = (
            f"zkaigc {name}",
            f"ZK{name.upper()[:6]}",
            verifier.address,
            hashes["model_hash"],
            art.encoding_struct(),
            market.address,
            self.account.address,
        )
        sizes = registry.get(name).batch_sizes
        batch_verifiers: list[tuple[int, str]] = []
        if sizes:  # a collection that also takes the model's batch proofs, one verifier per size
            batch_verifiers = [
                (n, self._deploy(f"{name}.verifier-batch{n}", batch.contract_name, artifacts=hashes).address)
                for n, batch in ((n, batch_artifacts_of(name, n)) for n in sizes)
            ]
            collection = self._deploy(
                f"{name}.collection", "ERC7007BatchCollection", *args, batch_verifiers, artifacts=hashes
            )
        else:
            collection = self._deploy(f"{name}.collection", "ERC7007Collection", *args, artifacts=hashes)
        if market.getListing(collection.address).vendor == ZERO_ADDRESS:
            tx = market.list(
                collection.address, self.account.address, CurveType.EXPONENTIAL, spot_price, delta, sender=self.account
            )
            self.gas_used[f"{name}.list"] = tx.gas_used
            self.log(f"{name}: listed on the marketplace (spot {spot_price} wei, x{delta / 1e18:.2f} per generation)")
        for prover in self.provers:
            if not market.isProver(collection.address, prover):
                market.setProver(collection.address, prover, True, sender=self.account)
                self.log(f"{name}: prover {prover} allowed")
        self.manifest.data.setdefault("models", {})[name] = {
            "collection": collection.address,
            "verifier": verifier.address,
            "batch_verifiers": {str(n): address for n, address in batch_verifiers},
            "vendor": self.account.address,
            # What a user checks before paying: `dev` means whoever made the SRS can forge this model's proofs.
            "srs_kind": srs_kind(name),
            "srs": {
                str(n): art.read_meta().get("srs", {}).get("sha256")
                for n, art in ((n, artifacts_of(name).batch_circuit(n)) for n in (1, *sizes))
            },
            **hashes,
        }
        self.manifest.save()
        return collection

    def _check_unchanged(self, name: str, hashes: dict[str, str]) -> None:
        """Refuse to reuse a deployed collection bound to other artifacts (or forget it, with `redeploy`)."""
        recorded = (self.manifest.data.get("models") or {}).get(name)
        if not recorded:
            return
        changed = sorted(k for k, v in hashes.items() if recorded.get(k) not in (None, v))
        if not changed:
            return
        if not self.redeploy:
            raise DeploymentError(
                f"{name}: the committed artifacts differ from the deployed ones ({', '.join(changed)}); "
                f"the collection at {recorded.get('collection')} is bound to the old model. "
                "Re-run with --redeploy to deploy a new verifier and collection for the rebuilt model"
            )
        self.log(f"{name}: artifacts changed ({', '.join(changed)}); redeploying its verifier and collection")
        contracts = self.manifest.data.get("contracts", {})
        keys = [f"{name}.verifier", f"{name}.collection"]
        keys += [f"{name}.verifier-batch{n}" for n in registry.get(name).batch_sizes]
        for key in keys:
            if key in contracts:
                contracts[f"{key}.replaced-{int(time.time())}"] = contracts.pop(key)
        self.manifest.data.setdefault("replaced_models", {}).setdefault(name, []).append(recorded)
        del self.manifest.data["models"][name]

    def all(self, models: list[str]) -> dict[str, Any]:
        """Deploy the marketplace and every model; returns {'marketplace': c, name: collection, ...}."""
        # Before the first transaction: development-SRS verifiers only on a local dev chain (or --allow-dev-srs).
        check_dev_srs(self.chain.provider, models, self.allow_dev_srs, "deploy", log=self.log)
        market = self.marketplace()
        deployed: dict[str, Any] = {"marketplace": market}
        for name in models:
            deployed[name] = self.model(name, market)
        self.manifest.data["updated_block"] = self.chain.blocks.head.number
        self.manifest.save()
        return deployed

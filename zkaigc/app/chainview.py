"""What the pages need from the chain, read through Ape: the deployed models, their prices, the contracts' ABIs.

The ABIs come from Ape's build (`project.<Contract>.contract_type.abi`), and with them the contracts' own NatSpec
notices for their custom errors (`userdoc.errors`): the pages decode a revert with the ABI and show that notice,
so an error reads the same in words as it does in the Solidity source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from proofs.model_artifacts import ModelArtifacts, artifacts_of

from ..abi import json_abi
from ..manifest import Manifest, ModelEntry
from ..marketplace import Marketplace

#: The contracts the pages talk to.
CONTRACTS = ("ModelMarketplace", "ERC7007Collection")


def contract_docs(project, names: tuple[str, ...] = CONTRACTS) -> dict[str, dict]:
    """{contract: {"abi": [...], "errors": {"Name(types)": notice}}} from Ape's compiled contract types."""
    out = {}
    for name in names:
        contract_type = getattr(project, name).contract_type
        abi = json_abi(contract_type)
        userdoc = contract_type.userdoc or {}
        errors = {
            signature: " ".join(doc.get("notice", "") for doc in docs if isinstance(doc, dict)).strip()
            for signature, docs in userdoc.get("errors", {}).items()
        }
        out[name] = {"abi": abi, "errors": errors}
    return out


def model_info(art: ModelArtifacts) -> dict[str, Any]:
    """A model as the pages show it, from its committed artifacts."""
    from models import registry

    encoding = art.encoding()
    channels, height, width = art.output_shape()
    return {
        "name": art.name,
        "role": registry.get(art.name).role,
        "prompt_len": encoding.prompt_len,
        "width": width,
        "height": height,
        "channels": channels,
        "model_hash": art.model_hash(),
        "contract": art.contract_name,
    }


@dataclass
class ChainView:
    """The deployment the app serves: the marketplace (an Ape contract), its manifest, and how to reach the node."""

    market: Any
    manifest: Manifest
    chain_id: int
    dev: bool  # a local development chain: unlocked accounts, time travel allowed
    accounts: list[str] = field(default_factory=list)  # unlocked accounts the pages may sign with
    roles: dict[str, str] = field(default_factory=dict)  # address -> "vendor" | "prover"

    @property
    def deployed(self) -> dict[str, ModelEntry]:
        """The manifest's deployed models by name."""
        return self.manifest.models

    def collection_of(self, name: str) -> str | None:
        """A deployed model's collection address, or None."""
        entry = self.deployed.get(name)
        return entry.collection if entry else None

    def quote(self, name: str) -> tuple[int, int] | None:
        """(price, fee) in wei of the next request on a listed model, or None if it is not deployed."""
        collection = self.collection_of(name)
        if collection is None:
            return None
        return Marketplace(self.market).quote(collection)

    def royalty_bps(self, name: str) -> int | None:
        """The ERC-2981 royalty of a deployed model's collection, in basis points (paid to its vendor); None if it is
        not deployed or its collection predates royalties."""
        collection = self.collection_of(name)
        if collection is None:
            return None
        from ape import project

        try:
            return int(project.ERC7007Collection.at(collection).royaltyBps())
        except Exception:  # noqa: BLE001 - an older collection without royaltyBps(): no royalty to show
            return None

    def models(self) -> dict[str, dict]:
        """Every deployed model: addresses, deployment block, geometry."""
        out = {}
        for name, entry in self.deployed.items():
            record = self.manifest.entry(f"{name}.collection")
            out[name] = {
                **model_info(artifacts_of(name)),
                "collection": entry.collection,
                "verifier": entry.verifier,
                "batch_verifiers": entry.batch_verifiers,
                # The manifest's record (an old manifest without it: `dev`, nothing said otherwise).
                "srs_kind": entry.srs_kind,
                "block": record.block if record else 0,
            }
        return out

    def config(self) -> dict[str, Any]:
        """What the pages need to talk to the chain themselves."""
        market = self.manifest.marketplace
        return {
            "chainId": self.chain_id,
            "network": self.manifest.network,
            "dev": self.dev,
            "rpc": "/rpc",
            "accounts": [{"address": a, "role": self.roles.get(a)} for a in self.accounts],
            "marketplace": {"address": self.market.address, "block": market.block if market else 0},
            "models": self.models(),
        }

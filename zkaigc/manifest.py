"""The per-network deployment manifest: what is deployed where, bound to one chain by its genesis hash.

``deployments/<ecosystem>-<network>.json`` records the chain id, the genesis hash, every contract's address and
deployment block, and the hashes of the model artifacts each collection is bound to. It is written atomically
after every step, so an interrupted deployment resumes where it stopped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from proofs.files import REPO_ROOT

from .errors import ManifestError

DEPLOYMENTS_ROOT = REPO_ROOT / "deployments"


def network_manifest_path(network) -> Path:
    """The manifest of an Ape network: deployments/<ecosystem>-<network>.json."""
    return DEPLOYMENTS_ROOT / f"{network.ecosystem.name}-{network.name}.json"


class ContractEntry(BaseModel):
    """A deployed contract: where, what, and in which block."""

    model_config = ConfigDict(extra="allow")
    address: str = Field(pattern=r"^0x[0-9a-fA-F]{40}$")
    contract: str
    block: int = Field(ge=0)


class ModelEntry(BaseModel):
    """A deployed model: its collection and verifier, and the artifact hashes the collection is bound to."""

    model_config = ConfigDict(extra="allow")
    collection: str = Field(pattern=r"^0x[0-9a-fA-F]{40}$")
    verifier: str = Field(pattern=r"^0x[0-9a-fA-F]{40}$")
    model_hash: str = Field(pattern=r"^0x[0-9a-f]{64}$")
    # Batch size -> its verifier, for a collection that also takes the model's batch proofs.
    batch_verifiers: dict[str, str] = {}
    # The weakest SRS among the model's circuits: `dev` (its maker can forge proofs) or `ceremony`. A manifest
    # written before this was recorded reads as `dev`: nothing said otherwise.
    srs_kind: Literal["dev", "ceremony"] = "dev"
    # The account that listed the collection (the vendor); absent in older manifests.
    vendor: str | None = Field(default=None, pattern=r"^0x[0-9a-fA-F]{40}$")


class ManifestFile(BaseModel):
    """The manifest's schema, as the prover and the user CLI read it back: bound to one chain by its genesis."""

    model_config = ConfigDict(extra="allow")
    network: str
    chain_id: int
    genesis: str = Field(pattern=r"^(0x)?[0-9a-f]{64}$")
    contracts: dict[str, ContractEntry]
    models: dict[str, ModelEntry] = {}


@dataclass
class Manifest:
    """Per-network record of what is deployed where."""

    path: Path
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """The manifest at `path` (empty if none); a file that is not a JSON object is a `ManifestError`."""
        if not path.exists():
            return cls(path, {})
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as err:
            raise ManifestError(f"cannot read the deployment manifest {path}: {err}") from None
        if not isinstance(data, dict):
            raise ManifestError(f"the deployment manifest {path} is not a JSON object")
        return cls(path, data)

    def validated(self) -> ManifestFile:
        """The manifest checked against its schema; a missing or malformed one is a one-line `ManifestError`."""
        if not self.data:
            raise ManifestError(f"no deployment manifest at {self.path}: run `ape run deploy` first")
        try:
            return ManifestFile.model_validate(self.data)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ManifestError(f"the deployment manifest {self.path} is malformed: {where}: {first['msg']}") from None

    def save(self) -> None:
        """Write the manifest atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=2, sort_keys=True) + "\n")
        tmp.replace(self.path)  # atomic: a crash never leaves half a manifest

    def contract(self, key: str) -> dict | None:
        """The raw recorded entry of a deployed contract (address, block, ...), or None: what the `Deployer`
        writes; readers use the typed `entry`."""
        return self.data.get("contracts", {}).get(key)

    # Typed reads: each record through its schema, so a reader never reaches into `data`.
    def entry(self, key: str) -> ContractEntry | None:
        """The deployed contract recorded under `key` (`marketplace`, `<model>.collection`, ...), or None."""
        raw = self.contract(key)
        return None if raw is None else ContractEntry.model_validate(raw)

    @property
    def marketplace(self) -> ContractEntry | None:
        """The deployed marketplace, or None."""
        return self.entry("marketplace")

    @property
    def models(self) -> dict[str, ModelEntry]:
        """Every deployed model by name (empty before the first model is deployed)."""
        return {name: ModelEntry.model_validate(raw) for name, raw in (self.data.get("models") or {}).items()}

    @property
    def empty(self) -> bool:
        """Nothing recorded yet (no file, or a fresh manifest)."""
        return not self.data

    @property
    def genesis(self) -> str | None:
        """The genesis hash of the chain this manifest describes (None: nothing recorded yet)."""
        return self.data.get("genesis")

    @property
    def network(self) -> str:
        """The network's name as recorded (`ethereum-local`), else the file's stem."""
        return self.data.get("network") or self.path.stem

    def record(self, key: str, **entry: Any) -> None:
        """Record a deployed contract and save."""
        self.data.setdefault("contracts", {})[key] = entry
        self.save()

    # Writes (the `Deployer`'s): each record goes in through its schema.
    def bind(self, network: str, chain_id: int, genesis: str) -> None:
        """Say which chain this manifest describes (not saved until the next record)."""
        self.data.update(network=network, chain_id=chain_id, genesis=genesis)

    def record_model(self, name: str, entry: ModelEntry) -> None:
        """Record a deployed model and save."""
        self.data.setdefault("models", {})[name] = entry.model_dump()
        self.save()

    def retire_model(self, name: str, contract_keys: list[str], stamp: int) -> None:
        """Forget a deployed model before it is redeployed: its recorded contracts among `contract_keys` are kept as
        `<key>.replaced-<stamp>` and its entry under `replaced_models` (not saved until the next record)."""
        contracts = self.data.get("contracts", {})
        for key in contract_keys:
            if key in contracts:
                contracts[f"{key}.replaced-{stamp}"] = contracts.pop(key)
        recorded = self.data["models"].pop(name)
        self.data.setdefault("replaced_models", {}).setdefault(name, []).append(recorded)

    def mark_updated(self, block: int) -> None:
        """Record the block of the last completed deployment run and save."""
        self.data["updated_block"] = block
        self.save()

"""The proven outputs: what a proof (or a witness) of a model's circuit decodes to, as the contracts take it.

`prove_latent` and `prove_batch` run the stages (witness, prove, verify) on one model's artifacts and return a
`ProvenSample` (one prompt) or a `ProvenBatch` (N prompts, one proof); both check that the proof's public instances
round-trip through the model's `Encoding` and decode to the prompts asked for. `prove_verified` and
`proof_instances`, the proof and its instances as every prover reads them, serve the tree templates too
(`proofs.trees`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .encoding import Encoding, felt_from_ezkl_hex
from .errors import ProofError
from .model_artifacts import ModelArtifacts


@dataclass
class ProvenSample:
    """What a prover submits and a contract checks: prompt, aigcData, proof bytes (and the raw instances)."""

    prompt: bytes
    aigc: bytes
    proof: bytes
    instances: list[int]

    def to_json(self) -> dict:
        return {
            "prompt": "0x" + self.prompt.hex(),
            "aigcData": "0x" + self.aigc.hex(),
            "proof": "0x" + self.proof.hex(),
            "instances": [hex(i) for i in self.instances],
        }

    @classmethod
    def from_json(cls, data: dict) -> ProvenSample:
        return cls(
            prompt=bytes.fromhex(data["prompt"][2:]),
            aigc=bytes.fromhex(data["aigcData"][2:]),
            proof=bytes.fromhex(data["proof"][2:]),
            instances=[int(i, 16) for i in data["instances"]],
        )


@dataclass
class ProvenBatch:
    """What a prover submits for a batch: N prompts and their aigcData (slot order), one proof, the instances."""

    prompts: list[bytes]
    aigcs: list[bytes]
    proof: bytes
    instances: list[int]

    @property
    def batch(self) -> int:
        return len(self.prompts)

    @property
    def prompts_bytes(self) -> bytes:
        """The prompts concatenated in slot order, as `mintBatch` takes them."""
        return b"".join(self.prompts)

    @property
    def aigcs_bytes(self) -> bytes:
        """The aigcData concatenated in slot order, as `mintBatch` takes them."""
        return b"".join(self.aigcs)

    def to_json(self) -> dict:
        return {
            "prompts": ["0x" + p.hex() for p in self.prompts],
            "aigcDatas": ["0x" + a.hex() for a in self.aigcs],
            "proof": "0x" + self.proof.hex(),
            "instances": [hex(i) for i in self.instances],
        }

    @classmethod
    def from_json(cls, data: dict) -> ProvenBatch:
        return cls(
            prompts=[bytes.fromhex(p[2:]) for p in data["prompts"]],
            aigcs=[bytes.fromhex(a[2:]) for a in data["aigcDatas"]],
            proof=bytes.fromhex(data["proof"][2:]),
            instances=[int(i, 16) for i in data["instances"]],
        )


def witness_instances(witness: dict, encoding: Encoding) -> list[int]:
    """The public instances a witness commits to: its outputs (a packed prompt, then the image), or, in the old
    stage, its quantized inputs and then its one output."""
    public = [*witness["outputs"]] if encoding.packed_prompt else [witness["inputs"][0], witness["outputs"][0]]
    return [felt_from_ezkl_hex(h) for tensor in public for h in tensor]


def proof_instances(proof: dict) -> list[int]:
    """The public instances of ezkl's proof.json as integers."""
    return [felt_from_ezkl_hex(h) for h in proof["instances"][0]]


def prove_verified(
    artifacts: ModelArtifacts, workdir: Path, compiled: Path | None = None, verify: bool = True, what: str = "proof"
) -> dict:
    """Prove the witness in `workdir` (made with `compiled`, by default the committed circuit) and, unless told not
    to, verify the proof off-chain: ezkl's proof.json; a `ProofError` if ezkl rejects its own `what`."""
    proof = artifacts.prove(workdir, compiled)
    if verify and not artifacts.verify(workdir / "proof.json"):
        raise ProofError(f"ezkl rejected its own {what}")
    return proof


def sample_from_proof(artifacts: ModelArtifacts, proof: dict) -> ProvenSample:
    """Turn ezkl's proof.json into the bytes the contracts take; checks the encoding round-trips."""
    instances = proof_instances(proof)
    encoding = artifacts.encoding()
    prompt, aigc = encoding.split_instances(instances)
    if encoding.instances(prompt, aigc) != instances:
        raise ProofError("the encoding does not round-trip the proof's instances")
    return ProvenSample(prompt=prompt, aigc=aigc, proof=bytes.fromhex(proof["hex_proof"][2:]), instances=instances)


def batch_from_proof(artifacts: ModelArtifacts, proof: dict) -> ProvenBatch:
    """A batch circuit's proof.json as the bytes `mintBatch` takes; checks the encoding round-trips per slot."""
    instances = proof_instances(proof)
    encoding = artifacts.encoding()
    slots = encoding.split_batch_instances(instances, artifacts.batch)
    if encoding.batch_instances(slots) != instances:
        raise ProofError("the encoding does not round-trip the batch proof's instances")
    return ProvenBatch(
        prompts=[p for p, _ in slots],
        aigcs=[a for _, a in slots],
        proof=bytes.fromhex(proof["hex_proof"][2:]),
        instances=instances,
    )


def prove_latent(
    artifacts: ModelArtifacts, latent: Sequence[float], workdir: Path, verify: bool = True
) -> ProvenSample:
    """Quantize a latent to the prompt grid, prove it, verify it, and return the contract-ready sample."""
    encoding = artifacts.encoding()
    grid = encoding.dequantize_latent(encoding.quantize_latent(latent))  # the prompt bytes are the truth
    artifacts.witness(grid, workdir)
    sample = sample_from_proof(artifacts, prove_verified(artifacts, workdir, verify=verify))
    if sample.prompt != encoding.encode_prompt(encoding.quantize_latent(latent)):
        raise ProofError("the proven prompt differs from the requested one")
    return sample


def prove_batch(
    artifacts: ModelArtifacts, latents: Sequence[Sequence[float]], workdir: Path, verify: bool = True
) -> ProvenBatch:
    """Prove a batch circuit on exactly `artifacts.batch` latents (slot order); returns the contract-ready batch."""
    if len(latents) != artifacts.batch:
        raise ProofError(f"{artifacts.contract_name} proves {artifacts.batch} prompts, got {len(latents)}")
    encoding = artifacts.encoding()
    grids = [encoding.dequantize_latent(encoding.quantize_latent(z)) for z in latents]
    artifacts.witness([x for grid in grids for x in grid], workdir)
    batch = batch_from_proof(artifacts, prove_verified(artifacts, workdir, verify=verify, what="batch proof"))
    if batch.prompts != [encoding.encode_prompt(encoding.quantize_latent(z)) for z in latents]:
        raise ProofError("the proven prompts differ from the requested ones")
    return batch

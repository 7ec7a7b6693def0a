"""Contracts from git history, compiled and deployed by the benchmarks: the old output stage's collections.

The old stage's circuits (the two-ReLU clamp, one public instance per prompt byte) are rebuilt by the benchmark from
their checkpoints (`micro-clamp`, `pixel32-clamp`); today's contracts pack the prompt into one instance and cannot
verify them. So their mint is measured on the last `ERC7007Collection` (single mints) or `ERC7007BatchCollection`
(batch mints) that took one instance per prompt byte, compiled from git history (`OLD_STAGE_CONTRACTS`) into a scratch
directory and deployed on the benchmark's anvil.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from eth_abi import encode
from eth_utils import keccak

from proofs.files import REPO_ROOT
from proofs.proven import ProvenBatch, ProvenSample
from zkaigc.localchain import Anvil
from zkaigc.solidity import OUTPUTS, SOLC_VERSION, standard_input

#: The last commit whose contracts build one public instance per prompt byte (the parent of the packed prompt).
OLD_STAGE_CONTRACTS = "e670a41b42f33116065289d9feac278db8b2f4ee"

ZERO = "0x" + "00" * 20


class HistoryError(RuntimeError):
    """The historic contracts could not be compiled or did not behave (e.g. a clone without that history)."""


def sources(commit: str) -> dict[str, str]:
    """The contracts' sources at `commit` (unit name -> text), verifiers and test contracts left out."""
    git = ["git", "-C", str(REPO_ROOT)]
    try:
        files = subprocess.run(
            [*git, "ls-tree", "-r", "--name-only", commit, "contracts/"], capture_output=True, text=True, check=True
        ).stdout.split()
        keep = [f for f in files if f.endswith(".sol") and "/verifiers/" not in f and "/test/" not in f]
        return {
            f: subprocess.run([*git, "show", f"{commit}:{f}"], capture_output=True, text=True, check=True).stdout
            for f in keep
        }
    except subprocess.CalledProcessError as exc:
        raise HistoryError(f"the contracts of commit {commit[:10]} are not in this clone's history") from exc


class HistoricCollection:
    """A collection contract as it was at `commit` (`unit`: `ERC7007Collection` or `ERC7007BatchCollection`),
    compiled once per scratch directory, deployed on an anvil."""

    def __init__(self, anvil: Anvil, workdir: Path, commit: str = OLD_STAGE_CONTRACTS, unit: str = "ERC7007Collection"):
        import solcx

        workdir.mkdir(parents=True, exist_ok=True)
        stamp = workdir / f"{unit}-{commit[:10]}.json"
        if not stamp.exists():
            out = solcx.compile_standard(
                standard_input(sources(commit), OUTPUTS), solc_version=SOLC_VERSION, allow_paths=[str(REPO_ROOT)]
            )
            c = out["contracts"][f"contracts/{unit}.sol"][unit]
            stamp.write_text(json.dumps({"abi": c["abi"], "bytecode": "0x" + c["evm"]["bytecode"]["object"]}))
        self.compiled = json.loads(stamp.read_text())
        self.anvil, self.unit = anvil, unit

    def deploy(self, verifier: str, encoding: tuple, model_hash: bytes, card: tuple, batch_verifiers=None):
        """A collection without a minter on `verifier` (and, for the batch unit, `[(size, verifier), ...]`)."""
        w3, vendor = self.anvil.w3, self.anvil.accounts[0]
        factory = w3.eth.contract(abi=self.compiled["abi"], bytecode=self.compiled["bytecode"])
        args = ["old stage", "OLD", verifier, model_hash, encoding, ZERO, vendor, card]
        if self.unit == "ERC7007BatchCollection":
            args.append(list(batch_verifiers or []))
        tx = factory.constructor(*args).transact({"from": vendor})
        return w3.eth.contract(address=w3.eth.wait_for_transaction_receipt(tx).contractAddress, abi=factory.abi)

    def claim(self, collection, prompt: bytes, user: str) -> None:
        """Commit, wait out the commitment age, and claim `prompt` for `user`."""
        w3 = self.anvil.w3
        salt = keccak(text=f"old-stage-{time.time_ns()}")
        commitment = keccak(encode(["bytes", "address", "bytes32"], [prompt, user, salt]))
        w3.eth.wait_for_transaction_receipt(collection.functions.commit(commitment).transact({"from": user}))
        w3.provider.make_request("evm_increaseTime", [int(collection.functions.MIN_COMMITMENT_AGE().call()) + 1])
        w3.provider.make_request("evm_mine", [])
        w3.eth.wait_for_transaction_receipt(collection.functions.claim(prompt, user, salt).transact({"from": user}))

    def mint_gas(self, verifier: str, encoding: tuple, model_hash: bytes, card: tuple, sample: ProvenSample) -> dict:
        """Deploy a collection (no minter) on `verifier`; commit, claim, then `mint` the sample: its gas."""
        user, prover = self.anvil.accounts[1:3]
        collection = self.deploy(verifier, encoding, model_hash, card)
        self.claim(collection, sample.prompt, user)
        verify_gas = collection.functions.verify(sample.prompt, sample.aigc, sample.proof).estimate_gas({"from": user})
        mint = collection.functions.mint(sample.prompt, sample.aigc, "", sample.proof)
        receipt = self.anvil.w3.eth.wait_for_transaction_receipt(mint.transact({"from": prover, "gas": 900_000_000}))
        if receipt.status != 1:
            raise HistoryError("the old collection's mint reverted")
        return {"collection_verify_gas": int(verify_gas), "mint_gas": int(receipt.gasUsed)}

    def mint_batch_gas(
        self, verifier: str, batch_verifier: str, encoding: tuple, model_hash: bytes, card: tuple, batch: ProvenBatch
    ) -> dict:
        """Deploy a batch collection on the single and the batch-N verifier; N accounts claim the N prompts; one
        `mintBatch` mints them all: its gas. Raises if a token is not minted to its claimant."""
        n = len(batch.prompts)
        claimants = self.anvil.accounts[1 : 1 + n]
        if len(claimants) < n:
            raise HistoryError(f"anvil has {len(self.anvil.accounts)} accounts; a batch of {n} needs {n + 1}")
        collection = self.deploy(verifier, encoding, model_hash, card, [(n, batch_verifier)])
        for prompt, claimant in zip(batch.prompts, claimants, strict=True):
            self.claim(collection, prompt, claimant)
        mint = collection.functions.mintBatch(batch.prompts_bytes, batch.aigcs_bytes, batch.proof, (1 << n) - 1)
        tx = mint.transact({"from": self.anvil.accounts[0], "gas": 900_000_000})
        receipt = self.anvil.w3.eth.wait_for_transaction_receipt(tx)
        if receipt.status != 1:
            raise HistoryError(f"the old collection's mintBatch of {n} reverted")
        owners = [collection.functions.ownerOf(int.from_bytes(keccak(p), "big")).call() for p in batch.prompts]
        if owners != list(claimants):
            raise HistoryError(f"old batch of {n}: tokens not minted to their claimants")
        return {"mint_gas": int(receipt.gasUsed), "gas_per_nft": int(receipt.gasUsed) // n}

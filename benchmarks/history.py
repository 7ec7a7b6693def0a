"""Contracts from git history, compiled and deployed by the benchmarks: the old output stage's collection.

The old stage's circuits (the two-ReLU clamp, one public instance per prompt byte) are rebuilt by the benchmark from
their checkpoints (`micro-clamp`, `pixel32-clamp`); today's contracts pack the prompt into one instance and cannot
verify them. So their mint is measured on the last `ERC7007Collection` that took one instance per prompt byte, compiled
from git history (`OLD_STAGE_CONTRACTS`) into a scratch directory and deployed on the benchmark's anvil.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from eth_abi import encode
from eth_utils import keccak

from proofs.files import REPO_ROOT
from proofs.proven import ProvenSample
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
    """`ERC7007Collection` as it was at `commit`, compiled once per scratch directory, deployed on an anvil."""

    def __init__(self, anvil: Anvil, workdir: Path, commit: str = OLD_STAGE_CONTRACTS):
        import solcx

        workdir.mkdir(parents=True, exist_ok=True)
        stamp = workdir / f"collection-{commit[:10]}.json"
        if not stamp.exists():
            out = solcx.compile_standard(
                standard_input(sources(commit), OUTPUTS), solc_version=SOLC_VERSION, allow_paths=[str(REPO_ROOT)]
            )
            c = out["contracts"]["contracts/ERC7007Collection.sol"]["ERC7007Collection"]
            stamp.write_text(json.dumps({"abi": c["abi"], "bytecode": "0x" + c["evm"]["bytecode"]["object"]}))
        self.compiled = json.loads(stamp.read_text())
        self.anvil = anvil

    def mint_gas(self, verifier: str, encoding: tuple, model_hash: bytes, card: tuple, sample: ProvenSample) -> dict:
        """Deploy a collection (no minter) on `verifier`; commit, claim, then `mint` the sample: its gas."""
        w3, (vendor, user, prover) = self.anvil.w3, self.anvil.accounts[:3]
        factory = w3.eth.contract(abi=self.compiled["abi"], bytecode=self.compiled["bytecode"])
        tx = factory.constructor("old stage", "OLD", verifier, model_hash, encoding, ZERO, vendor, card).transact(
            {"from": vendor}
        )
        collection = w3.eth.contract(address=w3.eth.wait_for_transaction_receipt(tx).contractAddress, abi=factory.abi)
        salt = keccak(text=f"old-stage-{time.time_ns()}")
        commitment = keccak(encode(["bytes", "address", "bytes32"], [sample.prompt, user, salt]))
        w3.eth.wait_for_transaction_receipt(collection.functions.commit(commitment).transact({"from": user}))
        w3.provider.make_request("evm_increaseTime", [int(collection.functions.MIN_COMMITMENT_AGE().call()) + 1])
        w3.provider.make_request("evm_mine", [])
        w3.eth.wait_for_transaction_receipt(
            collection.functions.claim(sample.prompt, user, salt).transact({"from": user})
        )
        verify_gas = collection.functions.verify(sample.prompt, sample.aigc, sample.proof).estimate_gas({"from": user})
        mint = collection.functions.mint(sample.prompt, sample.aigc, "", sample.proof)
        receipt = w3.eth.wait_for_transaction_receipt(mint.transact({"from": prover, "gas": 900_000_000}))
        if receipt.status != 1:
            raise HistoryError("the old collection's mint reverted")
        return {"collection_verify_gas": int(verify_gas), "mint_gas": int(receipt.gasUsed)}

"""The old encoding, kept as a baseline for `make bench` only (never in the product).

Before the packed encoding a model's circuit was the whole decoder, nearest upsample included, without the
output clamp, at range-check decomposition 128⁴, and every output value of the rendered image was one public
instance; `aigcData` held one big-endian int16 per value, and the collection stored it as contract code. This
module rebuilds that variant from the same trained weights, into a scratch directory:

- `build`: the ONNX (`out_bits = None`: no clamp, no packing, the render upsample in the graph), settings,
  setup (development SRS), and the generated verifier;
- `sample_of`: a proof as the old contracts take it (int8 prompt, int16 aigcData, one instance per value);
- `V1Collection`: the last collection that accepted the old encoding, compiled from git history
  (`V1_CONTRACTS`, the commit before the packed encoding) into the scratch directory, to measure its `mint`.
"""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import replace
from pathlib import Path

from eth_abi import encode
from eth_utils import keccak

from models import registry
from models.model import export_decoder_onnx, load_model
from proofs.build import fitting_logrows
from proofs.encoding import FIELD_MODULUS, felt_from_ezkl_hex
from proofs.files import REPO_ROOT
from proofs.pipeline import ModelArtifacts, ProvenSample
from proofs.progress import quiet
from zkaigc.localchain import Anvil
from zkaigc.solidity import OUTPUTS, SOLC_VERSION, standard_input

#: The last commit whose contracts decode one int16 per output value (the parent of the packed encoding).
V1_CONTRACTS = "f02a86b6daad5e6e6fdaa2360924bf07ff2d3ed5"

ZERO = "0x" + "00" * 20


class BaselineError(RuntimeError):
    """The baseline could not be built (e.g. git history without the v1 contracts)."""


def artifacts(name: str, root: Path) -> ModelArtifacts:
    """The baseline variant of a committed model, in `root` (artifacts, cache and verifier)."""
    return ModelArtifacts(
        name, root=root / "artifacts", cache_root=root / "cache", verifiers_root=root / "verifiers", progress=quiet
    )


def build(name: str, root: Path) -> ModelArtifacts:
    """Export the old-encoding circuit of a committed model's weights; settings, setup and verifier."""
    spec = registry.get(name)
    art = artifacts(name, root)
    art.dir.mkdir(parents=True, exist_ok=True)
    model, _ = load_model(name)
    model.cfg.out_bits = None  # the decoder reads its config at run time: no clamp, and the whole decoder exports
    export_decoder_onnx(model, art.onnx)
    art.write_meta(proven_shape=list(model.cfg.output_shape), render=1)
    # The old pixel circuit: range checks as 128⁴, constants at param_scale.
    config = replace(spec.circuit_for(model.cfg), decomp_base=128, decomp_legs=4, rebase_frac_zero_constants=False)
    settings = art.gen_settings(config)
    art.gen_settings(replace(config, logrows=fitting_logrows(settings)))
    settings = art.load_settings()
    settings["run_args"]["logrows"] = fitting_logrows(settings)
    art.write_settings(settings)
    art.setup(srs_kind="dev", write_vk=True)
    art.create_evm_verifier()
    return art


def int16_be(value: int) -> bytes:
    """One output value as the old aigcData's big-endian two's-complement int16."""
    if not -(2**15) <= value < 2**15:
        raise BaselineError(f"output {value} does not fit int16")
    return (value & 0xFFFF).to_bytes(2, "big")


def sample_of(art: ModelArtifacts, proof: dict, input_len: int) -> ProvenSample:
    """ezkl's proof.json of the baseline circuit as the old contracts take it (prompt, int16 aigcData)."""
    instances = [felt_from_ezkl_hex(h) for h in proof["instances"][0]]
    signed = [v - FIELD_MODULUS if v > FIELD_MODULUS // 2 else v for v in instances]
    prompt = bytes(v & 0xFF for v in signed[:input_len])
    aigc = b"".join(int16_be(v) for v in signed[input_len:])
    return ProvenSample(prompt=prompt, aigc=aigc, proof=bytes.fromhex(proof["hex_proof"][2:]), instances=instances)


def v1_sources() -> dict[str, str]:
    """The v1 contracts' sources (unit name -> text) from git history."""
    try:
        files = subprocess.run(
            ["git", "ls-tree", "-r", "--name-only", V1_CONTRACTS, "contracts/"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        keep = [f for f in files if f.endswith(".sol") and "/verifiers/" not in f and "/test/" not in f]
        return {
            f: subprocess.run(
                ["git", "show", f"{V1_CONTRACTS}:{f}"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
            ).stdout
            for f in keep
        }
    except subprocess.CalledProcessError as exc:
        raise BaselineError(f"the v1 contracts (commit {V1_CONTRACTS[:10]}) are not in this clone's history") from exc


class V1Collection:
    """The v1 `ERC7007Collection` (int16 aigcData) compiled from git history, deployed on an anvil."""

    def __init__(self, anvil: Anvil, workdir: Path):
        import solcx

        workdir.mkdir(parents=True, exist_ok=True)
        stamp = workdir / f"v1-{V1_CONTRACTS[:10]}.json"
        if not stamp.exists():  # compiled once per cache
            sources = v1_sources()
            out = solcx.compile_standard(
                standard_input(sources, OUTPUTS), solc_version=SOLC_VERSION, allow_paths=[str(REPO_ROOT)]
            )
            c = out["contracts"]["contracts/ERC7007Collection.sol"]["ERC7007Collection"]
            stamp.write_text(json.dumps({"abi": c["abi"], "bytecode": "0x" + c["evm"]["bytecode"]["object"]}))
        self.compiled = json.loads(stamp.read_text())
        self.anvil = anvil

    def mint_gas(self, verifier: str, encoding: tuple, model_hash: bytes, sample: ProvenSample) -> dict:
        """Deploy a collection (no minter) on `verifier`; commit, claim, then `mint` the sample: its gas."""
        w3, (vendor, user, prover) = self.anvil.w3, self.anvil.accounts[:3]
        factory = w3.eth.contract(abi=self.compiled["abi"], bytecode=self.compiled["bytecode"])
        tx = factory.constructor("baseline", "V1", verifier, model_hash, encoding, ZERO, vendor).transact(
            {"from": vendor}
        )
        collection = w3.eth.contract(address=w3.eth.wait_for_transaction_receipt(tx).contractAddress, abi=factory.abi)
        salt = keccak(text=f"baseline-{time.time_ns()}")
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
            raise BaselineError("the v1 collection's mint reverted")
        token = int.from_bytes(keccak(sample.prompt), "big")
        if collection.functions.aigcDataOf(token).call() != sample.aigc:
            raise BaselineError("the v1 collection stored other aigcData than it minted")
        return {"collection_verify_gas": int(verify_gas), "mint_gas": int(receipt.gasUsed)}

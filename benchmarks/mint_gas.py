"""Gas of a proven mint, per committed model: verify, claim → mint, and the marketplace's whole `fulfil`.

    python -m benchmarks.mint_gas            # prints a table, writes docs/results/mint-gas.{json,md}
    python -m benchmarks.mint_gas --no-write

On a fresh local anvil (ape's foundry provider), with each model's committed sample (prompt, aigcData, proof):

- *verifier gas*: `eth_estimateGas` of the generated verifier's `verifyProof(proof, instances)` sent straight to it
  (21,000 base and calldata included);
- *collection verify gas*: `eth_estimateGas` of the collection's `verify(prompt, aigcData, proof)`: the instances
  are rebuilt on-chain from the bytes, then the verifier is called;
- *mint gas*: the `mint` transaction of a claimed prompt on a collection without a minter (verify + storing
  `prompt ‖ aigcData` as contract code + the ERC-721 mint + events);
- *fulfil gas*: the marketplace's `fulfil` of a paid request (escrow settlement + the collection's mint).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from proofs.model_artifacts import artifacts_of, committed_models
from proofs.proven import ProvenSample

from .measure import publish

ZERO = "0x0000000000000000000000000000000000000000"


def measure(models: list[str]) -> list[dict]:
    """Gas per model on a fresh local chain."""
    from ape import accounts, chain, networks, project

    from zkaigc.client import claim_prompt, request_generation
    from zkaigc.deploy import Deployer, model_card

    rows = []
    with networks.parse_network_choice("ethereum:local:foundry"):
        vendor, user, prover = accounts.test_accounts[0], accounts.test_accounts[1], accounts.test_accounts[2]
        with tempfile.TemporaryDirectory() as tmp:
            deployer = Deployer(
                project, chain, vendor, log=lambda _m: None, prover=prover.address, manifest_path=Path(tmp) / "m.json"
            )
            deployed = deployer.all(models)
        market = deployed["marketplace"]
        for name in models:
            art = artifacts_of(name)
            s = ProvenSample.from_json(json.loads((art.samples / "sample-0.json").read_text()))
            listed = deployed[name]
            verifier = project.get_contract(art.contract_name).at(listed.verifier())
            # A collection without a minter: the claimant's prover mints directly.
            direct = project.ERC7007Collection.deploy(
                f"zkaigc {name}",
                "AIGC",
                verifier.address,
                art.model_hash(),
                art.encoding_struct(),
                ZERO,
                vendor,
                model_card(name),
                sender=vendor,
            )
            verifier_gas = verifier.verifyProof.estimate_gas_cost(s.proof, s.instances, sender=user)
            verify_gas = direct.verify.estimate_gas_cost(s.prompt, s.aigc, s.proof, sender=user)
            claim_prompt(chain, direct, s.prompt, user)
            mint = direct.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
            claim_prompt(chain, listed, s.prompt, user)
            request = request_generation(chain, market, listed, s.prompt, user)
            fulfil = market.fulfil(request.request_id, s.prompt, s.aigc, "", s.proof, sender=prover)
            rows.append(
                {
                    "model": name,
                    "proven_shape": list(art.output_shape()),
                    "render": art.render_factor(),
                    "logrows": art.logrows,
                    "rows": art.load_settings().get("num_rows"),
                    "public_instances": len(s.instances),
                    "aigc_bytes": len(s.aigc),
                    "proof_bytes": len(s.proof),
                    "verifier_gas": int(verifier_gas),
                    "collection_verify_gas": int(verify_gas),
                    "mint_gas": int(mint.gas_used),
                    "fulfil_gas": int(fulfil.gas_used),
                    "sample_fidelity": art.read_meta().get("sample_fidelity"),
                }
            )
    return rows


def to_markdown(rows: list[dict]) -> str:
    lines = [
        "# Mint gas (benchmarks/mint_gas.py)",
        "",
        "Each model's committed sample on a fresh local anvil; see the module docstring for what each column is.",
        "",
        "| model | proven grid | render | logrows | public instances | aigcData B | proof B | verifier gas "
        "| collection verify gas | mint gas | fulfil gas |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        grid = "×".join(str(d) for d in r["proven_shape"])
        lines.append(
            f"| {r['model']} | {grid} | ×{r['render']} | {r['logrows']} | {r['public_instances']} | {r['aigc_bytes']} "
            f"| {r['proof_bytes']} | {r['verifier_gas']:,} | {r['collection_verify_gas']:,} | {r['mint_gas']:,} "
            f"| {r['fulfil_gas']:,} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.mint_gas", description=__doc__)
    p.add_argument("models", nargs="*", help="models (default: every committed one)")
    p.add_argument("--no-write", action="store_true", help="print only")
    args = p.parse_args(argv)
    rows = measure(args.models or committed_models())
    md = to_markdown(rows)
    publish("mint-gas", rows, md, write=not args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Compiling Solidity outside Ape: one standard-JSON input, as `ape compile` and forge configure the compiler.

Used where a contract is not part of the Ape project (a test's inline source, a verifier being measured) and to
feed slither. The compiler is py-solc-x's registered 0.8.20 (the offline solc-js adapter, tools/solc/).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

SOLC_VERSION = "0.8.20"
#: The project's compiler settings (ape-config.yaml `solidity`, foundry.toml).
SETTINGS = {"optimizer": {"enabled": True, "runs": 200}, "evmVersion": "shanghai"}
OUTPUTS = ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]
REMAPPINGS = ["@openzeppelin/contracts/=node_modules/@openzeppelin/contracts/"]


def standard_input(
    sources: dict[str, str], outputs: list[str] | None = None, remappings: list[str] | None = None
) -> dict:
    """The standard-JSON input for `sources` (unit name -> source text) with the project's settings."""
    settings: dict = {**SETTINGS, "remappings": list(remappings if remappings is not None else REMAPPINGS)}
    if outputs:
        settings["outputSelection"] = {"*": {"*": outputs}}
    return {"language": "Solidity", "sources": {k: {"content": v} for k, v in sources.items()}, "settings": settings}


def write_standard_input(out: Path, paths: list[str]) -> Path:
    """Write the standard-JSON input of source files (paths relative to the repository root), e.g. for slither."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(standard_input({p: Path(p).read_text() for p in paths})))
    return out


@dataclass
class Compiled:
    """One compiled contract."""

    name: str
    abi: list
    bytecode: str  # creation code, 0x-prefixed
    runtime: str  # deployed code, 0x-prefixed

    @property
    def runtime_size(self) -> int:
        """Deployed code size in bytes (EIP-170 caps it at 24,576 on mainnet)."""
        return (len(self.runtime) - 2) // 2


def compile_contract(source: str, name: str) -> Compiled:
    """Compile one self-contained source and return contract `name` from it."""
    import solcx

    out = solcx.compile_standard(standard_input({f"{name}.sol": source}, OUTPUTS), solc_version=SOLC_VERSION)
    contract = out["contracts"][f"{name}.sol"][name]
    return Compiled(
        name,
        contract["abi"],
        "0x" + contract["evm"]["bytecode"]["object"],
        "0x" + contract["evm"]["deployedBytecode"]["object"],
    )

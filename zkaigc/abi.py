"""Contract ABIs as plain JSON, from Ape's compiled contract types: what web3 and the web app's ethers take.

Ape holds a contract's ABI as pydantic models (`ContractType.abi`); `w3.eth.contract` and ethers want the Solidity
JSON ABI. One conversion, for the web app, the benchmarks and the tests' untraced chain, which drive contracts
compiled by Ape through plain web3.
"""

from __future__ import annotations


def json_abi(contract) -> list[dict]:
    """The Solidity JSON ABI of an Ape contract type, container (`project.Name`) or instance."""
    contract_type = getattr(contract, "contract_type", contract)
    return [item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in contract_type.abi]


def web3_contract(w3, contract, address: str | None = None):
    """A web3 contract for an Ape contract type or container: the one at `address`, or (without an address) a
    factory with its creation code, for `.constructor(...).transact(...)`."""
    contract_type = getattr(contract, "contract_type", contract)
    if address is None:
        return w3.eth.contract(abi=json_abi(contract_type), bytecode=contract_type.deployment_bytecode.bytecode)
    return w3.eth.contract(address=address, abi=json_abi(contract_type))

"""Shared fixtures: role-named accounts on the local anvil chain and contract factories."""

import pytest


@pytest.fixture(scope="session")
def deployer(accounts):
    """Deploys contracts and owns the foundation's smoke NFT."""
    return accounts[0]


@pytest.fixture(scope="session")
def vendor(accounts):
    """A model vendor: publishes a model as an ERC-7007 collection."""
    return accounts[1]


@pytest.fixture(scope="session")
def user(accounts):
    """A user who pays for generations and receives the NFTs."""
    return accounts[2]


@pytest.fixture(scope="session")
def prover(accounts):
    """Runs the model and submits proofs."""
    return accounts[3]


@pytest.fixture(scope="session")
def stranger(accounts):
    """An account with no role anywhere."""
    return accounts[4]


@pytest.fixture
def first_nft(project, deployer):
    """A fresh FirstNFT owned by the deployer."""
    return project.FirstNFT.deploy(deployer, sender=deployer)


@pytest.fixture(scope="session")
def compile_solidity():
    """Factory: compile a Solidity source string (optimized, as the project is) into a deployable container.

    Goes through py-solc-x's registered compiler (the solc-js adapter offline), like `ape compile` does.
    """
    import solcx
    from ape.contracts import ContractContainer
    from ethpm_types import ContractType

    def compile_(source: str, name: str) -> ContractContainer:
        output = solcx.compile_standard(
            {
                "language": "Solidity",
                "sources": {f"{name}.sol": {"content": source}},
                "settings": {
                    "optimizer": {"enabled": True, "runs": 200},
                    "evmVersion": "shanghai",
                    "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}},
                },
            },
            solc_version="0.8.20",
        )
        compiled = output["contracts"][f"{name}.sol"][name]
        contract_type = ContractType.model_validate(
            {
                "contractName": name,
                "abi": compiled["abi"],
                "deploymentBytecode": {"bytecode": "0x" + compiled["evm"]["bytecode"]["object"]},
                "runtimeBytecode": {"bytecode": "0x" + compiled["evm"]["deployedBytecode"]["object"]},
            }
        )
        return ContractContainer(contract_type)

    return compile_

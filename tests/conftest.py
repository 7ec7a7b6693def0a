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

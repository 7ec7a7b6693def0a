"""Shared fixtures: role-named accounts on the local anvil chain, models, collections and contract factories.

The classes behind them live in tests/support/ (models, the untraced chain, tokenURI decoding, pure helpers).
"""

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import redis
from ape.contracts import ContractContainer
from ape.utils import ZERO_ADDRESS
from eth_utils import keccak
from ethpm_types import ContractType

from proofs.model_artifacts import ModelArtifacts, committed_models
from support.chain import PlainChain
from support.helpers import TEST_CARD
from support.metadata import TokenMetadata
from support.models import ENCODING_FIELDS, ProvenModel
from zkaigc import client
from zkaigc.deploy import Deployer
from zkaigc.localchain import free_port
from zkaigc.solidity import compile_contract

pytest_plugins = ["support.fast_ape", "support.strict_reverts"]


@pytest.fixture(scope="session")
def deployer(accounts):
    """Deploys contracts that belong to no vendor (verifiers, the marketplace in tests)."""
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


@pytest.fixture(scope="session")
def compile_solidity():
    """Factory: compile a Solidity source string (optimized, as the project is) into a deployable container.

    Goes through py-solc-x's registered compiler (the solc-js adapter offline), like `ape compile` does.
    """

    def compile_(source: str, name: str) -> ContractContainer:
        compiled = compile_contract(source, name)
        contract_type = ContractType.model_validate(
            {
                "contractName": name,
                "abi": compiled.abi,
                "deploymentBytecode": {"bytecode": compiled.bytecode},
                "runtimeBytecode": {"bytecode": compiled.runtime},
            }
        )
        return ContractContainer(contract_type)

    return compile_


@pytest.fixture(scope="session")
def force_eth(compile_solidity, deployer):
    """Factory: send `amount` wei into `target` without calling it (a self-destructing contract, as ETH forced in
    by selfdestruct arrives): no code of `target` runs, so a market counts it as its `surplus()`."""
    source = """
// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;
contract ForcedEther {
    constructor(address payable to) payable { selfdestruct(to); }
}
"""
    container = compile_solidity(source, "ForcedEther")

    def force(target, amount: int) -> None:
        before = target.balance
        container.deploy(target, value=amount, sender=deployer)
        assert target.balance == before + amount

    return force


# ---------------------------------------------------------------------------------------------------------------
# ERC-7007 collections: models, their real verifiers, proven samples and collections.
# ---------------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def micro():
    """The `micro` model (4 latent bytes -> 4×4 grayscale) with its committed sample."""
    return ProvenModel("micro")


@pytest.fixture(scope="session")
def micro_verifier(project, deployer):
    """micro's real ezkl-generated Halo2 verifier, deployed once."""
    return project.MicroVerifier.deploy(sender=deployer)


@pytest.fixture(scope="session")
def deploy_collection(project, vendor):
    """Factory: deploy an ERC7007Collection for a model (defaults: the model's name/symbol, no minter)."""

    def deploy(
        model,
        verifier,
        minter=ZERO_ADDRESS,
        name=None,
        symbol="AIGC",
        container=None,
        model_hash=None,
        card=TEST_CARD,
        **overrides,
    ):
        encoding = list(model.encoding_tuple)
        fields = list(ENCODING_FIELDS)
        for key, value in overrides.items():
            encoding[fields.index(key)] = value
        container = container or project.ERC7007Collection
        return container.deploy(
            name or f"zkaigc {model.name}",
            symbol,
            verifier,
            model_hash or model.model_hash,
            tuple(encoding),
            minter,
            vendor,
            card,
            sender=vendor,
        )

    return deploy


@pytest.fixture
def micro_collection(deploy_collection, micro, micro_verifier):
    """A fresh micro collection bound to the real verifier, with no minter (anyone with a proof may mint)."""
    return deploy_collection(micro, micro_verifier)


@pytest.fixture(scope="session")
def claim_prompt(chain):
    """Factory: commit, wait `MIN_COMMITMENT_AGE` and claim `prompt` for `claimant` (reveal sent by `sender`)."""

    def claim(collection, prompt: bytes, claimant, sender=None, salt: bytes = b"\x5a" * 32):
        sender = sender or claimant
        commitment = collection.makeCommitment(prompt, claimant, salt)
        collection.commit(commitment, sender=sender)
        chain.pending_timestamp += collection.MIN_COMMITMENT_AGE()
        return collection.claim(prompt, claimant, salt, sender=sender)

    return claim


@pytest.fixture(scope="session")
def collection_state(accounts):
    """Factory: everything a rejected call must leave unchanged about `prompt` on a collection."""

    def state(collection, prompt: bytes, commitments=()):
        token = int.from_bytes(keccak(prompt), "big")
        try:
            owner = collection.ownerOf(token)
        except Exception:  # noqa: BLE001 - ERC721NonexistentToken: no owner
            owner = None
        return {
            "owner": owner,
            "balances": [collection.balanceOf(a) for a in accounts[:5]],
            "claim": tuple(collection.claimOf(prompt)),
            "commitments": [collection.commitmentTimestamp(c) for c in commitments],
        }

    return state


@pytest.fixture(scope="session")
def micro_fresh(micro, tmp_path_factory):
    """A freshly proven micro sample (ezkl, now) for a prompt other than the committed sample's."""
    prompt = bytes.fromhex("9c3f07e1")
    assert prompt != micro.sample.prompt
    return micro.prove(prompt, tmp_path_factory.mktemp("micro-fresh"))


@pytest.fixture(scope="session")
def plain_chain(project):
    """A step-tracing-free anvil for end-to-end tests with large models (started on first use)."""
    chain = PlainChain(project)
    yield chain
    chain.close()


def pytest_generate_tests(metafunc):
    """Tests that take `proven_model_name` run once per committed model (`proofs.model_artifacts.committed_models`)."""
    if "proven_model_name" in metafunc.fixturenames:
        slow = pytest.mark.slow  # every model but micro proves or deploys a big circuit
        metafunc.parametrize(
            "proven_model_name", [n if n == "micro" else pytest.param(n, marks=slow) for n in committed_models()]
        )


@pytest.fixture(scope="session")
def load_model():
    """Factory: the `ProvenModel` of a committed model, by name."""
    return ProvenModel


@pytest.fixture(scope="session")
def token_metadata():
    """The tokenURI decoding helpers (`TokenMetadata`)."""
    return TokenMetadata


@pytest.fixture(scope="session")
def scratch_model(tmp_path_factory):
    """Factory: a throwaway ezkl model (torch module -> ONNX -> settings -> setup with a fresh dev SRS) in tmp.

    Returns its `ModelArtifacts`; nothing is written into the repository.
    """
    import torch

    def build(name: str, module, config, latent_dim: int = 4):
        root = tmp_path_factory.mktemp(name)
        art = ModelArtifacts(
            name, root=root / "artifacts", cache_root=root / "cache", verifiers_root=root / "v", srs_root=root / "srs"
        )
        art.dir.mkdir(parents=True)
        torch.onnx.export(
            module.eval(),
            torch.zeros(1, latent_dim),
            art.onnx,
            input_names=["latent"],
            output_names=["image"],
            dynamo=False,
        )
        art.gen_settings(config)
        art.setup(srs_kind="dev", write_vk=True)
        return art

    return build


@pytest.fixture
def broker(tmp_path):
    """A redis-server of the test's own; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: run `make setup` (tools/redis.sh)")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(timeout=10)


# ---------------------------------------------------------------------------------------------------------------
# The prover's side: micro deployed as `ape run deploy` deploys it, requests paid as a user pays for them.
# ---------------------------------------------------------------------------------------------------------------
class MicroDeployment(NamedTuple):
    """What the project's `Deployer` deployed for micro: the marketplace, the collection and its manifest."""

    market: Any
    collection: Any
    manifest: Path


@pytest.fixture(scope="session")
def micro_art(micro):
    """micro's committed `ModelArtifacts`, as the deployer and the prover read them."""
    return micro.art


@pytest.fixture(scope="session")
def micro_deployment(project, chain, vendor, prover, tmp_path_factory):
    """The marketplace and a micro collection (its single and batch verifiers) deployed once by the `Deployer`,
    `prover` allowed. Ape's isolation reverts what each test module does on chain, so every module starts here."""
    path = tmp_path_factory.mktemp("deploy") / "manifest.json"
    deployer = Deployer(project, chain, vendor, log=lambda m: None, manifest_path=path, prover=prover.address)
    deployed = deployer.all(["micro"])
    return MicroDeployment(deployed["marketplace"], deployed["micro"], path)


@pytest.fixture(scope="session")
def request_micro(chain, micro_art, micro_deployment):
    """Factory: `requester` claims micro's prompt for `values` and pays for its generation (`zkaigc.client`), on
    the deployed collection or another listed `collection`; returns the `Request`."""

    def request(values, requester, ttl=3600, collection=None):
        collection = collection or micro_deployment.collection
        prompt = micro_art.encoding().encode_prompt(values)
        client.claim_prompt(chain, collection, prompt, requester)
        return client.request_generation(chain, micro_deployment.market, collection, prompt, requester, ttl=ttl)

    return request

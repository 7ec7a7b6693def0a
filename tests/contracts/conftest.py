"""The collection tests' shared fixtures (tests/contracts/; the fixtures every suite uses live in tests/conftest.py):
batch collections on micro's real batch-4 verifier, and trait-prompt collections on a stub verifier.
"""

import json

import pytest
from ape.utils import ZERO_ADDRESS

from proofs.proven import ProvenBatch
from support.batch import SIZE
from support.helpers import TEST_CARD, token_of
from support.marketdata import SPACE, STUB_TAG, TRAIT_ENCODING, ZERO


# ------------------------------------------------------------------------------------------------ batch mints
# For test_erc7007_batch*.py: micro's committed batch-4 sample and verifier, a batch collection, its claimants.
@pytest.fixture(scope="session")
def batch_sample(micro):
    """micro's committed batch-4 sample: 4 prompts, their images, one proof."""
    art = micro.art.batch_circuit(SIZE)
    return ProvenBatch.from_json(json.loads((art.samples / "sample-0.json").read_text()))


@pytest.fixture(scope="session")
def micro_batch_verifier(project, deployer):
    """micro's real batch-4 verifier (MicroBatch4Verifier), deployed once."""
    return project.MicroBatch4Verifier.deploy(sender=deployer)


@pytest.fixture(scope="session")
def claimants(accounts):
    """One claimant per slot, all distinct."""
    return [accounts[i] for i in (2, 4, 5, 6)]


@pytest.fixture(scope="session")
def deploy_batch_collection(project, vendor, micro, micro_verifier, micro_batch_verifier):
    """Factory: an ERC7007BatchCollection for micro with its single and batch-4 verifiers."""

    def deploy(minter=ZERO_ADDRESS, encoding=None, batch_verifiers=None):
        return project.ERC7007BatchCollection.deploy(
            "zkaigc micro",
            "AIGC",
            micro_verifier,
            micro.model_hash,
            encoding or micro.encoding_tuple,
            minter,
            vendor,
            TEST_CARD,
            [(SIZE, micro_batch_verifier)] if batch_verifiers is None else batch_verifiers,
            sender=vendor,
        )

    return deploy


@pytest.fixture
def claimed_batch(deploy_batch_collection, batch_sample, claim_prompt, claimants):
    """A fresh batch collection (no minter) with each slot's prompt claimed by its own claimant."""
    collection = deploy_batch_collection()
    for prompt, claimant in zip(batch_sample.prompts, claimants, strict=True):
        claim_prompt(collection, prompt, claimant)
    return collection


@pytest.fixture
def state(accounts):
    """Factory: everything a rejected batch must leave unchanged (owners, claims, balances of every slot)."""

    def snapshot(collection, prompts):
        owners = []
        for prompt in prompts:
            try:
                owners.append(collection.ownerOf(token_of(prompt)))
            except Exception:  # noqa: BLE001 - ERC721NonexistentToken: no owner
                owners.append(None)
        return {
            "owners": owners,
            "claims": [tuple(collection.claimOf(p)) for p in prompts],
            "balances": [collection.balanceOf(a) for a in accounts[:8]],
        }

    return snapshot


# ------------------------------------------------------------------------------------------------ trait prompts
# For test_erc7007_marketdata.py and test_erc7007_traits.py: trait-prompt collections on a stub verifier.
@pytest.fixture(scope="module")
def stub_verifier(project, deployer):
    return project.StubVerifier.deploy(STUB_TAG, sender=deployer)


@pytest.fixture(scope="module")
def deploy_trait_collection(project, vendor, stub_verifier):
    def deploy(table=None, minter=ZERO, encoding=TRAIT_ENCODING, card=TEST_CARD, sender=None):
        return project.ERC7007TraitCollection.deploy(
            "zkaigc traits",
            "TRAIT",
            stub_verifier,
            "0x" + "ab" * 32,
            encoding,
            minter,
            vendor,
            card,
            SPACE.table() if table is None else table,
            sender=sender or vendor,
        )

    return deploy


@pytest.fixture
def traits(deploy_trait_collection):
    """A 5-byte trait-prompt collection without a minter (anyone with a stub proof may mint)."""
    return deploy_trait_collection()

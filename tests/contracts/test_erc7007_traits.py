"""Trait prompts (`ERC7007TraitCollection`): refused outside their trait space at claim and at the marketplace's
request, before any payment, and named in the token's attributes; the trait table read back and checked at
construction; the Deployer and the client on trait collections.

Trait prompts run on a generic 5-byte trait space with a stub verifier (`contracts/test/StubVerifier.sol`: a
"proof" is `abi.encode(tag, instances)`), so no Nouns model or proof is needed; the real Nouns table is deployed
and read back too. The trait space and the fixtures: tests/support/marketdata.py, tests/contracts/conftest.py.
"""

import ape
import pytest
from eth_abi import encode

from support.helpers import TEST_CARD, token_of
from support.marketdata import (
    AIGC,
    SPACE,
    STUB_TAG,
    TRAIT_ENCODING,
    TRAIT_PROMPT,
    VALID,
    ZERO,
    attributes,
    read_data_uri,
)
from support.reverts import assert_reverts_with, custom_error
from zkaigc import client
from zkaigc.deploy import Deployer
from zkaigc.errors import DeploymentError, TraitSpaceError, ZkaigcError
from zkaigc.traitspace import NOUNS_KINDS, TraitSpace


def stub_proof(collection, prompt: bytes, aigc: bytes = AIGC) -> bytes:
    return encode(["uint256", "uint256[]"], [STUB_TAG, list(collection.publicInstances(prompt, aigc))])


# ------------------------------------------------------------------------------------------------ trait prompts
def test_trait_name_and_kind_read_back_the_table_if_deployed(traits):
    assert traits.traitPositions() == 5
    for position, (kind, names) in enumerate(zip(SPACE.kinds, SPACE.names, strict=True)):
        assert tuple(traits.traitKind(position)) == (kind, len(names))
        for value, name in enumerate(names):
            assert traits.traitName(position, value) == name


def test_trait_name_reverts_if_value_is_past_the_kind(traits):
    with ape.reverts(traits.ERC7007PromptTraitOutOfRange, position=3, kind="head", value=5, limit=5):
        traits.traitName(3, 5)


@pytest.mark.parametrize(
    "prompt,position,kind,value,limit",
    [
        (bytes([2, 0, 0, 0, 0]), 0, "background", 2, 2),
        (bytes([0, 3, 0, 0, 0]), 1, "body", 3, 3),
        (bytes([1, 2, 4, 1, 5]), 2, "accessory", 4, 4),
        (bytes([0, 0, 0, 0xFF, 0]), 3, "head", 255, 5),
        (bytes([0, 0, 0, 0, 6]), 4, "glasses", 6, 6),
    ],
)
def test_claim_reverts_if_prompt_trait_is_out_of_range(
    traits, user, chain, collection_state, prompt, position, kind, value, limit
):
    salt = b"\x5a" * 32
    commitment = traits.makeCommitment(prompt, user, salt)
    traits.commit(commitment, sender=user)
    chain.pending_timestamp += traits.MIN_COMMITMENT_AGE()
    before = collection_state(traits, prompt, [commitment])
    with ape.reverts(traits.ERC7007PromptTraitOutOfRange, position=position, kind=kind, value=value, limit=limit):
        traits.claim(prompt, user, salt, sender=user)
    assert collection_state(traits, prompt, [commitment]) == before
    with pytest.raises(TraitSpaceError, match=f"prompt byte {position} \\({kind}\\) is {value}"):
        SPACE.check(prompt)  # the Python check says the same


def test_check_prompt_reverts_if_trait_out_of_range_and_passes_if_inside(traits):
    traits.checkPrompt(VALID)
    traits.checkPrompt(bytes([1, 2, 3]))  # only the positions a prompt has; its length is the claim's check
    with ape.reverts(traits.ERC7007PromptTraitOutOfRange, position=4, kind="glasses", value=9, limit=6):
        traits.checkPrompt(bytes([0, 0, 0, 0, 9]))


def test_claim_reverts_with_length_error_if_prompt_is_not_the_trait_space_length(traits, user, chain):
    prompt = bytes([9, 9, 9, 9])
    commitment = traits.makeCommitment(prompt, user, b"\x5a" * 32)
    traits.commit(commitment, sender=user)
    chain.pending_timestamp += traits.MIN_COMMITMENT_AGE()
    with ape.reverts(traits.ERC7007InvalidPromptLength, length=4, expected=5):
        traits.claim(prompt, user, b"\x5a" * 32, sender=user)


def test_token_uri_names_the_prompts_traits_if_minted_on_a_trait_collection(traits, claim_prompt, user, prover):
    claim_prompt(traits, VALID, user)
    traits.mint(VALID, AIGC, "", stub_proof(traits, VALID), sender=prover)
    meta = read_data_uri(traits.tokenURI(token_of(VALID)))
    assert attributes(meta) == {
        "Model": "zkaigc traits",
        "Model commitment": "0x" + "ab" * 32,
        "Training data license": "CC0-1.0",
        "background": "warm",
        "body": "body-2",
        "accessory": "acc-3",
        "head": 'he"ad\\1',
        "glasses": "glasses-5",
    }
    assert dict(SPACE.traits(VALID)) == {k: v for k, v in attributes(meta).items() if k in NOUNS_KINDS}


def test_claim_costs_little_more_gas_if_collection_checks_traits(
    traits, project, vendor, stub_verifier, claim_prompt, user
):
    plain = project.ERC7007Collection.deploy(
        "plain", "P", stub_verifier, "0x" + "ab" * 32, TRAIT_ENCODING, ZERO, vendor, TEST_CARD, sender=vendor
    )
    with_traits = claim_prompt(traits, VALID, user).gas_used
    without = claim_prompt(plain, VALID, user).gas_used
    assert 0 < with_traits - without < 1_000, (with_traits, without)  # measured: 713 gas


def test_request_generation_reverts_before_payment_if_prompt_trait_is_out_of_range(
    project, deployer, deploy_trait_collection, vendor, user, chain
):
    market = project.ModelMarketplace.deploy(deployer, 0, sender=deployer)
    collection = deploy_trait_collection(minter=market)
    market.list(collection, vendor, 0, 10**15, 0, sender=vendor)
    prompt = bytes([1, 2, 3, 7, 5])  # head 7 of 5
    deadline = chain.pending_timestamp + 3600
    state = (market.balance, market.totalEscrowed(), market.requestCount(), market.quote(collection)[0])
    error = custom_error(collection.ERC7007PromptTraitOutOfRange, 3, "head", 7, 5)
    balance = user.balance
    receipt = assert_reverts_with(
        chain, market.requestGeneration, collection, prompt, 10**15, deadline, sender=user, error=error, value=10**15
    )
    assert user.balance == balance - receipt["gasUsed"] * receipt["effectiveGasPrice"]  # only gas: nothing paid
    assert (market.balance, market.totalEscrowed(), market.requestCount(), market.quote(collection)[0]) == state


def test_constructor_reverts_if_trait_positions_differ_from_prompt_length(project, deploy_trait_collection):
    with ape.reverts(project.ERC7007TraitCollection.ERC7007TraitSpaceMismatch, positions=5, promptLength=4):
        deploy_trait_collection(encoding=(4, 16, 7, 7, 4, 4, 1, 1, 7))


@pytest.mark.parametrize(
    "table,offset",
    [
        (SPACE.table()[:-1], len(SPACE.table()) - 1),  # the last name cut short
        (b"", None),  # no position
        (b"\x00", 0),  # an empty kind
        (b"\x01k\x00\x00", 2),  # a kind with no ids
        (b"\x01k\x01\x01" + b"\x00" * 257, 2),  # 257 ids: more than a byte can name
    ],
    ids=["truncated", "empty", "empty-kind", "no-ids", "too-many-ids"],
)
def test_constructor_reverts_if_trait_table_is_malformed(project, deploy_trait_collection, table, offset):
    container = project.ERC7007TraitCollection
    if offset is None:
        with ape.reverts(container.ERC7007TraitSpaceMismatch, positions=0, promptLength=5):
            deploy_trait_collection(table=table)
    else:
        with ape.reverts(container.ERC7007InvalidTraitTable, offset=offset):
            deploy_trait_collection(table=table)


def test_nouns_trait_table_names_every_part_if_deployed(deploy_trait_collection):
    nouns = TraitSpace.nouns()
    assert nouns.limits[1:] == (30, 143, 254, 23) and nouns.kinds == NOUNS_KINDS
    collection = deploy_trait_collection(table=nouns.table())
    for position, names in enumerate(nouns.names):
        assert tuple(collection.traitKind(position)) == (nouns.kinds[position], len(names))
        assert collection.traitName(position, len(names) - 1) == names[-1]
    assert collection.traitName(3, 0) == nouns.names[3][0]
    with ape.reverts(collection.ERC7007PromptTraitOutOfRange, position=3, kind="head", value=254, limit=254):
        collection.checkPrompt(bytes([0, 0, 0, 254, 0]))


def test_trait_space_check_raises_one_line_if_prompt_has_the_wrong_length():
    with pytest.raises(TraitSpaceError, match="a trait prompt is 5 bytes .* not 4"):
        SPACE.check(bytes(4))


def test_deployer_deploys_a_trait_collection_if_given_a_trait_space(project, chain, vendor, tmp_path):
    # pixel32 (16-byte prompts, no batch circuits) stands in for the coming Nouns model: 16 kinds of 3 ids (a small
    # table: the constructor's parse is step-traced on the suite's anvil).
    space = TraitSpace(tuple(f"k{i}" for i in range(16)), tuple(("v0", "v1", "v2") for _ in range(16)))
    deployer = Deployer(project, chain, vendor, log=lambda m: None, manifest_path=tmp_path / "manifest.json")
    market = deployer.marketplace()
    collection = deployer.model("pixel32", market, trait_space=space)
    assert deployer.manifest.contract("pixel32.collection")["contract"] == "ERC7007TraitCollection"
    assert collection.supportsInterface(TRAIT_PROMPT) and collection.traitPositions() == 16
    assert tuple(collection.traitKind(15)) == ("k15", 3) and collection.traitName(15, 2) == "v2"
    assert read_data_uri(collection.contractURI())["srs_kind"] == "development"
    assert tuple(collection.royaltyInfo(0, 10_000)) == (vendor.address, 500)
    with ape.reverts(collection.ERC7007PromptTraitOutOfRange, position=15, kind="k15", value=3, limit=3):
        collection.checkPrompt(bytes(15) + bytes([3]))


def test_deployer_refuses_a_trait_space_if_model_has_batch_circuits(project, chain, vendor, tmp_path):
    space = TraitSpace(tuple(f"k{i}" for i in range(4)), ((("a", "b"),) * 4))
    deployer = Deployer(project, chain, vendor, log=lambda m: None, manifest_path=tmp_path / "manifest.json")
    with pytest.raises(DeploymentError, match="micro: a trait-prompt collection takes no batch proofs"):
        deployer.model("micro", deployer.marketplace(), trait_space=space)


def test_client_claim_prompt_refuses_before_the_commit_if_prompt_is_outside_the_trait_space(traits, chain, user):
    assert "0x" + client.TRAIT_PROMPT_INTERFACE_ID.hex() == TRAIT_PROMPT
    nonce = user.nonce
    with pytest.raises(ZkaigcError, match=r"prompt byte 3 \(head\) is 9; head ids are 0 to 4"):
        client.claim_prompt(chain, traits, bytes([1, 2, 3, 9, 5]), user)
    assert user.nonce == nonce  # nothing sent, nothing paid
    client.claim_prompt(chain, traits, VALID, user)  # inside the space: committed and claimed
    assert traits.claimOf(VALID)[0] == user.address

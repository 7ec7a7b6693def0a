"""What marketplaces and wallets read from a collection: ERC-2981 royalties, the ERC-7572 model card
(`contractURI`), ERC-4906 refresh events, `attributes` in every tokenURI, ERC-165 ids, and trait prompts
(`ERC7007TraitCollection`): refused outside their trait space at claim and at the marketplace's request, before
any payment, and named in the token's attributes.

Trait prompts run on a generic 5-byte trait space with a stub verifier (`contracts/test/StubVerifier.sol`: a
"proof" is `abi.encode(tag, instances)`), so no Nouns model or proof is needed; the real Nouns table is deployed
and read back too.
"""

import base64
import json

import ape
import pytest
from eth_abi import encode
from eth_utils import keccak

from support.helpers import TEST_CARD, token_of
from support.reverts import assert_reverts_with, custom_error
from zkaigc import client
from zkaigc.deploy import Deployer
from zkaigc.errors import DeploymentError, TraitSpaceError, ZkaigcError
from zkaigc.traitspace import NOUNS_KINDS, TraitSpace

ZERO = "0x" + "00" * 20
MAX_UINT = 2**256 - 1
JSON_PREFIX = "data:application/json;base64,"
#: A 5-byte trait prompt's encoding: 5 prompt bytes -> a 4×4 gray grid (14 bytes of aigcData).
TRAIT_ENCODING = (5, 16, 7, 7, 4, 4, 1, 1, 7)
AIGC = bytes(range(1, 15))
STUB_TAG = 7
#: A small trait space with Nouns' kinds; one name has JSON's special characters.
SPACE = TraitSpace(
    NOUNS_KINDS,
    (
        ("cool", "warm"),
        ("body-0", "body-1", "body-2"),
        ("acc-0", "acc-1", "acc-2", "acc-3"),
        ("head-0", 'he"ad\\1', "head-2", "head-3", "head-4"),
        ("glasses-0", "glasses-1", "glasses-2", "glasses-3", "glasses-4", "glasses-5"),
    ),
)
VALID = bytes([1, 2, 3, 1, 5])


def strict_json(text: str) -> dict:
    """JSON as a strict marketplace parser reads it: no duplicate keys, no NaN."""

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    def no_constant(name):
        raise AssertionError(name)

    return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constant)


def read_data_uri(uri: str) -> dict:
    assert uri.startswith(JSON_PREFIX)
    return strict_json(base64.b64decode(uri[len(JSON_PREFIX) :], validate=True).decode("utf-8"))


def attributes(meta: dict) -> dict:
    attrs = meta["attributes"]
    assert all(set(a) == {"trait_type", "value"} and isinstance(a["value"], str) for a in attrs)
    return {a["trait_type"]: a["value"] for a in attrs}


def selector(signature: str) -> int:
    return int.from_bytes(keccak(text=signature)[:4], "big")


def interface_id(*signatures: str) -> str:
    value = 0
    for s in signatures:
        value ^= selector(s)
    return f"0x{value:08x}"


# ------------------------------------------------------------------------------------------------ fixtures
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


def stub_proof(collection, prompt: bytes, aigc: bytes = AIGC) -> bytes:
    return encode(["uint256", "uint256[]"], [STUB_TAG, list(collection.publicInstances(prompt, aigc))])


@pytest.fixture
def minted(micro_collection, micro, claim_prompt, user, prover):
    """micro's sample minted on a fresh collection; returns its token id."""
    s = micro.sample
    claim_prompt(micro_collection, s.prompt, user)
    micro_collection.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    return token_of(s.prompt)


# ------------------------------------------------------------------------------------------------ ERC-2981
def test_royalty_info_pays_the_vendor_the_rate_set_at_deployment_if_asked_for_any_token(micro_collection, vendor):
    assert micro_collection.royaltyBps() == TEST_CARD[3] == 500
    assert tuple(micro_collection.royaltyInfo(1, 10**18)) == (vendor.address, 5 * 10**16)
    assert tuple(micro_collection.royaltyInfo(MAX_UINT, 19_999)) == (vendor.address, 999)  # rounds down
    assert tuple(micro_collection.royaltyInfo(1, 0)) == (vendor.address, 0)
    assert micro_collection.royaltyInfo(1, MAX_UINT)[1] == MAX_UINT * 500 // 10_000  # no overflow (mulDiv)


def test_set_royalty_changes_the_rate_if_sent_by_the_vendor(micro_collection, vendor):
    tx = micro_collection.setRoyalty(1_000, sender=vendor)
    assert [(e.receiver, e.bps) for e in tx.events] == [(vendor.address, 1_000)]
    assert tuple(micro_collection.royaltyInfo(1, 10_000)) == (vendor.address, 1_000)
    micro_collection.setRoyalty(0, sender=vendor)
    assert tuple(micro_collection.royaltyInfo(1, 10_000)) == (vendor.address, 0)


def test_set_royalty_reverts_if_rate_is_above_the_cap(micro_collection, vendor):
    assert micro_collection.MAX_ROYALTY_BPS() == 1_000
    with ape.reverts(micro_collection.ERC7007RoyaltyTooHigh, bps=1_001, max=1_000):
        micro_collection.setRoyalty(1_001, sender=vendor)
    assert micro_collection.royaltyBps() == 500


def test_set_royalty_reverts_if_sender_is_not_the_vendor(micro_collection, vendor, stranger):
    with ape.reverts(micro_collection.ERC7007UnauthorizedVendor, caller=stranger.address, vendor=vendor.address):
        micro_collection.setRoyalty(1, sender=stranger)
    assert micro_collection.royaltyBps() == 500


def test_constructor_reverts_if_royalty_is_above_the_cap(project, deploy_collection, micro, micro_verifier):
    with ape.reverts(project.ERC7007Collection.ERC7007RoyaltyTooHigh, bps=1_001, max=1_000):
        deploy_collection(micro, micro_verifier, card=(*TEST_CARD[:3], 1_001))


# ------------------------------------------------------------------------------------------------ ERC-7572
def test_contract_uri_is_the_model_card_if_read_as_a_marketplace_reads_it(
    micro_collection, micro, micro_verifier, vendor
):
    card = read_data_uri(micro_collection.contractURI())
    assert card == {
        "name": "zkaigc micro",
        "description": TEST_CARD[0],
        "model_hash": micro.model_hash,
        "verifier": micro_verifier.address.lower(),
        "srs_kind": "development",
        "training_data_license": "CC0-1.0",
        "seller_fee_basis_points": 500,
        "fee_recipient": vendor.address.lower(),
    }
    assert micro_collection.srsKind() == "development"
    assert micro_collection.trainingDataLicense() == "CC0-1.0"
    assert micro_collection.modelDescription() == TEST_CARD[0]


def test_contract_uri_escapes_the_card_if_it_has_json_special_characters(deploy_collection, micro, micro_verifier):
    description, license_ = 'A "model"\\ with\nlines\t\x01 ünï </svg>', 'CC-BY "4.0"'
    collection = deploy_collection(micro, micro_verifier, name='zk "x"', card=(description, license_, "ceremony", 0))
    card = read_data_uri(collection.contractURI())
    assert (card["name"], card["description"], card["training_data_license"], card["srs_kind"]) == (
        'zk "x"',
        description,
        license_,
        "ceremony",
    )


@pytest.mark.parametrize(
    "card,field,length,maximum",
    [
        (("", "CC0", "development", 0), "description", 0, 2048),
        (("x" * 2049, "CC0", "development", 0), "description", 2049, 2048),
        (("d", "", "development", 0), "license", 0, 256),
        (("d", "CC0", "", 0), "srsKind", 0, 32),
        (("d", "CC0", "s" * 33, 0), "srsKind", 33, 32),
    ],
    ids=["empty-description", "long-description", "empty-license", "empty-srs-kind", "long-srs-kind"],
)
def test_constructor_reverts_if_model_card_field_is_empty_or_too_long(
    project, deploy_collection, micro, micro_verifier, card, field, length, maximum
):
    with ape.reverts(project.ERC7007Collection.ERC7007InvalidModelCard, field=field, length=length, max=maximum):
        deploy_collection(micro, micro_verifier, card=card)


# ------------------------------------------------------------------------------------------------ ERC-4906
def test_set_model_card_emits_contract_uri_updated_and_batch_metadata_update_if_sent_by_the_vendor(
    micro_collection, minted, vendor
):
    tx = micro_collection.setModelCard("New description.", "CC0-1.0 (relicensed)", sender=vendor)
    names = [e.event_name for e in tx.events]
    assert names == ["ContractURIUpdated", "BatchMetadataUpdate"]
    batch = tx.events[1]
    assert (batch._fromTokenId, batch._toTokenId) == (0, MAX_UINT)  # every token id: ids are prompt hashes
    card = read_data_uri(micro_collection.contractURI())
    assert (card["description"], card["training_data_license"]) == ("New description.", "CC0-1.0 (relicensed)")
    assert card["srs_kind"] == "development"  # fixed at deployment
    meta = read_data_uri(micro_collection.tokenURI(minted))
    assert attributes(meta)["Training data license"] == "CC0-1.0 (relicensed)"  # what the event announced


def test_set_model_card_reverts_if_sender_is_not_the_vendor(micro_collection, vendor, stranger):
    before = micro_collection.contractURI()
    with ape.reverts(micro_collection.ERC7007UnauthorizedVendor, caller=stranger.address, vendor=vendor.address):
        micro_collection.setModelCard("Squatted.", "none", sender=stranger)
    assert micro_collection.contractURI() == before


def test_set_model_card_reverts_if_license_is_empty(micro_collection, vendor):
    before = micro_collection.contractURI()
    with ape.reverts(micro_collection.ERC7007InvalidModelCard, field="license", length=0, max=256):
        micro_collection.setModelCard("d", "", sender=vendor)
    assert micro_collection.contractURI() == before


# ------------------------------------------------------------------------------------------------ tokenURI
def test_token_uri_lists_model_name_commitment_and_license_as_attributes_if_minted(micro_collection, micro, minted):
    meta = read_data_uri(micro_collection.tokenURI(minted))
    assert meta["attributes"] == [
        {"trait_type": "Model", "value": "zkaigc micro"},
        {"trait_type": "Model commitment", "value": micro.model_hash},
        {"trait_type": "Training data license", "value": "CC0-1.0"},
    ]


# ------------------------------------------------------------------------------------------------ ERC-165
IERC2981 = interface_id("royaltyInfo(uint256,uint256)")
IERC4906 = "0x49064906"
IERC7572 = interface_id("contractURI()")
ROYALTY = interface_id("MAX_ROYALTY_BPS()", "royaltyBps()", "setRoyalty(uint96)")
MODEL_CARD = interface_id("modelDescription()", "trainingDataLicense()", "srsKind()", "setModelCard(string,string)")
TRAIT_PROMPT = interface_id(
    "traitPositions()", "traitKind(uint256)", "traitName(uint256,uint256)", "checkPrompt(bytes)"
)
ERC7007_IDS = ["0x702c55a6", "0xfa1a557a", "0xd40b3eaa", "0xa789d5f0", "0xcf1552cd"]


def test_supports_interface_reports_royalty_metadata_update_and_contract_uri_if_asked(micro_collection, traits):
    assert (IERC2981, IERC7572) == ("0x2a55205a", "0xe8a3d485")
    for collection in (micro_collection, traits):
        for iid in [IERC2981, IERC4906, IERC7572, ROYALTY, MODEL_CARD, "0x80ac58cd", "0x5b5e139f", "0x01ffc9a7"]:
            assert collection.supportsInterface(iid), iid
        for iid in ERC7007_IDS:
            assert collection.supportsInterface(iid), iid
        assert not collection.supportsInterface("0xffffffff")
    assert traits.supportsInterface(TRAIT_PROMPT)
    assert not micro_collection.supportsInterface(TRAIT_PROMPT)


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

"""What marketplaces and wallets read from a collection: ERC-2981 royalties, the ERC-7572 model card
(`contractURI`), ERC-4906 refresh events, `attributes` in every tokenURI, ERC-165 ids (a trait-prompt collection's
too). Trait prompts themselves: test_erc7007_traits.py.
"""

import ape
import pytest

from support.helpers import TEST_CARD, token_of
from support.marketdata import MAX_UINT, TRAIT_PROMPT, attributes, interface_id, read_data_uri


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

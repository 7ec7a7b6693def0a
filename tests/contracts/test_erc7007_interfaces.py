"""ERC-7007 collection: ERC-165 interface ids, constructor validation and the model-binding getters."""

import ape
import pytest
from eth_utils import keccak

from support.helpers import TEST_CARD
from support.models import ENCODING_FIELDS

ZERO = "0x0000000000000000000000000000000000000000"


def selector(signature: str) -> int:
    return int.from_bytes(keccak(text=signature)[:4], "big")


def interface_id(*signatures: str) -> str:
    value = 0
    for signature in signatures:
        value ^= selector(signature)
    return f"0x{value:08x}"


IERC7007 = interface_id("addAigcData(uint256,bytes,bytes,bytes)", "verify(bytes,bytes,bytes)")
IERC7007_ENUMERABLE = interface_id("tokenId(bytes)", "prompt(uint256)")
IERC7007_CLAIMABLE = interface_id(
    "MIN_COMMITMENT_AGE()",
    "MAX_COMMITMENT_AGE()",
    "CLAIM_TTL()",
    "makeCommitment(bytes,address,bytes32)",
    "commit(bytes32)",
    "commitmentTimestamp(bytes32)",
    "claim(bytes,address,bytes32)",
    "claimOf(bytes)",
)
IERC7007_MINTABLE = interface_id("mint(bytes,bytes,string,bytes)", "minter()")
IERC7007_ZKML = interface_id(
    "verifier()", "modelHash()", "encoding()", "publicInstances(bytes,bytes)", "aigcDataOf(uint256)"
)


def test_interface_ids_match_the_standard_and_the_documented_values():
    assert IERC7007 == "0x702c55a6"
    assert IERC7007_ENUMERABLE == "0xfa1a557a"
    # Documented in docs/contracts.md; a change here is an interface change for every integrator.
    assert IERC7007_CLAIMABLE == "0xd40b3eaa"
    assert IERC7007_MINTABLE == "0xa789d5f0"
    assert IERC7007_ZKML == "0xcf1552cd"


@pytest.mark.parametrize(
    "interface",
    [
        IERC7007,
        IERC7007_ENUMERABLE,
        IERC7007_CLAIMABLE,
        IERC7007_MINTABLE,
        IERC7007_ZKML,
        "0x80ac58cd",
        "0x5b5e139f",
        "0x01ffc9a7",
    ],
    ids=["IERC7007", "Enumerable", "Claimable", "Mintable", "Zkml", "IERC721", "IERC721Metadata", "IERC165"],
)
def test_supports_interface_returns_true_if_id_is_implemented(micro_collection, interface):
    assert micro_collection.supportsInterface(interface) is True


@pytest.mark.parametrize(
    "interface",
    ["0xffffffff", "0x00000000", "0x3f37dce2", "0x780e9d63"],
    ids=["invalid", "zero", "Updatable-opML", "IERC721Enumerable"],
)
def test_supports_interface_returns_false_if_id_is_not_implemented(micro_collection, interface):
    assert micro_collection.supportsInterface(interface) is False


def test_constructor_sets_model_binding_and_getters(micro_collection, micro, micro_verifier):
    c = micro_collection
    assert c.name() == "zkaigc micro" and c.symbol() == "AIGC"
    assert c.verifier() == micro_verifier.address
    assert c.modelHash() == bytes.fromhex(micro.model_hash[2:])
    assert tuple(c.encoding()) == micro.encoding_tuple == (4, 16, 7, 7, 4, 4, 1, 1, 8)
    assert c.minter() == ZERO
    assert (c.MIN_COMMITMENT_AGE(), c.MAX_COMMITMENT_AGE(), c.CLAIM_TTL()) == (60, 86400, 7 * 86400)


def test_constructor_reverts_if_verifier_has_no_code(deploy_collection, micro, stranger):
    with ape.reverts(micro_collection_type_error("ERC7007InvalidVerifier"), verifier=stranger.address):
        deploy_collection(micro, stranger.address)


def test_constructor_reverts_if_model_hash_is_zero(deploy_collection, micro, micro_verifier):
    with ape.reverts(micro_collection_type_error("ERC7007InvalidModelHash")):
        deploy_collection(micro, micro_verifier, model_hash="0x" + "00" * 32)


@pytest.mark.parametrize(
    "overrides",
    [
        {"channels": 2, "outputLen": 32},
        {"channels": 0, "outputLen": 0},
        {"outputLen": 17},
        {"width": 5},
        {"inputLen": 0},
        {"width": 0, "outputLen": 0},
        {"render": 0},
    ],
    ids=[
        "two-channels",
        "zero-channels",
        "output-len-mismatch",
        "width-mismatch",
        "no-input",
        "zero-width",
        "no-render",
    ],
)
def test_constructor_reverts_if_encoding_is_inconsistent(deploy_collection, micro, micro_verifier, overrides):
    e = dict(
        zip(
            ENCODING_FIELDS,
            micro.encoding_tuple,
            strict=True,
        )
    )
    e.update(overrides)
    with ape.reverts(
        micro_collection_type_error("ERC7007InvalidEncoding"),
        inputLen=e["inputLen"],
        outputLen=e["outputLen"],
        width=e["width"],
        height=e["height"],
        channels=e["channels"],
    ):
        deploy_collection(micro, micro_verifier, **overrides)


@pytest.mark.parametrize("digit_bits", [0, 6, 9, 16])
def test_constructor_reverts_if_digit_width_is_not_7_or_8(deploy_collection, micro, micro_verifier, digit_bits):
    with ape.reverts(micro_collection_type_error("ERC7007InvalidDigitWidth"), digitBits=digit_bits):
        deploy_collection(micro, micro_verifier, digitBits=digit_bits)


def micro_collection_type_error(name):
    """A custom error of ERC7007Collection, for reverts that happen before an instance exists."""
    from ape import project

    return getattr(project.ERC7007Collection, name)


def test_owner_is_the_vendor_set_at_deployment(micro_collection, vendor):
    assert micro_collection.owner() == vendor


def test_constructor_reverts_if_owner_is_zero(project, micro, micro_verifier, vendor):
    with ape.reverts(micro_collection_type_error("ERC7007InvalidOwner"), owner=ZERO):
        project.ERC7007Collection.deploy(
            "x", "X", micro_verifier, micro.model_hash, micro.encoding_tuple, ZERO, ZERO, TEST_CARD, sender=vendor
        )

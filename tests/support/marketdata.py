"""What the collection tests read the way marketplaces and wallets do (tests/contracts/test_erc7007_marketdata.py,
test_erc7007_traits.py): data URIs parsed as strict JSON, a token's attributes, ERC-165 interface ids; and the small
5-byte trait space (Nouns' kinds) the trait-prompt collections are deployed with, behind a stub verifier
(`contracts/test/StubVerifier.sol`: a "proof" is `abi.encode(tag, instances)`)."""

import base64
import json

from eth_utils import keccak

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


TRAIT_PROMPT = interface_id(
    "traitPositions()", "traitKind(uint256)", "traitName(uint256,uint256)", "checkPrompt(bytes)"
)

"""ERC-7007 tokenURI: fully on-chain JSON whose image decodes to exactly the pipeline's pixels.

The same check runs for every committed model in test_erc7007_models.py; here: micro, escaping, and the bitmap
renderer on geometries no model has (odd widths need row padding), through `LibrariesHarness`.
"""

import json
import random

import ape
import pytest

from proofs.encoding import Encoding
from support.helpers import token_of


def test_token_uri_decodes_to_json_whose_image_has_the_pipelines_pixels(
    micro_collection, micro, micro_verifier, claim_prompt, user, prover, token_metadata
):
    s = micro.sample
    claim_prompt(micro_collection, s.prompt, user)
    micro_collection.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    token_metadata.check(
        micro_collection.tokenURI(token_of(s.prompt)),
        micro,
        s,
        micro_verifier.address,
        "zkaigc micro",
        png=micro.sample_png,
    )


def test_token_uri_reverts_if_token_does_not_exist(micro_collection):
    with ape.reverts(micro_collection.ERC721NonexistentToken, tokenId=5):
        micro_collection.tokenURI(5)


def test_token_uri_escapes_collection_name_if_it_has_json_special_characters(
    deploy_collection, micro, micro_verifier, claim_prompt, user, prover, token_metadata
):
    name = 'zk "AI" \\ gen\n\t\x01\x1f ünï </svg>'
    collection = deploy_collection(micro, micro_verifier, name=name)
    s = micro.sample
    claim_prompt(collection, s.prompt, user)
    collection.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    meta = token_metadata.parse_token_uri(collection.tokenURI(token_of(s.prompt)))
    assert meta["name"].startswith(name + " #0x")


@pytest.fixture(scope="module")
def libraries(project, deployer):
    return project.LibrariesHarness.deploy(sender=deployer)


@pytest.mark.parametrize(
    "width,height,channels,render",
    [
        (1, 1, 1, 1),
        (3, 2, 1, 1),
        (5, 3, 1, 3),
        (4, 4, 1, 2),
        (1, 3, 3, 1),
        (2, 2, 3, 4),
        (3, 5, 3, 1),
        (7, 2, 3, 2),
        (6, 4, 3, 3),
    ],
)
@pytest.mark.parametrize("digit_bits", [7, 8])
def test_bitmap_decodes_to_encoding_pixels_if_geometry_needs_row_padding(
    libraries, token_metadata, width, height, channels, render, digit_bits
):
    rng = random.Random(width * 100 + height * 10 + channels + digit_bits)
    enc = Encoding(
        input_len=1, output_len=width * height * channels, input_scale=7, output_scale=7, digit_bits=digit_bits
    )
    top = enc.digit_max
    values = [
        rng.choice([0, 1, top - 1, top]) if rng.random() < 0.3 else rng.randint(0, top)
        for _ in range(width * height * channels)
    ]
    aigc = enc.encode_aigc(values)
    bmp = bytes(libraries.bitmapOf(aigc, width, height, channels, render, digit_bits))
    if digit_bits == 7:  # the 7-bit entry point draws the same bytes
        assert bytes(libraries.bitmap(aigc, width, height, channels, render)) == bmp
    width, height = width * render, height * render  # the drawn image
    bytes_per_pixel = 1 if channels == 1 else 3
    row = (width * bytes_per_pixel + 3) // 4 * 4
    offset = 54 + (1024 if channels == 1 else 0)
    assert len(bmp) == offset + row * height
    assert int.from_bytes(bmp[2:6], "little") == len(bmp)
    for y in range(height):  # padding bytes are zero
        assert bmp[offset + y * row + width * bytes_per_pixel : offset + (y + 1) * row] == b"\x00" * (
            row - width * bytes_per_pixel
        )
    image = token_metadata.decode_bmp(bmp)
    assert image.size == (width, height)
    assert token_metadata.image_rows(image, channels) == token_metadata.expected_rows(
        enc.pixels(aigc), width // render, height // render, channels, render
    )


@pytest.mark.parametrize(
    "value,escaped",
    [
        ("plain", "plain"),
        ('a"b', 'a\\"b'),
        ("back\\slash", "back\\\\slash"),
        ("nl\ntab\t", "nl\\u000atab\\u0009"),
        ("\x00\x1f\x7f", "\\u0000\\u001f\x7f"),
        ("ünï €", "ünï €"),
        ("", ""),
    ],
)
def test_escape_returns_json_string_body_if_value_has_special_characters(libraries, value, escaped):
    result = libraries.escape(value)
    assert result == escaped
    assert json.loads(f'"{result}"') == value


def test_to_hex_returns_prefixed_lowercase_hex(libraries):
    assert libraries.toHex(b"") == "0x"
    assert libraries.toHex(bytes.fromhex("00ff10ab")) == "0x00ff10ab"

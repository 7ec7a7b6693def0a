"""ERC-7007 tokenURI: fully on-chain JSON whose image decodes to exactly the pipeline's pixels."""

import base64
import io
import json
import random
import xml.etree.ElementTree as ET

import pytest
from eth_utils import keccak
from PIL import Image

from proofs.encoding import Encoding

JSON_PREFIX = "data:application/json;base64,"
SVG_PREFIX = "data:image/svg+xml;base64,"
BMP_PREFIX = "data:image/bmp;base64,"


def token_of(prompt: bytes) -> int:
    return int.from_bytes(keccak(prompt), "big")


def decode_bmp(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "BMP"
    return image


def expected_rows(pixels: list[int], width: int, height: int, channels: int) -> list[list]:
    """Channel-major pixel values (Encoding.pixels) as rows of PIL pixels: ints for gray, (R, G, B) for color."""
    plane = width * height
    rows = []
    for y in range(height):
        row = []
        for x in range(width):
            values = tuple(pixels[c * plane + y * width + x] for c in range(channels))
            row.append(values[0] if channels == 1 else values)
        rows.append(row)
    return rows


def image_rows(image: Image.Image, channels: int) -> list[list]:
    image = image.convert("L" if channels == 1 else "RGB")
    return [[image.getpixel((x, y)) for x in range(image.width)] for y in range(image.height)]


def parse_token_uri(uri: str) -> dict:
    assert uri.startswith(JSON_PREFIX)
    raw = base64.b64decode(uri[len(JSON_PREFIX):], validate=True)
    return json.loads(raw.decode("utf-8"))  # strict: rejects unescaped control characters


def svg_bitmap(image_uri: str) -> tuple[ET.Element, bytes]:
    assert image_uri.startswith(SVG_PREFIX)
    svg = ET.fromstring(base64.b64decode(image_uri[len(SVG_PREFIX):], validate=True))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    (img,) = svg.findall("{http://www.w3.org/2000/svg}image")
    href = img.get("href")
    assert href.startswith(BMP_PREFIX)
    return svg, base64.b64decode(href[len(BMP_PREFIX):], validate=True)


def test_token_uri_decodes_to_json_whose_image_has_the_pipelines_pixels(micro_collection, micro, micro_verifier,
                                                                       claim_prompt, user, prover):
    s = micro.sample
    claim_prompt(micro_collection, s.prompt, user)
    micro_collection.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    check_metadata(micro_collection.tokenURI(token_of(s.prompt)), micro, s, micro_verifier.address,
                   "zkaigc micro", png=micro.sample_png)


def check_metadata(uri: str, model, sample, verifier_address: str, collection_name: str, png=None):
    """tokenURI -> strict JSON with the EIP fields -> SVG -> BMP whose pixels are Encoding.pixels(aigcData)."""
    token = token_of(sample.prompt)
    meta = parse_token_uri(uri)
    assert meta["name"] == f"{collection_name} #0x{token >> 224:08x}"
    assert meta["prompt"] == "0x" + sample.prompt.hex()
    assert meta["aigc_type"] == "image" and meta["proof_type"] == "zkML"
    assert meta["model_hash"] == model.model_hash
    assert meta["verifier"].lower() == verifier_address.lower()
    assert model.model_hash in meta["description"] and meta["prompt"] in meta["description"]

    w, h, c = model.width, model.height, model.channels
    expected = expected_rows(model.enc.pixels(sample.aigc), w, h, c)
    svg, bmp = svg_bitmap(meta["image"])
    assert svg.get("viewBox") == f"0 0 {w} {h}"
    assert image_rows(decode_bmp(bmp), c) == expected
    assert meta["aigc_data"] == BMP_PREFIX + base64.b64encode(bmp).decode()
    if png is not None:
        # The pipeline's PNG is the same image scaled up by nearest neighbour: sample each block's centre.
        image = Image.open(png).convert("L" if c == 1 else "RGB")
        scale = image.width // w
        assert image.size == (w * scale, h * scale)
        assert [[image.getpixel((x * scale + scale // 2, y * scale + scale // 2)) for x in range(w)]
                for y in range(h)] == expected


def test_token_uri_reverts_if_token_does_not_exist(micro_collection):
    import ape

    with ape.reverts(micro_collection.ERC721NonexistentToken, tokenId=5):
        micro_collection.tokenURI(5)


def test_token_uri_escapes_collection_name_if_it_has_json_special_characters(
        deploy_collection, micro, micro_verifier, claim_prompt, user, prover):
    name = 'zk "AI" \\ gen\n\t\x01\x1f ünï </svg>'
    collection = deploy_collection(micro, micro_verifier, name=name)
    s = micro.sample
    claim_prompt(collection, s.prompt, user)
    collection.mint(s.prompt, s.aigc, "", s.proof, sender=prover)
    meta = parse_token_uri(collection.tokenURI(token_of(s.prompt)))
    assert meta["name"].startswith(name + " #0x")


@pytest.fixture(scope="module")
def libraries(project, deployer):
    return project.LibrariesHarness.deploy(sender=deployer)


@pytest.mark.parametrize(
    "width,height,channels,scale",
    [(1, 1, 1, 0), (3, 2, 1, 7), (5, 3, 1, 8), (4, 4, 1, 7), (1, 3, 3, 7), (2, 2, 3, 4), (3, 5, 3, 7), (7, 2, 3, 15),
     (6, 4, 3, 10)],
)
def test_bitmap_decodes_to_encoding_pixels_if_geometry_needs_row_padding(libraries, width, height, channels,
                                                                          scale):
    rng = random.Random(width * 100 + height * 10 + channels)
    top = 2**scale
    pool = [-32768, -1, 0, 1, top - 1, top, top + 1, 32767]
    values = [rng.choice(pool) if rng.random() < 0.3 else rng.randint(-top // 4, top + top // 4)
              for _ in range(width * height * channels)]
    values = [max(-32768, min(32767, v)) for v in values]
    enc = Encoding(input_len=1, output_len=len(values), input_scale=0, output_scale=scale)
    aigc = enc.encode_aigc(values)
    bmp = bytes(libraries.bitmap(aigc, width, height, channels, scale))
    bytes_per_pixel = 1 if channels == 1 else 3
    row = (width * bytes_per_pixel + 3) // 4 * 4
    offset = 54 + (1024 if channels == 1 else 0)
    assert len(bmp) == offset + row * height
    assert int.from_bytes(bmp[2:6], "little") == len(bmp)
    for y in range(height):  # padding bytes are zero
        assert bmp[offset + y * row + width * bytes_per_pixel: offset + (y + 1) * row] == b"\x00" * (
            row - width * bytes_per_pixel)
    image = decode_bmp(bmp)
    assert image.size == (width, height)
    assert image_rows(image, channels) == expected_rows(enc.pixels(aigc), width, height, channels)


@pytest.mark.parametrize(
    "value,escaped",
    [("plain", "plain"), ('a"b', 'a\\"b'), ("back\\slash", "back\\\\slash"), ("nl\ntab\t", "nl\\u000atab\\u0009"),
     ("\x00\x1f\x7f", "\\u0000\\u001f\x7f"), ("ünï €", "ünï €"), ("", "")],
)
def test_escape_returns_json_string_body_if_value_has_special_characters(libraries, value, escaped):
    result = libraries.escape(value)
    assert result == escaped
    assert json.loads(f'"{result}"') == value


def test_to_hex_returns_prefixed_lowercase_hex(libraries):
    assert libraries.toHex(b"") == "0x"
    assert libraries.toHex(bytes.fromhex("00ff10ab")) == "0x00ff10ab"

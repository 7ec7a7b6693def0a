"""`TokenMetadata`: decoding an ERC-7007 tokenURI (base64 JSON -> SVG -> BMP -> pixels) and checking all of it."""

from __future__ import annotations

import base64
import io
import json
import xml.etree.ElementTree as ET

from eth_utils import keccak
from PIL import Image


class TokenMetadata:
    """Decoding an ERC-7007 tokenURI: base64 JSON -> SVG -> BMP -> pixels (Pillow), and the full check."""

    JSON_PREFIX = "data:application/json;base64,"
    SVG_PREFIX = "data:image/svg+xml;base64,"
    BMP_PREFIX = "data:image/bmp;base64,"
    SVG_NS = "{http://www.w3.org/2000/svg}"

    @staticmethod
    def decode_bmp(data: bytes):
        """A BMP's bytes as a loaded PIL image (fails if it is not a BMP)."""
        image = Image.open(io.BytesIO(data))
        image.load()
        assert image.format == "BMP"
        return image

    @staticmethod
    def expected_rows(pixels: list[int], width: int, height: int, channels: int, render: int = 1) -> list[list]:
        """Channel-major pixel values of a width×height grid (Encoding.pixels), each cell drawn render×render, as
        rows of PIL pixels: ints for gray, (R, G, B) else."""
        plane = width * height
        rows = []
        for y in range(height * render):
            row = []
            for x in range(width * render):
                values = tuple(pixels[c * plane + (y // render) * width + x // render] for c in range(channels))
                row.append(values[0] if channels == 1 else values)
            rows.append(row)
        return rows

    @staticmethod
    def image_rows(image, channels: int) -> list[list]:
        """A PIL image's pixels as rows, in the form `expected_rows` gives."""
        image = image.convert("L" if channels == 1 else "RGB")
        return [[image.getpixel((x, y)) for x in range(image.width)] for y in range(image.height)]

    @classmethod
    def parse_token_uri(cls, uri: str) -> dict:
        """tokenURI -> its JSON, parsed strictly."""
        assert uri.startswith(cls.JSON_PREFIX)
        raw = base64.b64decode(uri[len(cls.JSON_PREFIX) :], validate=True)
        return json.loads(raw.decode("utf-8"))  # strict: rejects unescaped control characters

    @classmethod
    def svg_bitmap(cls, image_uri: str):
        """(the SVG root element, the BMP bytes it shows)."""
        assert image_uri.startswith(cls.SVG_PREFIX)
        svg = ET.fromstring(base64.b64decode(image_uri[len(cls.SVG_PREFIX) :], validate=True))
        assert svg.tag == cls.SVG_NS + "svg"
        (img,) = svg.findall(cls.SVG_NS + "image")
        href = img.get("href")
        assert href.startswith(cls.BMP_PREFIX)
        return svg, base64.b64decode(href[len(cls.BMP_PREFIX) :], validate=True)

    @staticmethod
    def attributes(meta: dict) -> dict[str, str]:
        """`attributes` as OpenSea reads them: a list of {"trait_type", "value"} objects -> {trait_type: value}."""
        attrs = meta["attributes"]
        assert isinstance(attrs, list) and attrs
        for a in attrs:
            assert set(a) == {"trait_type", "value"}, a
            assert isinstance(a["trait_type"], str) and a["trait_type"] and isinstance(a["value"], str), a
        types = [a["trait_type"] for a in attrs]
        assert len(set(types)) == len(types), types  # one value per trait type
        return {a["trait_type"]: a["value"] for a in attrs}

    @classmethod
    def check(cls, uri: str, model, sample, verifier_address: str, collection_name: str, png=None):
        """tokenURI -> strict JSON with the EIP fields -> SVG -> BMP whose pixels are, pixel for pixel, the image
        drawn from the proof's public instances (decoded to digits, upsampled ×render); and, given the pipeline's
        PNG (the same image scaled up by nearest neighbour), the same pixels there."""
        token = int.from_bytes(keccak(sample.prompt), "big")
        meta = cls.parse_token_uri(uri)
        assert meta["name"] == f"{collection_name} #0x{token >> 224:08x}"
        assert meta["prompt"] == "0x" + sample.prompt.hex()
        assert meta["aigc_type"] == "image" and meta["proof_type"] == "zkML"
        assert meta["model_hash"] == model.model_hash
        assert meta["verifier"].lower() == verifier_address.lower()
        assert model.model_hash in meta["description"] and meta["prompt"] in meta["description"]
        traits = cls.attributes(meta)
        assert traits["Model"] == collection_name and traits["Model commitment"] == model.model_hash

        _, proven = model.enc.split_instances(sample.instances)  # what the proof's instances say
        assert proven == sample.aigc
        k = model.render
        expected = cls.expected_rows(model.enc.pixels(proven), model.width, model.height, model.channels, k)
        w, h, c = model.width * k, model.height * k, model.channels
        svg, bmp = cls.svg_bitmap(meta["image"])
        assert svg.get("viewBox") == f"0 0 {w} {h}"
        assert cls.image_rows(cls.decode_bmp(bmp), c) == expected
        assert meta["aigc_data"] == cls.BMP_PREFIX + base64.b64encode(bmp).decode()
        if png is not None:
            image = Image.open(png).convert("L" if c == 1 else "RGB")
            scale = image.width // w
            assert image.size == (w * scale, h * scale)
            assert [
                [image.getpixel((x * scale + scale // 2, y * scale + scale // 2)) for x in range(w)] for y in range(h)
            ] == expected
        return meta

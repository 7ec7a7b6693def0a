"""The real Nouns data: the RLE decoder against hand-built parts and the package's image data, compositing, split."""

import json

import numpy as np
import pytest

from models import nouns
from models.errors import NounsDataMissingError

PALETTE = ["", "ff0000", "00ff00"]


def _rle(top: int, right: int, bottom: int, left: int, runs: list[tuple[int, int]]) -> str:
    return "0x" + bytes([0, top, right, bottom, left, *[b for run in runs for b in run]]).hex()


def test_decode_rle_fills_bounds_in_reading_order_if_runs_wrap_rows():
    # a 3-wide, 2-high box at (x 4..6, y 1..2): red 4 (wraps onto row 2), transparent 1, green 1
    layer = nouns.decode_rle(_rle(1, 7, 2, 4, [(4, 1), (1, 0), (1, 2)]), PALETTE)
    assert layer.shape == (32, 32, 4)
    assert layer[1, 4:7].tolist() == [[255, 0, 0, 255]] * 3
    assert layer[2, 4].tolist() == [255, 0, 0, 255]
    assert layer[2, 5].tolist() == [0, 0, 0, 0]
    assert layer[2, 6].tolist() == [0, 255, 0, 255]
    assert int(layer[..., 3].astype(bool).sum()) == 5  # nothing drawn outside the box


def test_decode_rle_raises_if_runs_do_not_cover_the_bounds():
    with pytest.raises(ValueError, match="runs cover 5 pixels"):
        nouns.decode_rle(_rle(0, 3, 1, 0, [(5, 1)]), PALETTE)


def test_decode_rle_raises_if_colour_index_is_outside_palette():
    with pytest.raises(ValueError, match="outside the 3-colour palette"):
        nouns.decode_rle(_rle(0, 2, 0, 0, [(2, 3)]), PALETTE)


def test_load_art_decodes_every_part_within_its_bounds_if_package_installed():
    art = nouns.load_art()
    raw = json.loads(nouns.IMAGE_DATA.read_text())
    assert {k: art.count(k) for k in nouns.LAYERS} == {"bodies": 30, "accessories": 143, "heads": 254, "glasses": 23}
    for kind in nouns.LAYERS:
        for part, layer in zip(raw["images"][kind], art.parts[kind], strict=True):
            top, right, bottom, left = bytes.fromhex(part["data"][2:])[1:5]
            drawn = layer[..., 3] > 0
            outside = drawn.copy()
            outside[top : bottom + 1, left:right] = False
            assert not outside.any(), part["filename"]


def test_load_art_draws_known_part_pixels_if_decoding_the_first_head():
    art = nouns.load_art()
    assert art.names["heads"][0] == "head-aardvark"
    # head-aardvark: bounds rows 2..20, columns 6..29; its first run is 5 transparent, then one pixel of colour 0x38
    raw = json.loads(nouns.IMAGE_DATA.read_text())
    colour = raw["palette"][0x38]
    head = art.parts["heads"][0]
    assert head[2, 6:11, 3].tolist() == [0] * 5
    assert head[2, 11].tolist() == [int(colour[i : i + 2], 16) for i in (0, 2, 4)] + [255]
    assert not head[:2].any() and not head[21:].any()


def test_composite_draws_only_palette_colours_if_sampling_seeds():
    art = nouns.load_art()
    seeds = nouns.sample_seeds(art, 64, np.random.default_rng(0), np.arange(art.count("heads")))
    images = nouns.composite(art, seeds)
    assert images.shape == (64, 32, 32, 3) and images.dtype == np.uint8
    assert nouns.palette_share(nouns.to_tensor(images), art.palette) == 1.0
    # the background shows in the top-left corner, which no part covers
    assert (images[:, 0, 0] == art.backgrounds[seeds[:, 0]]).all()


def test_composite_draws_glasses_over_head_if_both_cover_a_pixel():
    art = nouns.load_art()
    seed = np.array([[0, 0, 0, 0, 0]])
    glasses = art.parts["glasses"][0]
    y, x = np.argwhere(glasses[..., 3] > 0)[0]
    assert nouns.composite(art, seed)[0, y, x].tolist() == glasses[y, x, :3].tolist()


def test_head_split_holds_out_heads_no_training_noun_has():
    art = nouns.load_art()
    train, held = nouns.head_split(art)
    assert len(held) > 0 and not set(train) & set(held)
    assert sorted([*train, *held]) == list(range(art.count("heads")))
    seeds = nouns.sample_seeds(art, 256, np.random.default_rng(1), train)
    assert not set(seeds[:, 3]) & set(held)


def test_load_art_raises_typed_error_if_package_is_missing(tmp_path):
    with pytest.raises(NounsDataMissingError, match="npm ci"):
        nouns.load_art(tmp_path / "image-data.json")

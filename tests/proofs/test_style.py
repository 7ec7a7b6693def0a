"""Style transfer (`proofs.style`, `python -m proofs encode`): image -> prompt; the preview is the proven image."""

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from models import nouns
from models import traits as trait_model
from proofs import style, traits
from proofs.build import prove_prompt
from proofs.model_artifacts import ModelArtifacts, committed_models


@pytest.fixture(scope="module")
def gradient(tmp_path_factory):
    """A 40×30 RGB photo stand-in: a horizontal red ramp over a vertical blue ramp."""
    x = np.linspace(0, 255, 40, dtype=np.uint8)[None, :].repeat(30, 0)
    y = np.linspace(0, 255, 30, dtype=np.uint8)[:, None].repeat(40, 1)
    path = tmp_path_factory.mktemp("img") / "gradient.png"
    Image.fromarray(np.stack([x, np.full_like(x, 90), y], axis=2)).save(path)
    return path


def test_load_image_crops_the_centre_square_if_image_is_wide(gradient):
    img = style.load_image(gradient, 30)  # 40×30 -> the centred 30×30 crop, columns 5..34
    assert img.shape == (3, 30, 30)
    ramp = np.linspace(0, 255, 40, dtype=np.uint8)
    assert np.allclose(img[0, 0] * 255, ramp[5:35], atol=0.5)


def test_load_image_is_grayscale_if_model_has_one_channel(gradient):
    assert style.load_image(gradient, 4, channels=1).shape == (1, 4, 4)


def test_encode_preview_equals_the_proven_image_if_its_prompt_is_proven(gradient, tmp_path):
    preview = tmp_path / "preview.png"
    result = style.encode(gradient, "micro", preview=preview)
    art = ModelArtifacts("micro", cache_root=tmp_path / "cache")
    sample, _ = prove_prompt(art, result.prompt, tmp_path / "prove")
    assert sample.prompt == result.prompt and sample.aigc == result.aigc
    from proofs.render import render_png

    proven_png = render_png(art, sample.aigc, tmp_path / "proven.png")
    assert np.array_equal(np.asarray(Image.open(preview)), np.asarray(Image.open(proven_png)))


def test_encode_gives_different_prompts_if_images_differ(gradient, tmp_path):
    dark = tmp_path / "dark.png"
    Image.new("RGB", (8, 8), (10, 10, 10)).save(dark)
    assert style.encode(gradient, "micro").prompt != style.encode(dark, "micro").prompt


def test_encode_raises_image_error_if_file_is_not_an_image(tmp_path):
    bogus = tmp_path / "notes.png"
    bogus.write_text("not an image")
    with pytest.raises(style.ImageError, match="cannot read an image"):
        style.encode(bogus, "micro")


def test_encode_cli_prints_one_line_error_if_file_is_not_an_image(tmp_path):
    bogus = tmp_path / "notes.png"
    bogus.write_text("not an image")
    run = subprocess.run(
        [sys.executable, "-m", "proofs", "encode", str(bogus), "--model", "micro"], capture_output=True, text=True
    )
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1].startswith("python -m proofs encode: cannot read an image")
    assert "Traceback" not in run.stderr


def test_photo_traits_is_deterministic_and_a_valid_prompt_if_given_a_photo(gradient):
    image = style.load_image(gradient, 32)
    seed = style.photo_traits(image)
    assert (style.photo_traits(image) == seed).all()
    assert seed.shape == (5,) and ((0 <= seed) & (seed < np.array(trait_model.counts()))).all()
    assert style.prompt_for(image, "nouns") == bytes(int(i) for i in seed)


@pytest.mark.parametrize("index", [0, 1, 2])
def test_photo_traits_draws_the_same_noun_if_the_photo_is_a_noun(index):
    """A real Noun as the photo: the search finds a Noun with exactly its pixels (ids may differ only where a part
    is wholly hidden, e.g. a body under a full-body accessory)."""
    art = nouns.load_art()
    seed = nouns.sample_seeds(art, 3, np.random.default_rng(11), np.arange(art.count("heads")))[index]
    photo = nouns.to_tensor(nouns.composite(art, seed[None]))[0].numpy()
    got = style.photo_traits(photo)
    assert np.array_equal(nouns.composite(art, got[None]), nouns.composite(art, seed[None]))


def test_photo_traits_gives_different_nouns_if_photos_differ(gradient):
    dark = np.full((3, 32, 32), 0.05, np.float32)
    assert (style.photo_traits(style.load_image(gradient, 32)) != style.photo_traits(dark)).any()


def test_encoder_input_is_the_art_grid_if_model_takes_traits():
    assert style.encoder_input("nouns") == (3, 32) and style.is_trait_model("nouns")
    assert not style.is_trait_model("micro") and style.STYLE_MODEL == "nouns"


@pytest.mark.slow  # a witness of the nouns circuit
@pytest.mark.skipif("nouns" not in committed_models(), reason="nouns is not built")
def test_encode_cli_prints_a_nouns_prompt_and_writes_its_preview_if_given_a_photo(gradient, tmp_path):
    out = tmp_path / "noun.png"
    run = subprocess.run(
        [sys.executable, "-m", "proofs", "encode", str(gradient), "--out", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    reply = json.loads(run.stdout)
    prompt = bytes.fromhex(reply["prompt"][2:])
    assert reply["model"] == "nouns" and prompt == style.prompt_for(style.load_image(gradient, 32), "nouns")
    assert reply["noun"] == traits.describe(prompt)
    assert out.exists() and Image.open(out).size[0] >= 64


@pytest.mark.slow  # a witness of the nouns circuit
@pytest.mark.skipif("nouns" not in committed_models(), reason="nouns is not built")
def test_encode_preview_equals_the_witness_of_the_searched_prompt_if_model_is_nouns(gradient, tmp_path):
    result = style.encode(gradient, "nouns", preview=tmp_path / "a.png")
    again = style.preview("nouns", result.prompt, tmp_path / "b.png")
    assert again == result.aigc
    assert np.array_equal(np.asarray(Image.open(tmp_path / "a.png")), np.asarray(Image.open(tmp_path / "b.png")))

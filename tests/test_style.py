"""Style transfer (`proofs.style`, `python -m proofs encode`): image -> prompt; the preview is the proven image."""

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from proofs import style
from proofs.build import prove_prompt
from proofs.pipeline import ModelArtifacts, committed_models


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


@pytest.mark.skipif("nouns32" not in committed_models(), reason="nouns32 is not built")
def test_encode_cli_prints_a_nouns32_prompt_and_writes_its_preview_if_given_a_photo(gradient, tmp_path):
    out = tmp_path / "noun.png"
    run = subprocess.run(
        [sys.executable, "-m", "proofs", "encode", str(gradient), "--out", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    reply = json.loads(run.stdout)
    assert reply["model"] == "nouns32" and len(bytes.fromhex(reply["prompt"][2:])) == 16
    assert Image.open(out).size == (256, 256)  # the 32×32 grid, enlarged ×8 like every preview

"""The web app's image previews (`/api/preview/image`): an uploaded photo gets the prompt and preview that
`python -m proofs encode` gives the same file, and a clear JSON error for what is not an image or is too large, in
bytes or in pixels (after which the app still serves)."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from proofs import style
from support.app import assert_still_serves
from support.images import png_header_only
from zkaigc.app.preview import MAX_UPLOAD_BYTES


def png_bytes(size=(40, 30), color=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def test_preview_image_returns_the_encoders_prompt_and_its_preview_if_upload_is_an_image(client):
    reply = client.post("/api/preview/image", files={"file": ("photo.png", png_bytes(), "image/png")})
    assert reply.status_code == 200
    [result] = reply.json()["results"]
    assert result["ok"] and result["model"] == "micro"
    assert len(bytes.fromhex(result["prompt"][2:])) == 4  # micro's prompt: 4 latent bytes
    again = client.post("/api/preview", json={"prompt": result["prompt"]}).json()["results"][0]
    assert again["aigcData"] == result["aigcData"] and again["cached"] is True


def test_preview_image_gives_the_prompt_and_preview_of_proofs_style_if_upload_is_a_wide_jpeg(client, tmp_path):
    # Wide, with dark and white margins: the centred crop decides the prompt, and a JPEG decoded at reduced size
    # would too; the app must give what `python -m proofs encode` gives the same file.
    array = np.zeros((48, 96, 3), np.uint8)
    array[:, 72:] = 255
    array[:, 24:72] = np.linspace(255, 0, 48, dtype=np.uint8)[None, :, None]
    array[:24, 24:72, 1] = 200
    photo = tmp_path / "photo.jpg"
    Image.fromarray(array).save(photo, "JPEG", quality=90)
    reply = client.post("/api/preview/image", files={"file": ("photo.jpg", photo.read_bytes(), "image/jpeg")})
    assert reply.status_code == 200
    [result] = reply.json()["results"]
    expected = style.encode(photo, "micro", preview=tmp_path / "style.png")
    assert result["prompt"] == "0x" + expected.prompt.hex()
    assert result["aigcData"] == "0x" + expected.aigc.hex()
    png = Image.open(io.BytesIO(base64.b64decode(result["image"].split(",", 1)[1])))
    assert np.array_equal(np.asarray(png), np.asarray(Image.open(expected.preview)))


def test_preview_image_answers_415_if_upload_is_not_an_image(client):
    reply = client.post("/api/preview/image", files={"file": ("notes.txt", b"just some text\n" * 10, "text/plain")})
    assert reply.status_code == 415
    assert reply.json()["error"]["code"] == "not_an_image"
    assert_still_serves(client)


def test_preview_image_answers_413_if_upload_is_5_mb_or_more(client, micro_preview):
    before = micro_preview.jobs_run
    big = b"\x89PNG" + bytes(MAX_UPLOAD_BYTES + 100_000)  # refused from its Content-Length, before parsing
    reply = client.post("/api/preview/image", files={"file": ("big.png", big, "image/png")})
    assert reply.status_code == 413
    assert reply.json()["error"]["code"] == "upload_too_large"
    assert micro_preview.jobs_run == before
    assert_still_serves(client)


@pytest.mark.parametrize("side", [10_000, 50_000], ids=["over-pil-warning", "over-pil-error"])
def test_preview_image_answers_413_if_image_has_more_pixels_than_pil_allows(client, micro_preview, side):
    # A few bytes claiming side² pixels: PIL warns (over 89M) or raises (over 179M) in `open`, before any check of
    # ours; both must be a clean 413, not a 500.
    before = micro_preview.jobs_run
    bomb = png_header_only(side, side)
    reply = client.post("/api/preview/image", files={"file": ("bomb.png", bomb, "image/png")})
    assert reply.status_code == 413, reply.text
    assert reply.json()["error"]["code"] == "upload_too_large"
    assert micro_preview.jobs_run == before
    assert_still_serves(client)


def test_preview_image_answers_413_if_upload_is_exactly_5_mb(client, micro_preview):
    before = micro_preview.jobs_run
    reply = client.post("/api/preview/image", files={"file": ("big.png", bytes(MAX_UPLOAD_BYTES), "image/png")})
    assert reply.status_code == 413
    assert reply.json()["error"]["code"] == "upload_too_large"
    assert micro_preview.jobs_run == before
    assert_still_serves(client)

"""Bad input at the command lines gets one line and a non-zero exit, never a traceback, and nothing is spent:
`python -m proofs text` on a model that is not a trait model or with an empty text, `python -m proofs encode` on an
image over the pixel limit, `ape run request --prompt` that is not hex or has the wrong length; and the waiting
`ape run request` says how long its commitment has left to age.
"""

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from proofs import style, traits
from proofs.files import REPO_ROOT
from support.images import png_header_only
from zkaigc.client import claim_prompt, parse_prompt, wait_for_timestamp
from zkaigc.errors import ZkaigcError


def proofs_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "proofs", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600
    )


def assert_one_line(run: subprocess.CompletedProcess, starts: str, code: int = 1) -> str:
    assert run.returncode == code, run.stderr
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(starts), lines[0]
    return lines[0]


# ------------------------------------------------------------------------------------------------ proofs text
@pytest.mark.parametrize("model", ["pixel32", "micro"])
def test_text_cli_prints_one_line_error_if_model_is_not_a_trait_model(model):
    line = assert_one_line(proofs_cli("text", "head: shark", "--model", model), "python -m proofs text: ")
    assert f"{model!r} takes a latent, not trait ids" in line and "(nouns)" in line


@pytest.mark.parametrize("text", ["", "   ", " , ,"], ids=["empty", "spaces", "commas"])
def test_text_cli_prints_one_line_error_if_text_is_empty(text):
    line = assert_one_line(proofs_cli("text", text), "python -m proofs text: ")
    assert "empty text" in line


def test_parse_raises_trait_error_if_text_names_nothing():
    with pytest.raises(traits.TraitError, match="empty text"):
        traits.parse(" ,")


def test_require_trait_model_raises_trait_error_if_model_takes_a_latent():
    traits.require_trait_model("nouns")
    for latent_model in ("pixel32", "nouns32"):
        with pytest.raises(traits.TraitError, match=f"'{latent_model}' takes a latent, not trait ids"):
            traits.require_trait_model(latent_model)


def test_text_cli_help_names_the_ignored_default_folder():
    run = proofs_cli("text", "--help")
    assert run.returncode == 0 and ".cache/zkaigc/previews/" in " ".join(run.stdout.split())
    ignored = subprocess.run(["git", "check-ignore", "-q", ".cache/zkaigc/previews/x.png"], cwd=REPO_ROOT)
    assert ignored.returncode == 0  # the default output never dirties the work tree


# ------------------------------------------------------------------------------------------------ images
@pytest.mark.parametrize("side", [10_000, 50_000], ids=["over-pil-warning", "over-pil-error"])
def test_load_image_raises_image_too_large_error_if_pixels_exceed_the_limit(tmp_path, side):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_header_only(side, side))
    with pytest.raises(style.ImageTooLargeError, match="more than .* pixels"):
        style.load_image(bomb, 32)


def test_encode_cli_prints_one_line_error_if_image_is_over_the_pixel_limit(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_header_only(50_000, 50_000))
    line = assert_one_line(proofs_cli("encode", str(bomb), "--model", "micro"), "python -m proofs encode: ")
    assert "pixels; scale it down first" in line


# ------------------------------------------------------------------------------------------------ ape run request
def test_parse_prompt_raises_one_line_if_prompt_is_not_hex_or_the_wrong_length():
    assert parse_prompt("0x05f92a9c", 4) == bytes.fromhex("05f92a9c") == parse_prompt("05F92A9C")
    with pytest.raises(ZkaigcError, match="'0xzz' is not hex"):
        parse_prompt("0xzz")
    with pytest.raises(ZkaigcError, match="is empty"):
        parse_prompt("0x")
    with pytest.raises(ZkaigcError, match="is 3 bytes; the model takes 4"):
        parse_prompt("0x010203", 4)


def test_request_cli_prints_one_line_error_if_prompt_is_not_hex():
    ape = str(Path(sys.executable).parent / "ape")
    run = subprocess.run(
        [ape, "run", "request", "--prompt", "0xzz"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    line = assert_one_line(run, "Error: --prompt '0xzz' is not hex")
    assert "ValueError" not in line


def test_claim_prompt_raises_before_the_commit_if_prompt_has_the_wrong_length(chain, micro_collection, user):
    nonce = user.nonce
    with pytest.raises(ZkaigcError, match="the prompt is 5 bytes; the collection's model takes 4"):
        claim_prompt(chain, micro_collection, bytes(5), user)
    assert user.nonce == nonce  # no transaction sent: the commit was not paid


def test_wait_for_timestamp_reports_the_chain_time_left_if_it_has_to_wait(monkeypatch):
    head = SimpleNamespace(timestamp=100)
    fake = SimpleNamespace(blocks=SimpleNamespace(head=head))

    def sleep(_seconds):  # each poll, the chain moves 20 s
        head.timestamp += 20

    monkeypatch.setattr("zkaigc.client.time.sleep", sleep)
    lines: list[str] = []
    wait_for_timestamp(fake, 161, progress=lines.append, every=0.0)
    assert lines == [f"waiting for the commitment to age: {n} s of chain time left" for n in (61, 41, 21, 1)]

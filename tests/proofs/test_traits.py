"""Text prompts naming Nouns traits (`proofs.traits`, `python -m proofs text`): parsing, the deterministic Noun, the
prompt as the Noun's id bytes, closest names on a miss, one-line CLI errors."""

import json
import subprocess
import sys

import pytest
from PIL import Image

from models import nouns
from models import traits as trait_model
from proofs import traits
from proofs.encoding import Encoding
from proofs.model_artifacts import committed_models


@pytest.fixture(scope="module")
def art():
    return nouns.load_art()


def run_text(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "proofs", "text", *args], capture_output=True, text=True)


def test_parse_reads_kinds_and_names_if_text_is_loosely_spaced():
    assert traits.parse("  Head : Shark ,glasses:RED, bg: warm") == {
        "head": "shark",
        "glasses": "red",
        "background": "warm",
    }


def test_seed_of_picks_named_traits_if_names_match(art):
    seed = traits.seed_of("head: shark, glasses: red, background: warm", art)
    described = traits.describe(seed)
    assert described["head"] == "shark"
    assert described["glasses"] == "square-red"  # the shortest name containing "red"
    assert described["background"] == "warm"


def test_seed_of_picks_every_kind_exactly_if_all_five_are_named(art):
    text = "background: cool, body: gold, accessory: axe, head: shark, glasses: square-black"
    assert traits.describe(traits.seed_of(text, art)) == {
        "background": "cool",
        "body": "gold",
        "accessory": "axe",
        "head": "shark",
        "glasses": "square-black",
    }


def test_seed_of_matches_names_case_insensitively_if_a_trait_has_capitals(art):
    assert traits.describe(traits.seed_of("head: ghost-B", art))["head"] == "ghost-B"


def test_seed_of_is_deterministic_in_the_text_if_parts_are_unnamed(art):
    a = traits.seed_of("head: shark", art)
    assert (traits.seed_of("HEAD:  shark", art) == a).all()  # the same text, normalised
    others = {tuple(traits.seed_of(f"head: shark, glasses: {g}", art)[[1, 2]]) for g in ("red", "teal", "honey")}
    assert len(others) > 1  # the unnamed body/accessory follow the text's hash


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hat: top", "unknown trait kind 'hat'"),
        ("hed: shark", "did you mean 'head'"),
        ("head shark", "expected 'kind: name'"),
        ("head: zeppelinx", "no head trait matches 'zeppelinx'"),
        ("glasses:", "no name for 'glasses'"),
        ("head: shark, head: cat", "'head' is named twice"),
        ("", "empty text"),
        (" , ", "empty text"),
    ],
)
def test_seed_of_raises_trait_error_if_text_is_malformed(art, text, message):
    with pytest.raises(traits.TraitError, match=message):
        traits.seed_of(text, art)


def test_seed_of_names_the_closest_traits_if_a_name_is_misspelt(art):
    with pytest.raises(traits.TraitError, match=r"closest: shark\b"):
        traits.seed_of("head: sharkk", art)


def test_trait_names_lists_every_id_of_every_kind_if_asked(art):
    names = traits.trait_names(art)
    assert list(names) == list(trait_model.KINDS)
    assert tuple(len(v) for v in names.values()) == trait_model.counts() == (2, 30, 143, 254, 23)
    assert names["background"] == ["cool", "warm"]


def test_prompt_for_text_is_the_named_ids_as_bytes_if_model_is_nouns(art):
    prompt, seed = traits.prompt_for_text("head: shark, glasses: red, background: warm")
    names = traits.trait_names(art)
    assert prompt == bytes(int(i) for i in seed) and len(prompt) == 5
    assert prompt[3] == names["head"].index("shark")
    assert prompt[4] == names["glasses"].index("square-red")
    assert prompt[0] == 1  # warm
    assert traits.describe(prompt) == traits.describe(seed)


def test_prompt_for_text_is_inside_the_prompt_space_if_text_names_the_last_ids(art):
    names = traits.trait_names(art)
    last = ", ".join(f"{k}: {v[-1]}" for k, v in names.items())
    prompt, _ = traits.prompt_for_text(last)
    space = trait_model.prompt_space()
    encoding = Encoding(5, 3072, 7, 7, digit_bits=8, **space)
    assert encoding.check_prompt(prompt) == prompt == bytes(n - 1 for n in space["prompt_limits"])


@pytest.mark.parametrize("model", ["micro", "pixel32"])
def test_prompt_for_text_raises_trait_error_if_model_takes_a_latent(model):
    with pytest.raises(traits.TraitError, match="takes a latent, not trait ids"):
        traits.prompt_for_text("head: shark", model)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["head: sharkk"], "no head trait matches 'sharkk'; closest: shark"),
        ([""], "empty text"),
        ([], "no text"),
        (["head: shark", "--model", "micro"], "model 'micro' takes a latent"),
        (["head: shark", "--model", "nope"], "unknown model 'nope'"),
    ],
)
def test_text_cli_prints_one_line_error_if_input_is_wrong(args, message):
    run = run_text(*args)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [run.stderr.strip()]  # exactly one line
    assert run.stderr.startswith("python -m proofs text: ") and message in run.stderr
    assert run.stdout == ""


def test_text_cli_lists_every_trait_per_kind_if_given_list():
    run = run_text("--list")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == list(trait_model.KINDS)
    assert lines[0] == "background (2): cool, warm"
    assert lines[3].startswith("head (254): aardvark, ") and ", shark, " in lines[3]


@pytest.mark.slow  # a witness of the nouns circuit
@pytest.mark.skipif("nouns" not in committed_models(), reason="nouns is not built")
def test_text_cli_prints_the_named_prompt_and_writes_its_preview_if_nouns_is_built(tmp_path):
    out = tmp_path / "noun.png"
    run = run_text("head: shark, glasses: red", "--out", str(out))
    assert run.returncode == 0, run.stderr
    reply = json.loads(run.stdout)
    prompt, _ = traits.prompt_for_text("head: shark, glasses: red")
    assert reply["prompt"] == "0x" + prompt.hex() and reply["noun"]["head"] == "shark"
    assert Image.open(out).size[0] >= 64

"""Text prompts naming Nouns traits (`proofs.traits`): parsing, the deterministic Noun, typed errors."""

import pytest

from models import nouns
from proofs import traits
from proofs.pipeline import committed_models


@pytest.fixture(scope="module")
def art():
    return nouns.load_art()


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
        ("head shark", "expected 'kind: name'"),
        ("head: zeppelinx", "no head trait matches 'zeppelinx'"),
        ("glasses:", "no name for 'glasses'"),
    ],
)
def test_seed_of_raises_trait_error_if_text_is_malformed(art, text, message):
    with pytest.raises(traits.TraitError, match=message):
        traits.seed_of(text, art)


@pytest.mark.slow  # fits a nouns32 latent to the named Noun, twice: about 45 s
@pytest.mark.skipif("nouns32" not in committed_models(), reason="nouns32 is not built")
def test_prompt_for_text_gives_the_same_prompt_if_text_repeats():
    prompt, seed = traits.prompt_for_text("head: shark, glasses: red")
    again, again_seed = traits.prompt_for_text("head:shark,glasses:red")
    assert len(prompt) == 16 and again == prompt and (again_seed == seed).all()

"""Text prompts that name Nouns traits: "head: shark, glasses: red" -> the trait model's prompt, deterministically.

Each `kind: name` pair picks a part (kinds: background, body, accessory, head, glasses; a name matches a trait
exactly, else the shortest trait name containing it, e.g. glasses "red" -> "square-red"; backgrounds are "cool"
and "warm"). Parts the text does not name are drawn from the SHA-256 of the normalised text, so one text always
gives one Noun. The prompt of a trait model (`nouns`, models/traits.py) IS that Noun: its five id bytes in
`models.traits.KINDS` order, so the text -> prompt step is a lookup anyone can redo from the names alone, and the
circuit proves everything from the prompt bytes to the image. A name that matches nothing is a one-line error
naming the closest trait names (`difflib`).
"""

from __future__ import annotations

import difflib
import hashlib
import re

import numpy as np

from .errors import ProofError

#: Text kind -> the part kinds of models.nouns (background is the first seed entry, not a part). The order is the
#: prompt's byte order (models.traits.KINDS).
KINDS = {"background": None, "body": "bodies", "accessory": "accessories", "head": "heads", "glasses": "glasses"}
ALIASES = {"bg": "background", "bodies": "body", "accessories": "accessory", "heads": "head", "glass": "glasses"}
#: The two background colours by name: cool (#d5d7e1) and warm (#e1d7d5), in the art's order.
BACKGROUNDS = ("cool", "warm")
EXAMPLE = "head: shark, glasses: red"


class TraitError(ProofError):
    """A text prompt that does not parse or names an unknown trait, or a model that takes no trait prompt."""


def normalise(text: str) -> str:
    """Lower case, single spaces, no spaces around ':' and ','."""
    text = re.sub(r"\s+", " ", text.strip().lower())
    return re.sub(r"\s*([:,])\s*", r"\1", text)


def trait_names(art=None) -> dict[str, list[str]]:
    """Every trait name, by text kind, in id order (a name's index is its prompt byte)."""
    from models import nouns

    art = art or nouns.load_art()
    return {kind: list(BACKGROUNDS) if part is None else art.trait_names(part) for kind, part in KINDS.items()}


def _pick(names: list[str], wanted: str, kind: str) -> int:
    lower = [n.lower() for n in names]  # texts are normalised to lower case ("ghost-B" is "ghost-b")
    if wanted in lower:
        return lower.index(wanted)
    hits = sorted((len(n), i) for i, n in enumerate(lower) if wanted in n)
    if hits:
        return hits[0][1]
    close = difflib.get_close_matches(wanted, lower, n=4, cutoff=0.5)
    hint = f"closest: {', '.join(names[lower.index(c)] for c in close)}" if close else "none is close"
    raise TraitError(f"no {kind} trait matches {wanted!r}; {hint} (`python -m proofs text --list` lists them)")


def parse(text: str) -> dict[str, str]:
    """'head: shark, glasses: red' -> {'head': 'shark', 'glasses': 'red'} (kinds checked, names not yet)."""
    if not normalise(text).strip(","):
        raise TraitError(f"empty text: name at least one trait, e.g. {EXAMPLE!r}")
    wanted: dict[str, str] = {}
    for item in filter(None, normalise(text).split(",")):
        if ":" not in item:
            raise TraitError(f"expected 'kind: name', got {item!r} (kinds: {', '.join(KINDS)})")
        kind, name = item.split(":", 1)
        kind = ALIASES.get(kind, kind)
        if kind not in KINDS:
            close = difflib.get_close_matches(kind, list(KINDS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise TraitError(f"unknown trait kind {kind!r}{hint} (kinds: {', '.join(KINDS)})")
        if not name:
            raise TraitError(f"no name for {kind!r}")
        if kind in wanted:  # two names for one part: no Noun has both, so say so rather than drop one
            raise TraitError(f"{kind!r} is named twice")
        wanted[kind] = name.replace(" ", "-")
    return wanted


def seed_of(text: str, art) -> np.ndarray:
    """The Noun seed (background, body, accessory, head, glasses) a text names, the rest from its hash."""
    wanted = parse(text)
    names = trait_names(art)
    digest = hashlib.sha256(normalise(text).encode()).digest()
    seed = [int.from_bytes(digest[4 * i : 4 * i + 4], "big") % len(names[k]) for i, k in enumerate(KINDS)]
    for i, kind in enumerate(KINDS):
        if kind in wanted:
            seed[i] = _pick(names[kind], wanted[kind], kind)
    return np.array(seed)


def describe(seed) -> dict[str, str]:
    """A seed's (or a trait prompt's bytes') trait names, by text kind."""
    names = trait_names()
    return {kind: names[kind][int(seed[i])] for i, kind in enumerate(KINDS)}


def trait_models() -> list[str]:
    """The registered models whose prompt is a Noun's trait ids."""
    from models import registry

    return [n for n in registry.names() if registry.get(n).model.kind == "traits"]


def require_trait_model(model_name: str) -> None:
    """Nothing if `model_name` takes trait prompts; else a one-line TraitError (UnknownModelError if unknown)."""
    from models import registry

    if registry.get(model_name).model.kind != "traits":
        raise TraitError(
            f"model {model_name!r} takes a latent, not trait ids; text prompts need a trait model "
            f"({', '.join(trait_models())})"
        )


def prompt_for_text(text: str, model_name: str = "nouns") -> tuple[bytes, np.ndarray]:
    """The prompt of a trait text for a trait model (the Noun's five id bytes), and that Noun's seed."""
    from models import nouns

    require_trait_model(model_name)
    seed = seed_of(text, nouns.load_art())
    return bytes(int(i) for i in seed), seed

"""Text prompts that name Nouns traits: "head: shark, glasses: red" -> the model's int8 prompt, deterministically.

Each `kind: name` pair picks a part (kinds: background, body, accessory, head, glasses; a name matches a trait
exactly, else the shortest trait name containing it, e.g. glasses "red" -> "square-red"). Parts the text does
not name are drawn from the SHA-256 of the normalised text, so one text always gives one Noun. That Noun is
composited from the real art and encoded into the int8 prompt: the encoder's latent, refined by fitting it
through the int8 decoder to that Noun (`models.nouns_train.invert`); the proof then covers prompt -> image.
The text -> prompt step is deterministic and anyone can recompute it from the checkpoint, but it runs
off-chain: the circuit proves the decoder, not the trait lookup.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from .errors import ProofError

#: Text kind -> the part kinds of models.nouns (background is the first seed entry, not a part).
KINDS = {"background": None, "body": "bodies", "accessory": "accessories", "head": "heads", "glasses": "glasses"}
ALIASES = {"bg": "background", "bodies": "body", "accessories": "accessory", "heads": "head", "glass": "glasses"}


class TraitError(ProofError):
    """A text prompt that does not parse or names an unknown trait."""


def normalise(text: str) -> str:
    """Lower case, single spaces, no spaces around ':' and ','."""
    text = re.sub(r"\s+", " ", text.strip().lower())
    return re.sub(r"\s*([:,])\s*", r"\1", text)


def _pick(names: list[str], wanted: str, kind: str) -> int:
    lower = [n.lower() for n in names]  # texts are normalised to lower case ("ghost-B" is "ghost-b")
    if wanted in lower:
        return lower.index(wanted)
    hits = sorted((len(n), i) for i, n in enumerate(lower) if wanted in n)
    if not hits:
        raise TraitError(f"no {kind} trait matches {wanted!r}")
    return hits[0][1]


def parse(text: str) -> dict[str, str]:
    """'head: shark, glasses: red' -> {'head': 'shark', 'glasses': 'red'} (kinds checked, names not yet). An empty
    text is an error: it would name no trait at all."""
    if not normalise(text).strip(","):
        raise TraitError(f"empty text: name at least one trait, e.g. 'head: shark' (kinds: {', '.join(KINDS)})")
    wanted: dict[str, str] = {}
    for item in filter(None, normalise(text).split(",")):
        if ":" not in item:
            raise TraitError(f"expected 'kind: name', got {item!r} (kinds: {', '.join(KINDS)})")
        kind, name = item.split(":", 1)
        kind = ALIASES.get(kind, kind)
        if kind not in KINDS:
            raise TraitError(f"unknown trait kind {kind!r} (kinds: {', '.join(KINDS)})")
        if not name:
            raise TraitError(f"no name for {kind!r}")
        wanted[kind] = name.replace(" ", "-")
    return wanted


def seed_of(text: str, art) -> np.ndarray:
    """The Noun seed (background, body, accessory, head, glasses) a text names, the rest from its hash."""
    from models import nouns

    wanted = parse(text)
    digest = hashlib.sha256(normalise(text).encode()).digest()
    counts = [len(art.backgrounds)] + [art.count(k) for k in nouns.LAYERS]
    seed = [int.from_bytes(digest[4 * i : 4 * i + 4], "big") % n for i, n in enumerate(counts)]
    for i, (kind, part_kind) in enumerate(KINDS.items()):
        if kind not in wanted:
            continue
        if part_kind is None:  # backgrounds are named by colour: cool (#d5d7e1) or warm (#e1d7d5)
            seed[i] = _pick(["cool", "warm"], wanted[kind], kind)
        else:
            seed[i] = _pick(art.trait_names(part_kind), wanted[kind], kind)
    return np.array(seed)


def describe(seed: np.ndarray) -> dict[str, str]:
    """A seed's trait names, by text kind."""
    from models import nouns

    art = nouns.load_art()
    out = {"background": ["cool", "warm"][int(seed[0])]}
    for i, (kind, part_kind) in enumerate(list(KINDS.items())[1:], start=1):
        out[kind] = art.trait_names(part_kind)[int(seed[i])]
    return out


def require_nouns_model(model_name: str) -> None:
    """Raises `TraitError` unless `model_name` is a registered model trained on the Nouns art: a text names Nouns
    traits, and only such a model can draw them."""
    from models import registry

    spec = registry.get(model_name)  # UnknownModelError for a name the registry lacks
    if spec.model.dataset != "nouns":
        nouns = [n for n in registry.names() if registry.get(n).model.dataset == "nouns"]
        raise TraitError(
            f"text prompts name Nouns traits; {model_name} is trained on {spec.model.dataset}, not the Nouns art "
            f"(Nouns models: {', '.join(nouns)})"
        )


def prompt_for_text(text: str, model_name: str = "nouns32") -> tuple[bytes, np.ndarray]:
    """The int8 prompt of a trait text (the latent fitted to the Noun it names), and that Noun's seed."""
    import torch

    from models import nouns
    from models.model import load_model
    from models.nouns_train import invert

    from .pipeline import artifacts_of

    require_nouns_model(model_name)
    art = nouns.load_art()
    seed = seed_of(text, art)
    image = nouns.to_tensor(nouns.composite(art, seed[None]))  # (1, 3, 32, 32)
    model, _ = load_model(model_name)
    torch.manual_seed(0)  # the refinement is deterministic on its own; this pins any library randomness too
    latent = invert(model, image)[0].tolist()
    encoding = artifacts_of(model_name).encoding()
    return encoding.encode_prompt(encoding.quantize_latent(latent)), seed

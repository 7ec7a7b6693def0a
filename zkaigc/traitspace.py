"""Trait prompts: a prompt whose bytes are trait ids, and the table an `ERC7007TraitCollection` is deployed with.

A trait space is one kind per prompt position (the Nouns model: background, body, accessory, head, glasses) and
the names of that kind's ids; byte `i` of a prompt is an id of kind `i`, unsigned, below its count. The contract
(`contracts/extensions/ERC7007TraitPrompt.sol`) keeps the table as the code of one data contract, in this layout,
per position in prompt order::

    kindLength (1 byte) ‖ kind ‖ count (2 bytes, big-endian, 1..256) ‖ count × (nameLength (1 byte) ‖ name)

`TraitSpace.check` is the contract's claim check in Python (the same position, kind, value and limit as its
`ERC7007PromptTraitOutOfRange`), so a client refuses a prompt before it commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import TraitSpaceError

#: The Nouns prompt: one byte per part, in the Nouns seed's order (`models.nouns.composite`).
NOUNS_KINDS = ("background", "body", "accessory", "head", "glasses")
#: The Nouns backgrounds by index, as the Nouns DAO names its two `bgcolors`.
NOUNS_BACKGROUNDS = ("cool", "warm")
#: What the contract's packed limits allow.
MAX_POSITIONS, MAX_COUNT = 16, 256


@dataclass(frozen=True)
class TraitSpace:
    """Per prompt position, its kind and the names of its ids (`names[i][v]` is id `v` of kind `kinds[i]`)."""

    kinds: tuple[str, ...]
    names: tuple[tuple[str, ...], ...]

    def __post_init__(self):
        if not 1 <= len(self.kinds) <= MAX_POSITIONS or len(self.names) != len(self.kinds):
            raise TraitSpaceError(f"a trait space has 1 to {MAX_POSITIONS} positions, each with names")
        for kind, names in zip(self.kinds, self.names, strict=True):
            if not 1 <= len(kind.encode()) <= 255 or not 1 <= len(names) <= MAX_COUNT:
                raise TraitSpaceError(f"kind {kind!r}: 1 to 255 bytes of kind and 1 to {MAX_COUNT} names")
            if any(len(n.encode()) > 255 for n in names):
                raise TraitSpaceError(f"kind {kind!r}: a name is longer than 255 bytes")

    @property
    def limits(self) -> tuple[int, ...]:
        return tuple(len(n) for n in self.names)

    def table(self) -> bytes:
        """The contract's trait table (layout above)."""
        out = bytearray()
        for kind, names in zip(self.kinds, self.names, strict=True):
            k = kind.encode()
            out += bytes([len(k)]) + k + len(names).to_bytes(2, "big")
            for name in names:
                n = name.encode()
                out += bytes([len(n)]) + n
        return bytes(out)

    def check(self, prompt: bytes) -> None:
        """Raises `TraitSpaceError` (one line: the part and its range) unless `prompt` is in this trait space."""
        if len(prompt) != len(self.kinds):
            raise TraitSpaceError(
                f"a trait prompt is {len(self.kinds)} bytes ({', '.join(self.kinds)}), not {len(prompt)}"
            )
        for i, (value, limit) in enumerate(zip(prompt, self.limits, strict=True)):
            if value >= limit:
                raise TraitSpaceError(
                    f"prompt byte {i} ({self.kinds[i]}) is {value}; {self.kinds[i]} ids are 0 to {limit - 1}"
                )

    def traits(self, prompt: bytes) -> list[tuple[str, str]]:
        """(kind, name) per position, as the token's `attributes` list them."""
        self.check(prompt)
        return [(self.kinds[i], self.names[i][v]) for i, v in enumerate(prompt)]

    @classmethod
    def nouns(cls, art=None) -> TraitSpace:
        """The Nouns trait space from `@nouns/assets` (`models.nouns.load_art`): backgrounds, then each part."""
        from models.nouns import LAYERS, load_art

        art = art or load_art()
        parts = tuple(tuple(art.trait_names(kind)) for kind in LAYERS)
        backgrounds = NOUNS_BACKGROUNDS[: len(art.backgrounds)]
        return cls(NOUNS_KINDS, (backgrounds, *parts))

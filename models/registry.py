"""The one registry of models, of every kind: what each model is, how it is proven, what it derives from.

Two kinds of entry share it, and one namespace of names: the image models (`ModelSpec`: architecture, training,
circuit, role) and the dataset market's tree templates (`TreeTemplate`, models/trees/templates.py: one circuit
shape per entry). Every consumer reads this: training (`python -m models train NAME`), the proof pipeline
(`python -m proofs build NAME`, `build-tree TEMPLATE`), deployment, the prover, the dataset market's SDK, the
benchmarks and the tests. `names(kind)` and `get(name, kind)` ask for one kind (the image models by default).
Adding a model starts with one entry here (docs/architecture.md has the checklist). Which models have committed
artifacts is a question for `proofs.model_artifacts.committed_models()`, which walks this registry in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, TypeVar

from .circuit import CircuitConfig
from .config import ModelConfig
from .errors import UnknownModelError
from .trees.errors import UnknownTemplateError
from .trees.templates import CHUNK_CIRCUIT, TreeTemplate

Role = Literal["test", "showcase", "reference"]

#: The pixel models' circuit under the sigmoid stage: each output digit is one lookup of round(σ(y)·2^7) in
#: [0, 128], so the digit's bound costs no range-check decomposition (docs/encoding.md). The lookup table spans
#: pre-activations in ±64 (±8192 at scale 7); training keeps every prompt's certified bound inside it
#: (`Decoder.interval_bounds`) and `proofs build` refuses a model that escapes it. Range checks decompose into 2
#: legs of base 16384 (±2^27). The packing weights are integers quantized at scale 0 (`rebase_frac_zero_constants`).
#: ezkl's own range checks on inputs and outputs are skipped: inputs are int8 by the prompt encoding, outputs are
#: packed digits the lookup proves in range.
PIXEL_CIRCUIT = CircuitConfig(
    input_visibility="private",  # the prompt is one public output instead (models/prompt.py)
    # One column: every column carries its own lookup arguments, and the verifier pays for each. pixel32 at 1, 2, 3
    # columns: logrows 17, 16, 15; verifyProof 507k, 663k, 813k gas (docs/results/benchmarks.md). Gas is what every
    # mint pays.
    num_inner_cols=1,
    decomp_base=16384,
    decomp_legs=2,
    lookup_range=(-8192, 8192),
    ignore_range_check_inputs_outputs=True,
    rebase_frac_zero_constants=True,
)

#: The old stage's circuit (two-ReLU clamp, 7-bit digits), kept for the old-vs-new benchmark: its lookups are only
#: the rescale's, in ±128.
CLAMP_CIRCUIT = replace(PIXEL_CIRCUIT, input_visibility="public", num_inner_cols=2, lookup_range=(-128, 128))


@dataclass(frozen=True)
class ModelSpec:
    """One model: its architecture and training config, its circuit config, and what it is derived from."""

    model: ModelConfig
    circuit: CircuitConfig
    role: Role
    # A derived model reuses another model's checkpoint with config changes (no training of its own).
    derived_from: str | None = None
    changes: dict = field(default_factory=dict)
    # Batch circuits the vendor ships beside the single one: one proof for N prompts (the decoder exported with a
    # fixed batch dimension N), each with its own verifier. The model commitment covers all of them, in this order.
    batch_sizes: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def checkpoint_name(self) -> str:
        """The checkpoint this model's weights come from (its own, or its base model's)."""
        return self.derived_from or self.name

    def circuit_for(self, model: ModelConfig, batch: int = 1) -> CircuitConfig:
        """The circuit config at the scales a trained model's QAT used (input = act bits, params = weight bits);
        a batch circuit (`batch` > 1) proves its matmuls without Freivalds' argument (see `CircuitConfig`)."""
        config = replace(self.circuit, input_scale=model.act_bits, param_scale=model.weight_bits)
        return replace(config, disable_freivalds=True) if batch > 1 else config


def _derive(base: ModelSpec, name: str, role: Role, **changes) -> ModelSpec:
    return ModelSpec(
        replace(base.model, name=name, **changes), base.circuit, role, base.name, changes, base.batch_sizes
    )


def _micro(name: str, role: Role, out_bits: int, circuit: CircuitConfig) -> ModelSpec:
    """4 latent bytes -> a 4×4 grayscale digit: the smallest real model, proven in about a second."""
    config = ModelConfig(
        name=name,
        dataset="digits",
        image_size=4,
        channels=1,
        latent_dim=4,
        kind="mlp",
        hidden=16,
        render=1,
        steps=3000,
        batch_size=128,
        lr=1e-2,
        sw_weight=0.5,
        out_bits=out_bits,
        packed_prompt=out_bits == 8,
    )
    # 128^4 keeps micro small (a 16384 table would force logrows 15); a ±6 sigmoid table (σ(±6)·128 rounds to
    # 0 and 128) fits logrows 11. Columns: the old stage's 4 kept it at logrows 10; the new stage at 2 columns is
    # logrows 11 with verifyProof at 610k gas (4 columns: 903k; 1 column: 453k at logrows 12, slower tests).
    cols = 2 if out_bits == 8 else 4
    spec_circuit = replace(circuit, num_inner_cols=cols, decomp_base=128, decomp_legs=4)
    return ModelSpec(config, spec_circuit, role, batch_sizes=(4,))


_MICRO = _micro("micro", "test", 8, replace(PIXEL_CIRCUIT, lookup_range=(-768, 768)))


def _pixel(
    name: str, role: Role = "showcase", dataset: str = "pixelart", circuit: CircuitConfig = PIXEL_CIRCUIT, **knobs
) -> ModelSpec:
    """A pixel model: 16 latent bytes -> an RGB image of `dataset`, on the pixel circuit (or a variant of it)."""
    knobs = {"out_bits": 8, **knobs}
    knobs.setdefault("packed_prompt", knobs["out_bits"] == 8)
    config = ModelConfig(name=name, dataset=dataset, channels=3, latent_dim=16, lr=3e-3, **knobs)
    return ModelSpec(config, circuit, role)


# 16 latent bytes -> 32×32 RGB pixel art. The circuit proves the 16×16×3 art grid (52 packed public outputs); the
# contract's renderer draws it nearest ×2.
_PIXEL32 = _pixel("pixel32", image_size=32, kind="mlp", hidden=64, render=2, steps=12000)

# Retired (a reference, not built or deployed): the first real-Nouns model, 16 latent bytes -> the full 32×32 RGB
# grid through a 64-unit decoder on the clamp stage. Its heads were blurs (14.9 dB): the 16-value latent bounded the
# image (docs/training.md, "Why the targets conflict"). Kept, with its checkpoint, so that capacity study reproduces.
_NOUNS32 = _pixel(
    "nouns32",
    "reference",
    dataset="nouns",
    circuit=replace(CLAMP_CIRCUIT, num_inner_cols=4),
    image_size=32,
    kind="mlp",
    hidden=64,
    render=1,
    steps=20000,
    out_bits=7,
)

# The showcase: a Noun's five trait ids -> its 32×32 RGB image, drawn ×2 (64×64, the grant's bitmap size). The
# prompt is the Noun (models/traits.py): trait ids -> one-hot product -> 320 hidden units -> sigmoid digits, every
# step in the circuit. 4 inner columns fit its ~258k rows in logrows 18 (3 would need 19; 320 units is the most
# that fits). The sigmoid lookup's
# range spans the pre-activations of every valid prompt (`models.traits.certified_range`, checked by the tests).
_NOUNS = ModelSpec(
    ModelConfig(
        name="nouns",
        dataset="nouns",
        kind="traits",
        channels=3,
        image_size=64,
        render=2,
        latent_dim=5,
        hidden=320,
        out_bits=8,
        packed_prompt=True,
        steps=20000,
        batch_size=64,
        lr=3e-3,
    ),
    replace(PIXEL_CIRCUIT, num_inner_cols=4, lookup_range=(-32768, 32768)),
    role="showcase",
)

#: The dataset market's tree templates: the CI one (iris, depth 3, two chunks of 24 rows), wine (depth 4, one chunk
#: of 54) and the buyer-scale one (synth13: 13 features, depth 5, four chunks of 250 rows = 1,000 rows; its 3 GB
#: proving key is built locally on first use).
_TREES = (
    TreeTemplate("tree-iris-d3", dataset="iris", rows=24, chunks=2, features=4, depth=3, classes=3),
    TreeTemplate("tree-wine-d4", dataset="wine", rows=54, features=13, depth=4, classes=3),
    TreeTemplate(
        "tree-synth13-d5", dataset="synth13", rows=250, chunks=4, features=13, depth=5, classes=4, circuit=CHUNK_CIRCUIT
    ),
)

#: A registered model of either kind.
Entry = ModelSpec | TreeTemplate
#: Each kind, and the error an unknown name of that kind raises (a tree template's is a `TreeError` too).
KINDS: dict[type, type[UnknownModelError]] = {ModelSpec: UnknownModelError, TreeTemplate: UnknownTemplateError}
E = TypeVar("E", ModelSpec, TreeTemplate)


def _by_name(*entries: Entry) -> dict[str, Entry]:
    """The entries keyed by name; a ValueError at import if two entries, of any kinds, share a name."""
    registry: dict[str, Entry] = {}
    for entry in entries:
        if entry.name in registry:
            raise ValueError(f"two registry entries are named {entry.name!r}")
        registry[entry.name] = entry
    return registry


REGISTRY: dict[str, Entry] = _by_name(
    _MICRO,
    _NOUNS,
    _PIXEL32,
    # A 64×64 bitmap: pixel32's network and proven art grid (the same circuit), drawn nearest ×4. The
    # pixel-art data at 64 is the same 16×16 art upsampled, so a separate training would learn the same map.
    _derive(_PIXEL32, "pixel64", "showcase", render=4, image_size=64),
    _NOUNS32,
    # The old output stage (two-ReLU clamp, 7-bit digits ×16 per element), kept with their checkpoints for the
    # old-vs-new benchmark (`python -m benchmarks.proving`): micro and pixel32 as they were before the sigmoid.
    _micro("micro-clamp", "reference", 7, CLAMP_CIRCUIT),
    _pixel(
        "pixel32-clamp",
        "reference",
        circuit=CLAMP_CIRCUIT,
        image_size=32,
        kind="mlp",
        hidden=64,
        render=2,
        steps=6000,
        out_bits=7,
    ),
    # Design-space reference: an upsample+conv decoder (about 5× the rows); no committed checkpoint.
    _pixel(
        "pixel32conv",
        "reference",
        circuit=CLAMP_CIRCUIT,
        image_size=32,
        kind="conv",
        base=4,
        widths=(16, 8, 8),
        render=2,
        steps=3000,
        out_bits=7,
    ),
    *_TREES,
)


def pre_activation_bound(cfg: ModelConfig, circuit: CircuitConfig | None = None) -> float | None:
    """For a sigmoid-stage mlp model, the bound training keeps every last-layer output inside: the lookup range of
    `circuit` (default: the registered model's) at scale 2^act_bits, less a margin for the circuit's rounding. None
    for every other model, and for an unregistered one without a circuit."""
    if cfg.out_bits != 8 or cfg.kind != "mlp":
        return None
    if circuit is None:
        if cfg.name not in names():
            return None
        circuit = REGISTRY[cfg.name].circuit
    lo, hi = circuit.lookup_range
    return min(-lo, hi) / 2**cfg.act_bits * 0.95


def names(kind: type = ModelSpec) -> list[str]:
    """The registered names of one kind, in registry order: by default the image models (the test model first,
    then the showcase); `TreeTemplate` for the tree templates; `Entry` for every name."""
    return [name for name, entry in REGISTRY.items() if isinstance(entry, kind)]


def get(name: str, kind: type[E] = ModelSpec) -> E:
    """The registered entry `name` of `kind` (by default an image model's spec, whose `model` config is a fresh copy
    the caller may change); for any other name the kind's `UnknownModelError`, listing the known names of `kind`."""
    entry = REGISTRY.get(name)
    if not isinstance(entry, kind):
        raise KINDS.get(kind, UnknownModelError)(name, names(kind))
    return replace(entry, model=replace(entry.model)) if isinstance(entry, ModelSpec) else entry


def batch_sizes(name: str) -> tuple[int, ...]:
    """The batch circuits a registered image model ships beside its single one; none for any other name."""
    return REGISTRY[name].batch_sizes if name in names() else ()


def preferred(available: list[str]) -> str | None:
    """The model to show first among `available`: the first showcase model, else the first one, else None."""
    showcase = [n for n in available if n in names() and REGISTRY[n].role == "showcase"]
    return (showcase or available or [None])[0]

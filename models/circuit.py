"""The circuit choices a model is built with, as plain data (`proofs.stages.run_args` turns them into ezkl's run args).

They live beside the model configs because a model is designed for its circuit: the QAT scales must match
`input_scale`/`param_scale`, and the range-check decomposition bounds what the activations may reach.
Why the pixel models use these values: docs/design-space.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CircuitConfig:
    """The ezkl settings that decide circuit size and proving time."""

    input_scale: int = 5  # int8 latents: q/32 covers [-4, 4)
    param_scale: int = 5  # int8-representable weights after QAT
    num_inner_cols: int = 2
    lookup_range: tuple[int, int] = (-1024, 1024)
    decomp_base: int = 1024  # range checks decompose into legs of this base: table size = base
    decomp_legs: int = 3
    logrows: int | None = None  # None: the smallest that fits (proofs.model_artifacts.fitting_logrows)
    input_visibility: str = "public"
    output_visibility: str = "public"
    param_visibility: str = "fixed"
    # The contracts decode public inputs/outputs from int8/int16 bytes, so they are in range by construction;
    # skipping ezkl's own range checks on them saves ~20 cells per output value.
    ignore_range_check_inputs_outputs: bool = False
    # Integer-valued constant tensors (the packing weights 2^(7k)) are quantized at scale 0, not param_scale, so the
    # packed sum needs no rescale (a rescale would range-check the ~2^112 value and fail witness generation).
    rebase_frac_zero_constants: bool = False
    # How many multiplications may accumulate scale before ezkl rescales (each rescale is a division with range
    # checks). The decision-tree circuits multiply only by 0/1 and small integers: 10 lets them run without one.
    scale_rebase_multiplier: int = 1
    # ezkl proves a batched matmul (N > 1 rows of input) with Freivalds' randomized argument by default: half the rows,
    # but a verifier over EIP-170's 24,576 bytes. Off, the product is laid out as the explicit dot products the
    # single circuit already uses (rows = N × the single circuit's), and the verifier keeps its size.
    disable_freivalds: bool = False

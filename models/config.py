"""`ModelConfig`: a model's architecture, quantization and training knobs as one plain dataclass (no torch)."""

from __future__ import annotations

from dataclasses import dataclass

#: The most prompt bytes one field element holds (a signed 128-bit value): a packed prompt's limit (models/prompt.py).
MAX_PACKED_BYTES = 16


@dataclass
class ModelConfig:
    """Architecture, quantization and training knobs of one model; stored inside its checkpoint."""

    name: str = "pixel32"
    # "digits" (sklearn, bundled), "pixelart" (procedural, models/data.py) or "nouns" (real Nouns, models/nouns.py)
    dataset: str = "pixelart"
    image_size: int = 32  # output H = W
    channels: int = 3  # 1 grayscale, 3 RGB
    latent_dim: int = 16
    kind: str = "conv"  # "mlp" | "conv"
    hidden: int = 16  # mlp: hidden units
    base: int = 4  # conv: the first feature map is base × base
    widths: tuple[int, ...] = (16, 8)  # conv: channels of the first map, then after each ×2 stage
    upsample: str = "nearest"  # conv: "nearest" (Upsample+Conv3×3) or "transposed" (ConvTranspose2d)
    render: int = 2  # final nearest-upsample factor (art grid -> output); done by the renderer when out_bits is set
    # The output clamp: None = raw fixed-point outputs (the old int16 encoding); 7 = the art grid is clamped in the
    # network to [0, (2^7 − 1) / 2^act_bits] with two ReLUs, so every output is a 7-bit digit the circuit proves in
    # range, and the exported circuit packs 16 digits per public field element (docs/encoding.md). 8 = the sigmoid
    # stage (the trait decoder): digits are one sigmoid lookup each, in [0, 2^act_bits], packed 15 per element.
    out_bits: int | None = None
    # The prompt in one public instance (models/prompt.py): the latent is private to the circuit, which packs its
    # bytes into one element and range-checks each. False: one public instance per latent value (the old stage).
    # The registry's choice (`load_model` applies it): the weights do not depend on it.
    packed_prompt: bool = False
    act_bits: int = 7  # activation/input fixed-point fractional bits (ezkl input_scale)
    weight_bits: int = 7  # weight fractional bits (ezkl param_scale), weights int8
    # training
    seed: int = 0
    steps: int = 3000
    batch_size: int = 64
    lr: float = 3e-3
    qat_start: float = 0.5  # fraction of the steps after which fake quantization is on
    sw_weight: float = 1.0  # weight of the sliced-Wasserstein prior term (uniform latents)
    num_train: int = 4096

    def __post_init__(self) -> None:
        self.widths = tuple(self.widths)
        if self.image_size % self.render:
            raise ValueError(f"{self.name}: image_size {self.image_size} is not a multiple of render {self.render}")
        if self.kind == "conv":
            grid = self.base * 2 ** (len(self.widths) - 1) * self.render
            if grid != self.image_size:
                raise ValueError(f"{self.name}: base·2^stages·render = {grid} != image_size {self.image_size}")

    @property
    def art_size(self) -> int:
        """Side of the grid the network paints before the final nearest upsample."""
        return self.image_size // self.render

    @property
    def digit_max(self) -> int:
        """The largest output digit the circuit can prove: 127 under the two-ReLU clamp (7-bit digits), 2^act_bits
        under the sigmoid stage (8-bit digits: the lookup's range is 0 … 2^act_bits inclusive)."""
        return 2**self.act_bits if self.out_bits == 8 else 2**self.out_bits - 1

    @property
    def digits_per_element(self) -> int:
        """Digits packed into one public field element: 16 × 7 or 15 × 8 bits, inside ezkl 23's i128 integers."""
        return {7: 16, 8: 15}[self.out_bits]

    @property
    def out_top(self) -> float:
        """The largest output value the clamp lets through, (2^out_bits − 1) / 2^act_bits."""
        if self.out_bits is None:
            raise ValueError(f"{self.name}: no output clamp (out_bits is None)")
        return (2**self.out_bits - 1) / 2**self.act_bits

    @property
    def proven_shape(self) -> tuple[int, int, int]:
        """(C, H, W) of the image the circuit proves: the art grid when the renderer upsamples (out_bits set)."""
        if self.out_bits is None:
            return self.output_shape
        return (self.channels, self.art_size, self.art_size)

    @property
    def output_shape(self) -> tuple[int, int, int]:
        return (self.channels, self.image_size, self.image_size)

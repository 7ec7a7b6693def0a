"""Decoder-proven autoencoders: the decoder (latent -> image) is the circuit, the encoder runs off-chain.

Shapes are written as (B, C, H, W). Two decoder families, one config:

- ``kind="mlp"``: latent -> Linear -> ReLU -> Linear -> (C, art, art) -> nearest upsample ×``render``. The
  showcase pixel-art models (the cheapest circuit per image quality, see docs/design-space.md) and `micro`
  (4 -> 4×4×1, render 1) that the contract tests prove in a second.
- ``kind="conv"``: latent -> Linear -> (w0, base, base) -> [upsample ×2 (nearest) -> Conv3×3 -> ReLU] per stage
  -> Conv1×1 to RGB -> nearest upsample ×``render``. Pixel art is blocky, so the network paints a low-res
  "art grid" and the final nearest upsample (a copy, nearly free in a circuit) blows it up to the output size.
  ``upsample="transposed"`` swaps each stage for ConvTranspose2d(4, 2, 1) for the design-space comparison.

Every layer is a fake-quant layer (models/quant.py): after QAT the weights are int8 at ``weight_bits`` and the
activations sit on the 2^-``act_bits`` grid, exactly as ezkl computes them. The latent lives in
[-1, 1) so that with ``act_bits = 7`` each latent value is one int8 byte of the prompt: a random prompt is
random bytes, and training shapes the latent distribution to be uniform (sliced-Wasserstein autoencoder).
"""

from __future__ import annotations

import math
from dataclasses import asdict, fields, replace
from pathlib import Path

import torch
from torch import nn

from . import registry
from .circuit import CircuitConfig
from .config import ModelConfig
from .errors import CheckpointMissingError
from .prompt import PromptPacker
from .quant import QConv2d, QConvTranspose2d, QLinear, fake_quant, set_quant, snap_weights

CHECKPOINTS = Path(__file__).resolve().parent / "checkpoints"


class Decoder(nn.Module):
    """latent (B, latent_dim) in [-1, 1) -> image (B, C, H, W), nominally in [0, 1] (renderer clamps)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        if cfg.kind == "mlp":
            self.fc1 = QLinear(cfg.latent_dim, cfg.hidden)
            self.fc2 = QLinear(cfg.hidden, cfg.channels * cfg.art_size**2)
        elif cfg.kind == "conv":
            w = cfg.widths
            self.fc = QLinear(cfg.latent_dim, w[0] * cfg.base * cfg.base)
            stages = []
            for cin, cout in zip(w[:-1], w[1:], strict=True):
                if cfg.upsample == "nearest":
                    stages += [nn.Upsample(scale_factor=2, mode="nearest"), QConv2d(cin, cout, 3, padding=1)]
                elif cfg.upsample == "transposed":
                    stages += [QConvTranspose2d(cin, cout, 4, stride=2, padding=1)]
                else:
                    raise ValueError(f"unknown upsample {cfg.upsample!r}")
                stages.append(nn.ReLU())
            self.stages = nn.Sequential(*stages)
            self.to_rgb = QConv2d(w[-1], cfg.channels, 1)
        else:
            raise ValueError(f"unknown decoder kind {cfg.kind!r}")
        self.render = nn.Upsample(scale_factor=cfg.render, mode="nearest") if cfg.render > 1 else nn.Identity()

    def pre_activation(self, z: torch.Tensor) -> torch.Tensor:
        """The last layer's output before the output stage (B, C, art, art)."""
        cfg = self.cfg
        if cfg.kind == "mlp":
            h = torch.relu(self.fc1(z))  # (B, hidden)
            return self.fc2(h).view(-1, cfg.channels, cfg.art_size, cfg.art_size)  # (B, C, art, art)
        h = torch.relu(self.fc(z)).view(-1, cfg.widths[0], cfg.base, cfg.base)  # (B, w0, base, base)
        return self.to_rgb(self.stages(h))  # (B, C, art, art)

    def art(self, z: torch.Tensor) -> torch.Tensor:
        """The art grid (B, C, art, art) through the config's output stage: none, the clamp, or the sigmoid."""
        cfg = self.cfg
        art = self.pre_activation(z)
        if cfg.out_bits == 8:
            # The sigmoid stage: one lookup per digit in the circuit, whose table holds round(σ(y)·2^act_bits) in
            # [0, 2^act_bits]: the bound is the lookup itself (docs/encoding.md).
            out = torch.sigmoid(art)
            quant = (self.fc2 if cfg.kind == "mlp" else self.to_rgb).quant
            return fake_quant(out, cfg.act_bits) if quant else out
        if cfg.out_bits is not None:
            # clamp(x, 0, top) as two ReLUs: ezkl constrains each ReLU's sign, so the circuit proves every output
            # is in [0, top]. (torch.clamp exports as ONNX Clip -> Max/Min, which costs more gas.)
            clamped = torch.relu(art) - torch.relu(art - cfg.out_top)
            if self.training:
                # Same forward value, straight-through gradient: a clamped output still learns. The training
                # images lie inside [0, top], so the gradient of a clamped output always points back into range.
                clamped = art + (clamped - art).detach()
            art = clamped
        return art

    @torch.no_grad()
    def certified_range(self) -> tuple[float, float]:
        """Bounds of every last-layer output over every prompt (each latent in [-1, 127/128]), by interval
        arithmetic on the weights as they are (an mlp decoder; the sigmoid's lookup range must contain them)."""
        if self.cfg.kind != "mlp":
            raise ValueError(f"{self.cfg.name}: certified bounds are implemented for mlp decoders")
        lo, hi = self.interval_bounds()
        return float(lo.min()), float(hi.max())

    def interval_bounds(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(lo, hi) of each last-layer output over the latent box (N,) each, at the weights as the layers use them
        (fake-quantized under QAT), differentiable: a training penalty keeps them inside the lookup range."""
        zlo, zhi = -1.0, 1 - 2.0**-self.cfg.act_bits
        w1, b1 = self.fc1.qweight(self.fc1.weight), self.fc1.qbias(self.fc1.bias)  # (hidden, latent), (hidden,)
        hi1 = b1 + (w1.clamp(min=0) * zhi + w1.clamp(max=0) * zlo).sum(1)
        lo1 = b1 + (w1.clamp(min=0) * zlo + w1.clamp(max=0) * zhi).sum(1)
        hhi, hlo = torch.relu(hi1), torch.relu(lo1)  # (hidden,)
        w2, b2 = self.fc2.qweight(self.fc2.weight), self.fc2.qbias(self.fc2.bias)  # (N, hidden), (N,)
        top = b2 + (w2.clamp(min=0) * hhi).sum(1) + (w2.clamp(max=0) * hlo).sum(1)
        bottom = b2 + (w2.clamp(min=0) * hlo).sum(1) + (w2.clamp(max=0) * hhi).sum(1)
        return bottom, top

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.render(self.art(z))  # (B, C, art·render, art·render)


class ProvenDecoder(nn.Module):
    """What the circuit computes for a model with an output stage: the art grid's digits packed per element.

    Flattened C×H×W digits d_0 … d_{n−1} (zero-padded to a multiple of p = `digits_per_element`: 16 seven-bit or
    15 eight-bit digits, inside ezkl 23's i128 integers) become elements Σ_i d_{pk+i} · 2^(out_bits·(p−1−i)). The
    weights are powers of two (exact in float32) and integers, so ezkl quantizes them at scale 0
    (`rebase_frac_zero_constants`) and the packed value stays at the output scale.
    """

    def __init__(self, decoder: Decoder, batch: int = 1, lookup_low: int | None = None):
        super().__init__()
        self.decoder = decoder
        cfg = decoder.cfg
        # The packed prompt (models/prompt.py) needs the lookup table's low end for its range checks.
        self.packer = PromptPacker(cfg.latent_dim, cfg.act_bits, lookup_low) if cfg.packed_prompt else None
        # A Python int, not the traced input's shape: the graph keeps constant shapes (and batch 1 the very graph
        # the single circuit always had).
        self.batch = batch
        self.per = decoder.cfg.digits_per_element
        base = float(2**decoder.cfg.out_bits)
        self.register_buffer("weights", torch.tensor([base ** (self.per - 1 - i) for i in range(self.per)]))

    def forward(self, z: torch.Tensor) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        prompt = None
        if self.packer is not None:
            z, prompt = self.packer(z)  # (B, latent), (B, 1)
        flat = self.decoder.art(z).reshape(self.batch, -1)  # (B, n)
        pad = (-flat.shape[1]) % self.per
        if pad:  # zero digits at the end (tract cannot analyse ONNX Pad here)
            flat = torch.cat([flat, torch.zeros(self.batch, pad)], dim=1)
        # (B, ceil(n / per)), slot-major: slot i's packed outputs are row i.
        image = torch.matmul(flat.reshape(-1, self.per), self.weights).reshape(self.batch, -1)
        return image if prompt is None else (prompt, image)


class Encoder(nn.Module):
    """image (B, C, H, W) -> latent (B, latent_dim) in (-1, 1); off-chain only, so plain float layers."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        c, size = cfg.channels, cfg.art_size
        layers: list[nn.Module] = [nn.AvgPool2d(cfg.image_size // size)] if size != cfg.image_size else []
        width = 16
        while size > 4:  # halve the resolution down to 4×4
            layers += [nn.Conv2d(c, width, 3, stride=2, padding=1), nn.ReLU()]
            c, size, width = width, size // 2, min(width * 2, 64)
        layers += [nn.Flatten(), nn.Linear(c * size * size, 64), nn.ReLU(), nn.Linear(64, cfg.latent_dim), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)  # (B, latent_dim)


class AutoEncoder(nn.Module):
    """Encoder + Decoder; only the decoder is exported and proven."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        if cfg.kind == "traits":  # the prompt is the trait ids: nothing to encode (models/traits.py)
            from .traits import TraitDecoder

            self.encoder = None
            self.decoder = TraitDecoder(cfg)
        else:
            self.encoder = Encoder(cfg)
            self.decoder = Decoder(cfg)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        z = self.encoder(x)
        return z, self.decoder(z)

    def set_quant(self, enabled: bool) -> None:
        """Fake-quantize the decoder at the config's scales (on: what the circuit computes)."""
        set_quant(self.decoder, enabled, self.cfg.act_bits, self.cfg.weight_bits)


def sigmoid_input_range(model: AutoEncoder) -> tuple[int, int] | None:
    """Certified bounds (lo, hi) of every sigmoid input over every valid prompt, as integers at scale 2^act_bits
    with one step of slack each way for ezkl's rounding; None for a model without the sigmoid stage. The circuit's
    lookup range must contain them, or some prompt would have no witness (`proofs build` refuses such a model)."""
    if model.cfg.out_bits != 8:
        return None
    if model.cfg.kind == "traits":
        from .traits import certified_range

        return certified_range(model.decoder)
    lo, hi = model.decoder.certified_range()
    scale = 2**model.cfg.act_bits
    return math.floor(lo * scale) - 1, math.ceil(hi * scale) + 1


def save_checkpoint(model: AutoEncoder, path: Path, **extra) -> Path:
    """Config + weights (+ metrics) in one small file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": asdict(model.cfg), "state_dict": model.state_dict(), **extra}, path)
    return path


def load_checkpoint(name_or_path: str | Path) -> tuple[AutoEncoder, dict]:
    """A trained AutoEncoder (quantization on, snapped to int8) and the checkpoint's extra fields."""
    path = Path(name_or_path)
    if not path.suffix:
        path = CHECKPOINTS / f"{name_or_path}.pt"
    if not path.exists():
        raise CheckpointMissingError(f"no checkpoint at {path}: train it with `python -m models train {path.stem}`")
    ckpt = torch.load(path, map_location="cpu", weights_only=False)
    known = {f.name for f in fields(ModelConfig)}
    cfg = ModelConfig(**{k: v for k, v in ckpt["config"].items() if k in known})
    model = AutoEncoder(cfg)
    model.load_state_dict(ckpt["state_dict"])
    model.set_quant(True)
    snap_weights(model.decoder)
    model.eval()
    return model, {k: v for k, v in ckpt.items() if k not in ("config", "state_dict")}


def load_model(name: str) -> tuple[AutoEncoder, dict]:
    """The trained model behind a registered name (its checkpoint, or a derived view of another's) and extras."""
    spec = registry.get(name)
    model, extra = load_checkpoint(spec.checkpoint_name)
    model.cfg.packed_prompt = spec.model.packed_prompt  # how the circuit shows the prompt: the registry's choice
    if spec.derived_from is None:
        return model, extra
    derived = AutoEncoder(replace(model.cfg, name=name, **spec.changes))
    derived.decoder.load_state_dict(model.decoder.state_dict())  # the decoder's layers are unchanged
    derived.encoder = model.encoder  # still encodes the base model's images
    derived.set_quant(True)
    derived.eval()
    return derived, {**extra, "derived_from": spec.derived_from, "changes": dict(spec.changes)}


def export_decoder_onnx(model: AutoEncoder, path: Path, circuit: CircuitConfig, batch: int = 1) -> None:
    """The decoder alone as ONNX (opset 17, legacy exporter) with input `latent` and output `image` (after an
    output `prompt`, the packed prompt, when the config packs it: it is range-checked in the lookup table of
    `circuit`, the circuit the export is proven in), for a fixed batch of `batch` latents (a batch circuit proves
    that many prompts at once, slot-major).

    With an output stage (`out_bits`) the circuit is `ProvenDecoder`: the art grid, packed; the nearest upsample is
    left to the renderer. Without one it is the whole decoder (the old encoding, kept as a benchmark baseline).
    """
    lookup_low = circuit.lookup_range[0]
    path.parent.mkdir(parents=True, exist_ok=True)
    dummy = torch.zeros(batch, model.cfg.latent_dim)
    # Export the float graph: the weights are already snapped to the int8 grid, and ezkl does the rounding
    # of activations itself; fake-quant ops would only add Round nodes ezkl would have to prove.
    model.set_quant(False)
    try:
        if model.cfg.kind == "traits":
            from .traits import ProvenTraitDecoder

            if batch != 1:
                raise ValueError(f"{model.cfg.name}: the trait decoder has no batch circuit")
            net = ProvenTraitDecoder(model.decoder, model.cfg.digits_per_element, lookup_low)
        elif model.cfg.out_bits is None:
            net = model.decoder
        else:
            net = ProvenDecoder(model.decoder, batch, lookup_low)
        outputs = ["prompt", "image"] if model.cfg.packed_prompt else ["image"]
        torch.onnx.export(
            net,
            dummy,
            str(path),
            input_names=["latent"],
            output_names=outputs,
            opset_version=17,
            dynamo=False,
        )
    finally:
        model.set_quant(True)

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

from dataclasses import asdict, fields, replace
from pathlib import Path

import torch
from torch import nn

from . import registry
from .config import ModelConfig
from .errors import CheckpointMissingError
from .quant import QConv2d, QConvTranspose2d, QLinear, set_quant, snap_weights

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

    def art(self, z: torch.Tensor) -> torch.Tensor:
        """The art grid (B, C, art, art), clamped to [0, out_top] when the config has an output clamp."""
        cfg = self.cfg
        if cfg.kind == "mlp":
            h = torch.relu(self.fc1(z))  # (B, hidden)
            art = self.fc2(h).view(-1, cfg.channels, cfg.art_size, cfg.art_size)  # (B, C, art, art)
        else:
            h = torch.relu(self.fc(z)).view(-1, cfg.widths[0], cfg.base, cfg.base)  # (B, w0, base, base)
            art = self.to_rgb(self.stages(h))  # (B, C, art, art)
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

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.render(self.art(z))  # (B, C, art·render, art·render)


#: Digits per public field element: 16 × 7 bits = 112 bits stays inside ezkl 23's i128 integers
#: (docs/encoding.md has the limit).
PACK = 16


class ProvenDecoder(nn.Module):
    """What the circuit computes for a clamped model: the art grid's digits packed PACK per output element.

    Flattened C×H×W digits d_0 … d_{n−1} (zero-padded to a multiple of PACK) become elements
    Σ_i d_{16k+i} · 2^(out_bits·(15−i)). The weights are powers of two (exact in float32) and integers, so ezkl
    quantizes them at scale 0 (`rebase_frac_zero_constants`) and the packed value stays at the output scale.
    """

    def __init__(self, decoder: Decoder, batch: int = 1):
        super().__init__()
        self.decoder = decoder
        # A Python int, not the traced input's shape: the graph keeps constant shapes (and batch 1 the very graph
        # the single circuit always had).
        self.batch = batch
        base = float(2**decoder.cfg.out_bits)
        self.register_buffer("weights", torch.tensor([base ** (PACK - 1 - i) for i in range(PACK)]))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        flat = self.decoder.art(z).reshape(self.batch, -1)  # (B, n)
        pad = (-flat.shape[1]) % PACK
        if pad:  # zero digits at the end (tract cannot analyse ONNX Pad here)
            flat = torch.cat([flat, torch.zeros(self.batch, pad)], dim=1)
        # (B, ceil(n / PACK)), slot-major: slot i's packed outputs are row i.
        return torch.matmul(flat.reshape(-1, PACK), self.weights).reshape(self.batch, -1)


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
    if spec.derived_from is None:
        return model, extra
    derived = AutoEncoder(replace(model.cfg, name=name, **spec.changes))
    derived.decoder.load_state_dict(model.decoder.state_dict())  # the decoder's layers are unchanged
    derived.encoder = model.encoder  # still encodes the base model's images
    derived.set_quant(True)
    derived.eval()
    return derived, {**extra, "derived_from": spec.derived_from, "changes": dict(spec.changes)}


def export_decoder_onnx(model: AutoEncoder, path: Path, batch: int = 1) -> None:
    """The decoder alone as ONNX (opset 17, legacy exporter) with input `latent` and output `image`, for a fixed
    batch of `batch` latents (a batch circuit proves that many prompts at once, slot-major).

    With an output clamp (`out_bits`) the circuit is `ProvenDecoder`: the art grid, packed; the nearest upsample is
    left to the renderer. Without one it is the whole decoder (the old encoding, kept as a benchmark baseline).
    """
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
            net = ProvenTraitDecoder(model.decoder, model.cfg.digits_per_element)
        else:
            net = model.decoder if model.cfg.out_bits is None else ProvenDecoder(model.decoder, batch)
        torch.onnx.export(
            net,
            dummy,
            str(path),
            input_names=["latent"],
            output_names=["image"],
            opset_version=17,
            dynamo=False,
        )
    finally:
        model.set_quant(True)

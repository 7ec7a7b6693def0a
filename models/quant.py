"""Quantization-aware training at power-of-two scales, matching how ezkl evaluates the circuit.

ezkl works over a prime field with fixed-point integers: a tensor at scale ``s`` holds ``q = round(x · 2^s)``.
Weights are quantized at ``weight_bits`` fractional bits (``param_scale``), activations at ``act_bits``
(``input_scale``); after each multiply ezkl rescales the product (scale ``act + weight``) back to ``act`` by a
rounded division by a power of two. The fake-quant modules here do the same arithmetic in float, with a
straight-through estimator for gradients, so a QAT-trained network is int8-exact in the circuit:

- weights: int8 ``q ∈ [-128, 127]`` at scale ``weight_bits`` (clamped during training, so exported weights
  are exactly representable),
- biases: at scale ``weight_bits`` (ezkl quantizes every constant at ``param_scale`` and only then shifts it to
  the product's scale; measured: quantizing biases at ``act + weight`` bits put outputs off by one step),
- activations: rounded to the grid ``2^-act_bits`` after every layer (ReLU commutes with rounding).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def round_ste(x: torch.Tensor) -> torch.Tensor:
    """round() in the forward pass, identity in the backward pass (straight-through estimator)."""
    return x + (torch.round(x) - x).detach()


def fake_quant(x: torch.Tensor, bits: int, qmin: int | None = None, qmax: int | None = None) -> torch.Tensor:
    """Snap x to the grid 2^-bits (optionally clamping the integer to [qmin, qmax]) with an STE."""
    scale = float(2**bits)
    q = round_ste(x * scale)
    if qmin is not None or qmax is not None:
        q = torch.clamp(q, qmin, qmax)  # clamp has zero gradient outside: weights there stop growing
    return q / scale


class QuantMixin:
    """Shared state of quantized layers: on/off switch and the two scales."""

    quant: bool = False
    act_bits: int = 7
    weight_bits: int = 7

    def set_quant(self, enabled: bool, act_bits: int, weight_bits: int) -> None:
        """Turn fake quantization on (QAT / int8 export) or off (float reference)."""
        self.quant, self.act_bits, self.weight_bits = enabled, act_bits, weight_bits

    def qweight(self, w: torch.Tensor) -> torch.Tensor:
        return fake_quant(w, self.weight_bits, -128, 127) if self.quant else w

    def qbias(self, b: torch.Tensor | None) -> torch.Tensor | None:
        if b is None or not self.quant:
            return b
        return fake_quant(b, self.weight_bits)  # not clamped to int8: ezkl adds it at the product's scale

    def qact(self, y: torch.Tensor) -> torch.Tensor:
        return fake_quant(y, self.act_bits) if self.quant else y

    @torch.no_grad()
    def snap(self) -> None:
        """Replace the weight and bias by their quantized values (quantization on)."""
        self.weight.copy_(self.qweight(self.weight))
        if self.bias is not None:
            self.bias.copy_(self.qbias(self.bias))


class QLinear(QuantMixin, nn.Linear):
    """nn.Linear with int8 fake-quantized weights and a rounded output."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.qact(F.linear(x, self.qweight(self.weight), self.qbias(self.bias)))


class QConv2d(QuantMixin, nn.Conv2d):
    """nn.Conv2d with int8 fake-quantized weights and a rounded output."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.qact(self._conv_forward(x, self.qweight(self.weight), self.qbias(self.bias)))


class QConvTranspose2d(QuantMixin, nn.ConvTranspose2d):
    """nn.ConvTranspose2d with int8 fake-quantized weights and a rounded output."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.conv_transpose2d(
            x,
            self.qweight(self.weight),
            self.qbias(self.bias),
            self.stride,
            self.padding,
            self.output_padding,
            self.groups,
            self.dilation,
        )
        return self.qact(y)


def set_quant(module: nn.Module, enabled: bool, act_bits: int, weight_bits: int) -> None:
    """Switch fake quantization for every quantized layer inside `module`."""
    for m in module.modules():
        if isinstance(m, QuantMixin):
            m.set_quant(enabled, act_bits, weight_bits)


@torch.no_grad()
def snap_weights(module: nn.Module) -> None:
    """Replace weights and biases by their quantized values, so the exported ONNX holds exact int8 grids."""
    for m in module.modules():
        if isinstance(m, QuantMixin) and m.quant:
            m.snap()

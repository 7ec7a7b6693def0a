"""Model shapes, quantization (QAT at power-of-two scales) and the datasets; no training here."""

import numpy as np
import pytest
import torch

from models import data, registry
from models.config import ModelConfig
from models.errors import UnknownModelError
from models.model import AutoEncoder, Decoder, load_checkpoint, load_model
from models.quant import QLinear, fake_quant, round_ste, set_quant

ALL = registry.names()
#: The models whose prompt is a latent (an encoder maps images to it); the trait decoder's prompt is ids.
LATENT = [n for n in ALL if registry.get(n).model.kind != "traits"]


@pytest.mark.parametrize("name", LATENT)
def test_decoder_outputs_config_shape_if_given_a_batch_of_latents(name):
    cfg = registry.get(name).model
    out = Decoder(cfg)(torch.rand(2, cfg.latent_dim) * 2 - 1)
    assert out.shape == (2, cfg.channels, cfg.image_size, cfg.image_size)


def test_trait_decoder_draws_the_proven_grid_in_digits_if_given_trait_ids():
    from models import traits_train

    cfg = registry.get("nouns").model
    model = AutoEncoder(cfg)
    assert model.encoder is None  # the prompt is the Noun: nothing to encode
    set_quant(model.decoder, True, cfg.act_bits, cfg.weight_bits)
    out = model.decoder.art(traits_train.latents(np.array([[0, 0, 0, 0, 0], [1, 29, 142, 253, 22]])))
    assert out.shape == (2, *cfg.proven_shape) == (2, 3, 32, 32)  # drawn ×2 by the renderer: 64×64
    q = out * 128
    assert bool((q == q.round()).all()) and float(q.min()) >= 0 and float(q.max()) <= 128  # 8-bit sigmoid digits


@pytest.mark.parametrize("name", LATENT)
def test_encoder_maps_images_into_prompt_range_if_given_images(name):
    cfg = registry.get(name).model
    z = AutoEncoder(cfg).encoder(torch.rand(3, cfg.channels, cfg.image_size, cfg.image_size))
    assert z.shape == (3, cfg.latent_dim)
    assert bool((z.abs() < 1).all())


def test_config_raises_if_render_does_not_divide_image_size():
    with pytest.raises(ValueError):
        ModelConfig(name="bad", image_size=30, render=4, kind="mlp")


def test_fake_quant_snaps_to_power_of_two_grid_and_clamps_if_quantizing_weights():
    x = torch.tensor([0.3, -5.0, 5.0, 0.0078125])
    q = fake_quant(x, 7, -128, 127)
    assert torch.equal(q * 128, torch.tensor([38.0, -128.0, 127.0, 1.0]))


def test_round_ste_passes_gradient_through_if_backpropagating():
    x = torch.tensor([0.2, 1.7], requires_grad=True)
    round_ste(x).sum().backward()
    assert torch.equal(x.grad, torch.ones(2))


def test_decoder_clamp_keeps_forward_and_passes_gradient_if_training():
    cfg = registry.get("pixel32").model
    decoder = Decoder(cfg)
    with torch.no_grad():
        decoder.fc2.bias[:3].fill_(5.0)  # three outputs far above the clamp's top
        decoder.fc2.bias[3:6].fill_(-5.0)  # three far below zero
    z = torch.rand(1, cfg.latent_dim) * 2 - 1
    decoder.eval()
    expected = decoder.art(z).detach()
    decoder.train()
    art = decoder.art(z)
    assert torch.equal(art.detach(), expected)  # the same values as the circuit's clamp
    assert float(art.min()) >= 0 and float(art.max()) <= cfg.out_top
    art.flatten()[:6].sum().backward()
    assert bool((decoder.fc2.bias.grad[:6] != 0).all())  # clamped outputs still learn


def test_quantized_linear_outputs_lie_on_activation_grid_if_quant_enabled():
    torch.manual_seed(0)
    layer = QLinear(5, 7)
    set_quant(layer, True, act_bits=6, weight_bits=7)
    y = layer(torch.randn(4, 5)) * 2**6
    assert torch.equal(y, y.round())
    set_quant(layer, False, act_bits=6, weight_bits=7)
    y = layer(torch.randn(4, 5)) * 2**6
    assert not torch.equal(y, y.round())


@pytest.mark.parametrize("name", ["micro", "pixel32", "nouns32"])
def test_committed_checkpoint_has_int8_weights_if_loaded(name):
    model, extra = load_checkpoint(name)
    assert model.cfg.name == name
    bits = model.cfg.weight_bits
    for layer in (m for m in model.decoder.modules() if isinstance(m, QLinear)):
        q = layer.weight.detach() * 2**bits
        assert torch.equal(q, q.round()), "weights are not on the 2^-weight_bits grid"
        assert q.min() >= -128 and q.max() <= 127, "weights do not fit int8"
        b = layer.bias.detach() * 2**bits
        assert torch.equal(b, b.round()), "biases are not on the param_scale grid"
    assert {"float", "ptq_int8", "qat_int8"} <= set(extra["metrics"])


def test_committed_micro_decoder_outputs_lie_on_grid_if_latent_is_a_prompt():
    model, _ = load_checkpoint("micro")
    z = torch.randint(-128, 128, (5, model.cfg.latent_dim)).float() / 2**model.cfg.act_bits
    with torch.no_grad():
        y = model.decoder(z) * 2**model.cfg.act_bits
    assert torch.equal(y, y.round())


def test_pixelart_is_deterministic_and_on_palette_if_seeded():
    a, b = data.pixelart(6, 32, seed=3), data.pixelart(6, 32, seed=3)
    assert torch.equal(a, b)
    assert not torch.equal(a, data.pixelart(6, 32, seed=4))
    palette = {tuple(c) for c in data.BACKGROUNDS + data.HEADS + data.BODIES + data.GLASSES + [data.WHITE, data.BLACK]}
    colours = {tuple(c) for c in (a.permute(0, 2, 3, 1).reshape(-1, 3) * 255).round().int().tolist()}
    assert colours <= palette


def test_pixelart_is_blocky_if_upsampled_to_64():
    x = data.pixelart(2, 64, seed=0)
    assert x.shape == (2, 3, 64, 64)
    assert torch.equal(x[:, :, ::4, ::4].repeat_interleave(4, 2).repeat_interleave(4, 3), x)


def test_digits_are_in_unit_range_if_pooled_to_4x4():
    x = data.digits(4)
    assert x.shape[1:] == (1, 4, 4) and float(x.min()) >= 0 and float(x.max()) <= 1
    assert np.isclose(float(data.digits(8)[0].mean() * 4), float(x[0].mean() * 4))


def test_registry_get_raises_if_model_is_unknown():
    with pytest.raises(UnknownModelError, match="unknown model 'nope'; known: micro, nouns, pixel32"):
        registry.get("nope")


def test_registry_lists_and_gets_each_kind_if_asked_for_it():
    from models.registry import Entry
    from models.trees import TreeError, TreeTemplate

    templates = registry.names(TreeTemplate)
    assert templates == ["tree-iris-d3", "tree-wine-d4", "tree-synth13-d5"] and not set(templates) & set(ALL)
    assert registry.names(Entry) == ALL + templates
    assert registry.get("tree-wine-d4", TreeTemplate).depth == registry.get("tree-wine-d4", Entry).depth == 4
    with pytest.raises(UnknownModelError, match="unknown model 'tree-wine-d4'; known: micro, nouns"):
        registry.get("tree-wine-d4")  # a template is not an image model
    with pytest.raises(TreeError, match="unknown tree template 'micro'; known: tree-iris-d3, tree-wine-d4"):
        registry.get("micro", TreeTemplate)
    with pytest.raises(UnknownModelError, match="unknown model 'nope'; known: micro, .*, tree-synth13-d5$"):
        registry.get("nope", Entry)


def test_registry_raises_if_two_entries_share_a_name():
    with pytest.raises(ValueError, match="'micro'"):
        registry._by_name(registry.get("micro"), registry.get("micro"))


def test_registry_get_returns_a_copy_if_caller_changes_the_config():
    registry.get("micro").model.steps = 1
    assert registry.get("micro").model.steps == 3000


def test_load_model_shares_base_decoder_weights_if_model_is_derived():
    spec = registry.get("pixel64")
    base, _ = load_model(spec.derived_from)
    derived, extra = load_model("pixel64")
    assert (derived.cfg.image_size, derived.cfg.render, derived.cfg.proven_shape) == (64, 4, (3, 16, 16))
    assert extra["derived_from"] == "pixel32" and extra["changes"] == {"render": 4, "image_size": 64}
    for (name, a), (_, b) in zip(base.decoder.state_dict().items(), derived.decoder.state_dict().items(), strict=True):
        assert torch.equal(a, b), name

"""The trait classifier (`models.classifier`): the adherence judge reads real Nouns it never trained on."""

import numpy as np
import pytest
import torch

from models import classifier, nouns

#: Floor per kind on held-out real Nouns, an id that draws the same picture counting as right (the committed
#: checkpoint reads 2,560 of them at 100% background, head and glasses, 98.5% body, 98.7% accessory).
FLOOR = {"background": 0.99, "body": 0.95, "accessory": 0.95, "head": 0.98, "glasses": 0.98}

needs_checkpoint = pytest.mark.skipif(not classifier.CHECKPOINT.exists(), reason="no committed trait classifier")


class Fixed(torch.nn.Module):
    """A stand-in classifier that reads every image as the same Noun."""

    def __init__(self, seed):
        super().__init__()
        self.seed = seed

    def forward(self, x):
        return [
            torch.nn.functional.one_hot(torch.full((len(x),), i), n).float()
            for i, n in zip(self.seed, classifier.counts(), strict=True)
        ]


def test_adherence_counts_a_hidden_body_as_right_if_every_body_draws_the_same_noun():
    """Accessory 18 (body-gradient-dusk) covers every body pixel: body 0 and body 29 are one picture."""
    art = nouns.load_art()
    seeds = np.array([[0, 29, 18, 48, 6]])
    reads_body_0 = Fixed([0, 0, 18, 48, 6])
    image = nouns.composite(art, seeds)
    assert classifier.adherence(image, seeds, reads_body_0)["body"] == 1.0
    assert classifier.adherence(image, seeds, reads_body_0, strict=True)["body"] == 0.0
    visible = np.array([[0, 29, 0, 48, 6]])  # accessory 0 leaves the body's colour in view
    assert classifier.adherence(nouns.composite(art, visible), visible, reads_body_0)["body"] == 0.0


@pytest.fixture(scope="module")
def heldout():
    art = nouns.load_art()
    seeds = classifier.heldout_seeds()[::4]  # 640 of them: enough for the floor, quick on a shared machine
    return seeds, nouns.composite(art, seeds)


@needs_checkpoint
def test_adherence_is_above_the_floor_per_kind_if_images_are_real_heldout_nouns(heldout):
    seeds, images = heldout
    torch.set_num_threads(1)
    got = classifier.adherence(images, seeds)
    assert list(got) == list(classifier.KINDS)
    assert all(got[k] >= FLOOR[k] for k in FLOOR), got


@needs_checkpoint
def test_adherence_is_the_same_if_images_are_uint8_or_floats(heldout):
    seeds, images = heldout
    as_floats = nouns.to_tensor(images[:64])
    assert classifier.adherence(images[:64], seeds[:64]) == classifier.adherence(as_floats, seeds[:64])


@needs_checkpoint
def test_adherence_drops_for_a_kind_if_its_ids_are_wrong(heldout):
    seeds, images = heldout
    wrong = seeds[:128].copy()
    wrong[:, 3] = (wrong[:, 3] + 1) % 254  # every head id off by one
    got = classifier.adherence(images[:128], wrong)
    assert got["head"] < 0.1 and got["glasses"] >= FLOOR["glasses"]


def test_heldout_seeds_are_never_trained_on_if_training_draws_them(heldout):
    """The training loop filters its batches by this set; the set includes the trait decoder's evaluation seeds."""
    from models import registry, traits_train

    held = {tuple(s) for s in classifier.heldout_seeds().tolist()}
    assert {tuple(s) for s in traits_train.eval_seeds(registry.get("nouns").model).tolist()} <= held


@needs_checkpoint
def test_predict_returns_valid_ids_if_given_any_image():
    ids = classifier.predict(classifier.load(), np.random.default_rng(0).random((4, 3, 32, 32), dtype=np.float32))
    assert ids.shape == (4, 5) and ((ids >= 0) & (ids < np.array(classifier.counts()))).all()

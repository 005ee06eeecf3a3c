"""The three-pair GAN-CLS losses against a direct computation, and the wrong-pair sampler."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from xmodal_cmgan.gan_cls import ClassPool, discriminator_loss, generator_loss


def test_discriminator_loss_is_the_papers_objective() -> None:
    g = torch.Generator().manual_seed(0)
    r, w, f = (torch.randn(32, generator=g) * 3 for _ in range(3))
    s_r, s_w, s_f = torch.sigmoid(r), torch.sigmoid(w), torch.sigmoid(f)
    direct = -(torch.log(s_r) + (torch.log(1 - s_w) + torch.log(1 - s_f)) / 2).mean()
    assert discriminator_loss(r, f, w).item() == pytest.approx(direct.item(), rel=1e-5)
    no_wrong = -(torch.log(s_r) + torch.log(1 - s_f)).mean()
    assert discriminator_loss(r, f).item() == pytest.approx(no_wrong.item(), rel=1e-5)


def test_generator_loss_is_minus_log_s_f() -> None:
    f = torch.linspace(-4, 4, 17)
    assert generator_loss(f).item() == pytest.approx(-torch.log(torch.sigmoid(f)).mean().item(), rel=1e-5)


def test_losses_stay_finite_for_extreme_logits() -> None:
    big = torch.tensor([-200.0, 200.0])
    assert torch.isfinite(discriminator_loss(big, big, big)) and torch.isfinite(generator_loss(big))
    x = torch.tensor([50.0, -50.0], requires_grad=True)
    generator_loss(x).backward()
    assert torch.isfinite(x.grad).all()


def test_wrong_partners_come_from_other_classes_uniformly() -> None:
    labels = np.repeat(np.arange(4), [10, 20, 30, 40])
    pool = ClassPool(labels)
    g = torch.Generator().manual_seed(1)
    y = torch.full((20000,), 2)
    idx = pool.other(y, torch.rand(20000, generator=g), torch.rand(20000, generator=g))
    picked = labels[idx.numpy()]
    assert not (picked == 2).any()
    share = np.bincount(picked, minlength=4)[[0, 1, 3]] / 20000
    np.testing.assert_allclose(share, 1 / 3, atol=0.02)  # uniform over the other classes
    items = np.bincount(idx.numpy()[picked == 3] - 60, minlength=40)
    assert items.min() > 0  # every item of a class can be drawn


def test_same_class_partners_and_absent_labels() -> None:
    labels = np.array([0, 0, 2, 2, 2])
    pool = ClassPool(labels)
    u = torch.tensor([0.0, 0.999, 0.5])
    assert labels[pool.same(torch.tensor([0, 2, 2]), u).numpy()].tolist() == [0, 2, 2]
    other = pool.other(torch.tensor([0, 2, 1]), torch.tensor([0.9, 0.9, 0.9]), u)
    assert labels[other.numpy()].tolist()[:2] == [2, 0]  # class 1 is absent: any class will do
    with pytest.raises(ValueError, match="no item of class 1"):
        pool.same(torch.tensor([1]), torch.tensor([0.5]))
    with pytest.raises(ValueError, match="two classes"):
        ClassPool(np.zeros(3, dtype=np.int64))

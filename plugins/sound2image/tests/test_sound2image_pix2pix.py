"""pix2pix pieces: U-Net and PatchGAN shapes, skip connections, losses, feature maps."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from xmodal_sound2image.pix2pix import (
    PatchGAN,
    UNet,
    feature_to_map,
    map_to_feature,
    pix2pix_d_loss,
    pix2pix_g_loss,
)


@pytest.mark.parametrize("size", [16, 64, 128])
def test_unet_keeps_the_size_and_is_bounded(size: int) -> None:
    net = UNet(1, 3, size, width=2).eval()
    out = net(torch.randn(2, 1, size, size))
    assert out.shape == (2, 3, size, size)
    assert float(out.abs().max()) <= 1.0


def test_unet_skip_connections_carry_fine_detail() -> None:
    """Each decoder layer reads its encoder twin: the outermost encoder output reaches the last layer."""
    net = UNet(1, 1, 16, width=2).eval()
    x = torch.zeros(1, 1, 16, 16, requires_grad=True)
    net(x)[0, 0, 3, 3].backward()
    assert x.grad is not None
    assert float(x.grad.abs().sum()) > 0
    assert net.up[-1][1].in_channels == 2 * 2  # the outermost up layer sees decoder + skip channels


def test_unet_refuses_a_size_that_is_not_a_power_of_two() -> None:
    with pytest.raises(ValueError):
        UNet(1, 1, 48)


def test_patchgan_gives_patch_logits() -> None:
    d = PatchGAN(4, width=2)
    out = d(torch.randn(2, 1, 64, 64), torch.randn(2, 3, 64, 64))
    assert out.shape == (2, 1, 6, 6)


def test_losses_are_pix2pix_bce_and_l1() -> None:
    torch.manual_seed(0)
    d = PatchGAN(2, width=2)
    cond, real, fake = torch.randn(3, 1, 64, 64), torch.randn(3, 1, 64, 64), torch.randn(3, 1, 64, 64)
    r, f = d(cond, real), d(cond, fake)
    want_d = 0.5 * (F.softplus(-r).mean() + F.softplus(f).mean())  # BCE(r, 1) = softplus(-r)
    assert torch.allclose(pix2pix_d_loss(d, cond, real, fake), want_d, atol=1e-6)
    adv, l1 = pix2pix_g_loss(d, cond, real, fake, 100.0)
    assert torch.allclose(adv, F.softplus(-f).mean(), atol=1e-6)
    assert torch.allclose(l1, (fake - real).abs().mean())


def test_feature_maps_round_trip() -> None:
    feat = torch.randn(2, 64)
    grid = feature_to_map(feat, 32)
    assert grid.shape == (2, 1, 32, 32)
    assert torch.equal(grid[:, 0, ::4, ::4].reshape(2, 64), feat)  # the paper's upsampled square
    assert torch.allclose(map_to_feature(grid, 64), feat, atol=1e-6)
    with pytest.raises(ValueError):
        feature_to_map(torch.randn(2, 60), 32)

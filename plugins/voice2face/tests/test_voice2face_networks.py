"""Table 2's shapes at the paper's width, with the official code's 4x4 corrections and counts."""

from __future__ import annotations

import math

import torch
from xmodal_voice2face.networks import FaceCritic, Generator
from xmodal_voice2face.voiceenc import VoiceEmbedNet


def _shapes(net: torch.nn.Sequential, x: torch.Tensor, kinds: tuple[type, ...]) -> list[tuple[int, ...]]:
    out = []
    for layer in net:
        x = layer(x)
        if isinstance(layer, kinds):
            out.append(tuple(x.shape[1:]))
    return out


def test_generator_shapes_follow_table_2() -> None:
    g = Generator(in_dim=64, width=64)
    shapes = _shapes(g.net, torch.randn(2, 64, 1, 1), (torch.nn.ConvTranspose2d,))
    assert shapes == [(1024, 4, 4), (512, 8, 8), (256, 16, 16), (128, 32, 32), (64, 64, 64),
                      (3, 64, 64)]
    assert g(torch.randn(2, 64)).abs().max() <= 1.0  # inference clamps, as the official test


def test_dcgan_generator_adds_batch_norm_and_tanh_only() -> None:
    g = Generator(in_dim=256, width=4, channels=1, dcgan=True)
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in g.net) == 5
    assert isinstance(g.net[-1], torch.nn.Tanh)
    assert tuple(g.eval()(torch.randn(2, 256)).shape) == (2, 1, 64, 64)


def test_resize_generator_keeps_the_shapes_without_stride_2_deconvolutions() -> None:
    g = Generator(in_dim=64, width=64, resize=True)
    shapes = _shapes(g.net, torch.randn(2, 64, 1, 1), (torch.nn.ConvTranspose2d, torch.nn.Conv2d))
    assert shapes == [(1024, 4, 4), (512, 8, 8), (256, 16, 16), (128, 32, 32), (64, 64, 64),
                      (3, 64, 64)]
    assert not any(isinstance(m, torch.nn.ConvTranspose2d) and m.stride == (2, 2) for m in g.net)


def test_trunk_shapes_follow_table_2_and_heads_share_it() -> None:
    critic = FaceCritic(classes=924, width=32)
    shapes = _shapes(critic.trunk.net, torch.randn(2, 3, 64, 64), (torch.nn.Conv2d,))
    assert shapes == [(32, 64, 64), (64, 32, 32), (128, 16, 16), (256, 8, 8), (512, 4, 4),
                      (64, 1, 1)]
    d, c = critic(torch.randn(2, 3, 64, 64))
    assert d.shape == (2,) and c.shape == (2, 924)
    assert critic.d.bias is None and critic.c.bias is None


def test_voice_cnn_lengths_and_channels() -> None:
    """64 x t0 -> 256 x t1 -> 384 -> 576 -> 864 -> 64 x t5 -> average -> 64.

    Each Conv 3/2,1 gives floor((t - 1) / 2) + 1 frames; Table 2's ceil((t - 1) / 2) + 1
    is the same for odd t and one more for even t (a slip in the paper's formula).
    """
    e = VoiceEmbedNet(dim=64, width=256)
    t = 801
    x = torch.randn(2, 64, t)
    chans = []
    for layer in e.net:
        x = layer(x)
        if isinstance(layer, torch.nn.Conv1d):
            t = math.floor((t - 1) / 2) + 1
            chans.append(x.shape[1])
            assert x.shape[2] == t
    assert chans == [256, 384, 576, 864, 64]
    assert e(torch.randn(2, 64, 800)).shape == (2, 64)


def test_parameter_counts_equal_the_official_code() -> None:
    def count(m: torch.nn.Module) -> int:
        return sum(p.numel() for p in m.parameters())

    assert count(VoiceEmbedNet(64, 256)) == 2_670_720
    assert count(Generator(64, 64)) == 12_191_875
    assert count(FaceCritic(924, 32).trunk) == 3_310_720
    assert count(FaceCritic(924, 32).c) == 64 * 924

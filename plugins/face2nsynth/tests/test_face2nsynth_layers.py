"""The polyphase convolutions compute exactly what torch's strided convolutions compute."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from xmodal_face2nsynth.layers import PolyphaseConv1d, PolyphaseConvTranspose1d


@pytest.mark.parametrize(("stride", "padding"), [(4, 11), (2, 12)])
def test_transposed_matches_torch(stride: int, padding: int) -> None:
    torch.manual_seed(0)
    layer = PolyphaseConvTranspose1d(3, 5, 25, stride, padding)
    x = torch.randn(2, 3, 16, requires_grad=True)
    ref = F.conv_transpose1d(x, layer.weight, layer.bias, stride=stride, padding=padding,
                             output_padding=stride + 2 * padding - 25)
    out = layer(x)
    assert out.shape == (2, 5, 16 * stride) == ref.shape
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    g_out = torch.autograd.grad(out.square().sum(), (x, layer.weight))
    g_ref = torch.autograd.grad(ref.square().sum(), (x, layer.weight))
    for a, b in zip(g_out, g_ref, strict=True):
        torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4)


def test_strided_matches_torch() -> None:
    torch.manual_seed(0)
    layer = PolyphaseConv1d(3, 5, 25, 4, 12)
    x = torch.randn(2, 3, 64, requires_grad=True)
    ref = F.conv1d(x, layer.weight, layer.bias, stride=4, padding=12)
    out = layer(x)
    assert out.shape == (2, 5, 16) == ref.shape
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    g_out = torch.autograd.grad(out.square().sum(), (x, layer.weight))
    g_ref = torch.autograd.grad(ref.square().sum(), (x, layer.weight))
    for a, b in zip(g_out, g_ref, strict=True):
        torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4)

"""WaveGAN's strided 1-D convolutions, computed in polyphase form.

A stride-4 convolution with a 25-tap kernel over an 8192-sample signal with
few channels is one of the slowest things a CPU can be asked to do through
``conv1d`` / ``conv_transpose1d`` (badly shaped matrix products, and a slow
backward). The same linear map is much cheaper as an ordinary convolution
over the signal's ``stride`` phases: a transposed convolution becomes a
``conv1d`` to ``stride x out`` channels followed by interleaving, a strided
convolution becomes de-interleaving followed by a ``conv1d`` over
``stride x in`` channels. The layers below keep the standard weight layout
(and so the standard initialisation and spectral norm) and gather the
polyphase kernel from it on each call; they compute exactly what
``nn.ConvTranspose1d`` / ``nn.Conv1d`` would (the tests check this), 2-5x
faster on a CPU at the widths the ``cpu-small`` preset uses.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["PolyphaseConv1d", "PolyphaseConvTranspose1d"]


def _polyphase_index(
    kernel: int, stride: int, start: int, sign: int
) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Kernel-tap index ``[stride, taps]`` (-1 where no tap) and the first window offset.

    Entry ``[r, j]`` is the tap of the original kernel that phase ``r`` applies
    at window position ``j``: ``k = sign * stride * (j + first) + r + start``.
    """
    candidates = range(-kernel - 1, kernel + 2)
    valid = [t for t in candidates if any(0 <= sign * stride * t + r + start < kernel for r in range(stride))]
    first, last = min(valid), max(valid)
    taps = torch.arange(first, last + 1)
    k = sign * stride * taps[None, :] + torch.arange(stride)[:, None] + start
    mask = (k >= 0) & (k < kernel)
    return torch.where(mask, k, torch.full_like(k, -1)), mask, first


class PolyphaseConvTranspose1d(nn.Module):
    """``nn.ConvTranspose1d(cin, cout, kernel, stride, padding)``, output_padding set for ``stride * L``."""

    tap_index: torch.Tensor
    tap_mask: torch.Tensor

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, padding: int) -> None:
        super().__init__()
        reference = nn.ConvTranspose1d(cin, cout, kernel, stride=stride, padding=padding,
                                       output_padding=stride + 2 * padding - kernel)
        self.weight = nn.Parameter(reference.weight.detach().clone())  # [cin, cout, kernel]
        self.bias = nn.Parameter(reference.bias.detach().clone())  # type: ignore[union-attr]
        self.stride, self.kernel = stride, kernel
        # y[s q + r] = sum_t x[q - t] w[s t + r + p]  ->  correlation over j = -t.
        index, mask, first = _polyphase_index(kernel, stride, padding, sign=-1)
        self.register_buffer("tap_index", index.clamp(min=0), persistent=False)
        self.register_buffer("tap_mask", mask, persistent=False)
        taps = index.shape[1]
        self.pad = (-first, taps - 1 + first)  # window j = first..first+taps-1 around q

    def polyphase_weight(self) -> torch.Tensor:
        """``[cout * stride, cin, taps]``: phase r of output channel c is row ``c * stride + r``."""
        w = self.weight[:, :, self.tap_index] * self.tap_mask  # [cin, cout, stride, taps]
        return w.permute(1, 2, 0, 3).reshape(-1, self.weight.shape[0], self.tap_index.shape[1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, _, length = x.shape
        y = F.conv1d(F.pad(x, self.pad), self.polyphase_weight())
        y = y.view(b, -1, self.stride, length).transpose(2, 3).reshape(b, -1, length * self.stride)
        return y + self.bias.view(1, -1, 1)


class PolyphaseConv1d(nn.Module):
    """``nn.Conv1d(cin, cout, kernel, stride, padding)`` for inputs whose length is a multiple of stride."""

    tap_index: torch.Tensor
    tap_mask: torch.Tensor

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, padding: int) -> None:
        super().__init__()
        reference = nn.Conv1d(cin, cout, kernel, stride=stride, padding=padding)
        self.weight = nn.Parameter(reference.weight.detach().clone())  # [cout, cin, kernel]
        self.bias = nn.Parameter(reference.bias.detach().clone())  # type: ignore[union-attr]
        self.stride = stride
        # y[q] = sum_{r, t} x[s (q + t) + r] w[s t + r + p]  (input phase r, window t).
        index, mask, first = _polyphase_index(kernel, stride, padding, sign=1)
        self.register_buffer("tap_index", index.clamp(min=0), persistent=False)
        self.register_buffer("tap_mask", mask, persistent=False)
        taps = index.shape[1]
        self.pad = (-first, taps - 1 + first)

    def polyphase_weight(self) -> torch.Tensor:
        """``[cout, cin * stride, taps]``: input channel i, phase r is column ``i * stride + r``."""
        w = self.weight[:, :, self.tap_index] * self.tap_mask  # [cout, cin, stride, taps]
        return w.reshape(self.weight.shape[0], -1, self.tap_index.shape[1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, length = x.shape
        phases = x.view(b, c, length // self.stride, self.stride).transpose(2, 3)
        phases = phases.reshape(b, c * self.stride, length // self.stride)
        return F.conv1d(F.pad(phases, self.pad), self.polyphase_weight(), self.bias)

"""Training-time augmentation of mel pictures: more speakers than the data has.

FSDD has six speakers, so an encoder can learn them rather than the digits.
Each training picture is therefore warped a little along both axes (speaking
rate and where the trimmed clip starts; a shift of the mel bands, roughly a
different vocal tract or pitch) and gets one time and one frequency band
masked (SpecAugment). The random numbers come in as an argument, drawn by the
caller from the training context, so a run stays reproducible and resumable.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["DRAWS", "augment_mels"]

#: Uniform [0, 1) numbers used per picture.
DRAWS = 7


def _band(size: int, start: torch.Tensor, width: torch.Tensor) -> torch.Tensor:
    """``[B, size]`` masks that are 0 on ``[start, start + width)`` and 1 elsewhere."""
    pos = torch.arange(size, device=start.device).unsqueeze(0)
    return ((pos < start.unsqueeze(1)) | (pos >= (start + width).unsqueeze(1))).float()


def augment_mels(mel: torch.Tensor, u: torch.Tensor, *, stretch: float = 0.15,
                 shift: float = 0.08, band_shift: float = 2.0, mask: int = 6) -> torch.Tensor:
    """``mel`` ``[B, 1, H, W]`` (mel bands x time) warped and masked with draws ``u`` ``[B, DRAWS]``.

    ``stretch``: relative change of the time scale; ``shift``: of the time
    offset (fraction of the width); ``band_shift``: mel bands up or down;
    ``mask``: the widest masked band, in pixels, on each axis.
    """
    n, _, h, w = mel.shape
    c = u * 2.0 - 1.0  # [-1, 1)
    scale = 1.0 + stretch * c[:, 0]
    theta = torch.zeros(n, 2, 3, device=mel.device, dtype=mel.dtype)
    theta[:, 0, 0] = scale
    theta[:, 0, 2] = shift * 2.0 * c[:, 1]
    theta[:, 1, 1] = 1.0
    theta[:, 1, 2] = band_shift * 2.0 / h * c[:, 2]
    grid = F.affine_grid(theta, [n, 1, h, w], align_corners=False)
    out = F.grid_sample(mel, grid, mode="bilinear", padding_mode="border", align_corners=False)
    t_width = (u[:, 3] * (mask + 1)).floor()
    t_start = (u[:, 4] * (w - t_width + 1)).floor()
    f_width = (u[:, 5] * (mask + 1)).floor()
    f_start = (u[:, 6] * (h - f_width + 1)).floor()
    keep = _band(w, t_start, t_width)[:, None, None, :] * _band(h, f_start, f_width)[:, None, :, None]
    return out * keep

"""A moving average of a network's weights, the generator a GAN exports.

ProGAN and StyleGAN export not the generator's last weights but their
exponential moving average: a GAN's generator oscillates around the
solution from step to step, and the average of its last few hundred updates
draws steadier, cleaner images than any single one (voice2face:
``match_1v2_train`` 0.881 -> 0.890 at the same step; docs/results/voice2face.md).
The average never feeds back into training. Batch-norm statistics are not
averaged but copied, as those papers do: they describe the activations of
the generator being trained, which the average's stay close to.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

__all__ = ["averaged_copy", "update_average"]


def averaged_copy(model: nn.Module) -> nn.Module:
    """Where a moving average of ``model`` starts: a deep copy with no gradients (no optimiser)."""
    return copy.deepcopy(model).requires_grad_(False)


@torch.no_grad()
def update_average(average: nn.Module, model: nn.Module, decay: float) -> None:
    """``average`` <- decay * ``average`` + (1 - decay) * ``model``; buffers (BN statistics) copied.

    The two modules must have the same architecture: ``average`` is made with
    :func:`averaged_copy` before training.
    """
    torch._foreach_lerp_(list(average.parameters()), list(model.parameters()), 1.0 - decay)
    for a, b in zip(average.buffers(), model.buffers(), strict=True):
        a.copy_(b)

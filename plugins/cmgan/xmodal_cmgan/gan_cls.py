"""GAN-CLS (Reed et al. 2016) as Chen et al. use it: real, wrong and fake pairs.

The discriminator scores (sample, condition) pairs: S_r for a real sample with
its own condition, S_w for a real sample of *another class* with the
condition (Eq. 5: the wrong partner is drawn uniformly from the other
instrument classes), S_f for a generated sample with the condition it was
generated from. D maximises ``log S_r + (log(1 - S_w) + log(1 - S_f)) / 2``
and G maximises ``log S_f``. Here they are the losses to minimise, computed
from logits with ``softplus`` (``-log sigmoid(x) = softplus(-x)``,
``-log(1 - sigmoid(x)) = softplus(x)``), which stays finite for any logit.

S2I-N drops the wrong term: D then minimises ``-log S_r - log(1 - S_f)``, the
plain conditional GAN.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["ClassPool", "discriminator_loss", "generator_loss"]


def discriminator_loss(real: torch.Tensor, fake: torch.Tensor,
                       wrong: torch.Tensor | None = None) -> torch.Tensor:
    """D's GAN-CLS loss from logits: ``-[log S_r + (log(1 - S_w) + log(1 - S_f)) / 2]``.

    With ``wrong=None`` (S2I-N) it is ``-[log S_r + log(1 - S_f)]``. Each term is
    a batch mean.
    """
    loss_real = F.softplus(-real.float()).mean()
    loss_fake = F.softplus(fake.float()).mean()
    if wrong is None:
        return loss_real + loss_fake
    loss_wrong = F.softplus(wrong.float()).mean()
    return loss_real + (loss_wrong + loss_fake) / 2


def generator_loss(fake: torch.Tensor) -> torch.Tensor:
    """G's loss from D's logits on the fakes: ``-log S_f`` (the non-saturating form), batch mean."""
    return F.softplus(-fake.float()).mean()


class ClassPool:
    """Indices of a labelled pool (e.g. the training pictures), drawn by class.

    ``same(labels, u)`` picks for each label an item of that class;
    ``other(labels, u_class, u_item)`` picks a *wrong partner*: a class drawn
    uniformly from the classes other than the label (among those the pool
    has), then an item of it uniformly. The draws take uniforms in [0, 1)
    (``ctx.rand`` in a recipe), so they are reproducible and resumable.
    """

    def __init__(self, labels: np.ndarray | torch.Tensor) -> None:
        y = np.asarray(labels, dtype=np.int64).reshape(-1)
        if len(y) == 0:
            raise ValueError("ClassPool needs at least one item")
        order = np.argsort(y, kind="stable")
        self.present = np.unique(y)
        if len(self.present) < 2:
            raise ValueError("ClassPool needs items of at least two classes for wrong pairs")
        size = int(y.max()) + 1
        counts = np.bincount(y, minlength=size)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.order = torch.from_numpy(order)
        self.counts = torch.from_numpy(counts)
        self.starts = torch.from_numpy(starts)
        #: position of each class in ``present`` (-1 when absent)
        position = np.full(size, -1, dtype=np.int64)
        position[self.present] = np.arange(len(self.present))
        self.position = torch.from_numpy(position)
        self.present_t = torch.from_numpy(self.present)

    def _pick(self, classes: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
        count = self.counts[classes]
        if bool((count == 0).any()):
            missing = sorted(set(classes[count == 0].tolist()))
            raise ValueError(f"the pool has no item of class {missing[0]}")
        k = (u.double().cpu() * count).long().minimum(count - 1)
        return self.order[self.starts[classes] + k]

    def same(self, labels: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
        """One pool index of each label's own class."""
        return self._pick(labels.long().cpu(), u)

    def other(self, labels: torch.Tensor, u_class: torch.Tensor, u_item: torch.Tensor) -> torch.Tensor:
        """One pool index of a class other than each label, the class uniform over the others."""
        y = labels.long().cpu()
        n_present = len(self.present)
        pos = self.position[y.clamp(max=len(self.position) - 1)]
        pos = torch.where(y < len(self.position), pos, torch.full_like(pos, -1))
        # Labels the pool lacks may take any present class; the others skip their own.
        choices = torch.where(pos >= 0, torch.full_like(pos, n_present - 1),
                              torch.full_like(pos, n_present))
        k = (u_class.double().cpu() * choices).long().minimum(choices - 1)
        k = torch.where((pos >= 0) & (k >= pos), k + 1, k)
        return self._pick(self.present_t[k], u_item)

"""What a recipe's ``train_step`` works with: modules, optimisers, data and noise.

The context hides the launcher: the same step code runs in one process, under
DDP on CPUs or GPUs, and in mixed precision. Its noise draws come from a
generator seeded by (seed, step, draw) and are sliced per process the way the
data is, so a run's trajectory does not depend on how many processes share it,
and needs no RNG state to resume.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch
from torch import nn

__all__ = ["StepContext", "uniform_index"]


def uniform_index(u: torch.Tensor, size: int | torch.Tensor) -> torch.Tensor:
    """Indices in ``[0, size)`` from uniform ``u`` in [0, 1) (``size`` may differ per element).

    The one mapping from the loop's seeded uniform noise to a pick from a pool, so every
    recipe that draws rows, faces or pictures draws them the same way.
    """
    return (u * size).long().clamp(max=size - 1)


class StepContext:
    """Handed to :meth:`Recipe.train_step` once per step."""

    def __init__(
        self,
        *,
        step: int,
        seed: int,
        modules: Mapping[str, nn.Module],
        optimizers: Mapping[str, torch.optim.Optimizer],
        accelerator: Any,
        next_batch: Callable[[], Any],
    ) -> None:
        #: Steps completed before this one (0 for the first step).
        self.step = step
        #: The trainable modules, wrapped for DDP and autocast: call these.
        self.modules = modules
        self.optimizers = optimizers
        self.accelerator = accelerator
        self.device: torch.device = accelerator.device
        self.num_processes: int = accelerator.num_processes
        self.process_index: int = accelerator.process_index
        self._seed = seed
        self._draws = 0
        self._next_batch = next_batch

    def next_batch(self) -> Any:
        """Another batch from the training stream (e.g. for an extra critic step)."""
        return self._next_batch()

    def backward(self, loss: torch.Tensor) -> None:
        """Backpropagate through the launcher (gradient sync, loss scaling)."""
        self.accelerator.backward(loss)

    def optimize(
        self, name: str, loss: torch.Tensor, *, clip_grad_norm: float | None = None
    ) -> None:
        """Zero the named optimiser's gradients, backpropagate ``loss``, clip, step."""
        optimizer = self.optimizers[name]
        optimizer.zero_grad(set_to_none=True)
        self.backward(loss)
        if clip_grad_norm is not None:
            params = [p for group in optimizer.param_groups for p in group["params"]]
            self.accelerator.clip_grad_norm_(params, clip_grad_norm)
        optimizer.step()

    def _generator(self) -> torch.Generator:
        self._draws += 1
        gen = torch.Generator()
        gen.manual_seed((self._seed * 1_000_003 + self.step) * 1009 + self._draws)
        return gen

    def _per_sample(self, draw: Callable[..., torch.Tensor], shape: tuple[int, ...]) -> torch.Tensor:
        n, rank = self.num_processes, self.process_index
        full = draw((shape[0] * n, *shape[1:]), generator=self._generator())
        return full[rank::n].contiguous().to(self.device)

    def randn(self, *shape: int) -> torch.Tensor:
        """Standard normal noise for this process's ``shape[0]`` samples of the step."""
        return self._per_sample(torch.randn, shape)

    def rand(self, *shape: int) -> torch.Tensor:
        """Uniform [0, 1) noise for this process's ``shape[0]`` samples of the step."""
        return self._per_sample(torch.rand, shape)

    def randindex(self, n: int, size: int) -> torch.Tensor:
        """``n`` uniform picks from a pool of ``size`` (one :meth:`rand` draw), on the CPU."""
        return uniform_index(self.rand(n).cpu(), size)

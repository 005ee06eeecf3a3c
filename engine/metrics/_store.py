"""Shared plumbing: run an optional network, keep batches, concatenate once."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["Batches", "apply"]


def apply(network: nn.Module | None, inputs: torch.Tensor) -> torch.Tensor:
    """``network(inputs)`` in inference mode (or ``inputs`` itself), as float64 on the CPU.

    Metrics accumulate in float64 so that sums over many batches stay accurate.
    """
    if network is None:
        out = inputs
    else:
        with torch.no_grad():
            out = network(inputs)
    return out.detach().to("cpu", torch.float64)


class Batches:
    """A growing list of row batches, concatenated on demand."""

    def __init__(self) -> None:
        self.items: list[torch.Tensor] = []

    def add(self, rows: torch.Tensor) -> None:
        self.items.append(rows)

    def cat(self) -> torch.Tensor:
        if not self.items:
            raise ValueError("no data: call update() before compute()")
        return torch.cat(self.items)

    def clear(self) -> None:
        self.items.clear()

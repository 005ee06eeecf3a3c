"""Training data order that survives restarts and does not depend on the process count.

Each epoch is one seeded permutation of the training set. Process ``r`` of
``n`` takes every ``n``-th index of it (as ``DistributedSampler`` does), so
step ``k`` of an ``n``-process run sees exactly the global batch that step
``k`` of a one-process run sees. The position (epoch, batches consumed) is part
of every checkpoint; resuming starts the permutation part-way instead of
replaying data, which keeps resumed runs bit-identical and fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset, Sampler

from ..errors import XmodalError

__all__ = ["BatchStream", "DataPosition", "ShardedSampler"]


@dataclass
class DataPosition:
    """Where the training stream stands: epoch and per-process batches taken in it."""

    epoch: int = 0
    batch: int = 0


class ShardedSampler(Sampler[int]):
    """A process's share of a seeded per-epoch permutation, startable mid-epoch."""

    def __init__(
        self, size: int, *, rank: int, world: int, per_rank_batch: int, seed: int, shuffle: bool
    ) -> None:
        self.size = size
        self.rank = rank
        self.world = world
        self.per_rank_batch = per_rank_batch
        self.seed = seed
        self.shuffle = shuffle
        self.batches_per_epoch = size // (per_rank_batch * world)
        self.epoch = 0
        self.start_batch = 0

    def set_position(self, position: DataPosition) -> None:
        self.epoch = position.epoch
        self.start_batch = position.batch

    def _order(self) -> torch.Tensor:
        if not self.shuffle:
            return torch.arange(self.size)
        gen = torch.Generator()
        gen.manual_seed(self.seed * 1_000_003 + self.epoch)
        return torch.randperm(self.size, generator=gen)

    def __iter__(self) -> Iterator[int]:
        used = self.batches_per_epoch * self.per_rank_batch * self.world
        mine = self._order()[:used][self.rank :: self.world]
        return iter(mine[self.start_batch * self.per_rank_batch :].tolist())

    def __len__(self) -> int:
        return (self.batches_per_epoch - self.start_batch) * self.per_rank_batch


class BatchStream:
    """An endless stream of this process's batches, moving epoch to epoch."""

    def __init__(
        self,
        dataset: Dataset[Any],
        *,
        batch_size: int,
        rank: int,
        world: int,
        seed: int,
        shuffle: bool,
        num_workers: int,
        device: torch.device,
        position: DataPosition | None = None,
    ) -> None:
        if batch_size % world:
            raise XmodalError(
                f"batch_size {batch_size} does not divide over {world} processes; "
                f"choose a multiple of {world}"
            )
        size = len(dataset)  # type: ignore[arg-type]
        if size < batch_size:
            raise XmodalError(
                f"the training set has {size} items, fewer than one batch of {batch_size}"
            )
        self.per_rank_batch = batch_size // world
        self.sampler = ShardedSampler(
            size, rank=rank, world=world, per_rank_batch=self.per_rank_batch, seed=seed,
            shuffle=shuffle,
        )
        self.seed = seed
        self.loader_args: dict[str, Any] = {
            "batch_size": self.per_rank_batch,
            "sampler": self.sampler,
            "drop_last": True,
            "num_workers": num_workers,
            "persistent_workers": False,
        }
        self.dataset = dataset
        self.device = device
        self.position = position or DataPosition()
        self._iter: Iterator[Any] | None = None

    def _start(self) -> Iterator[Any]:
        self.sampler.set_position(self.position)
        gen = torch.Generator()
        gen.manual_seed(self.seed * 7919 + self.position.epoch)  # worker seeds per epoch
        loader = DataLoader(self.dataset, generator=gen, **self.loader_args)
        return iter(loader)

    def __next__(self) -> Any:
        from accelerate.utils import send_to_device

        while True:
            if self._iter is None:
                self._iter = self._start()
            try:
                batch = next(self._iter)
            except StopIteration:
                self._iter = None
                self.position = DataPosition(self.position.epoch + 1, 0)
                continue
            self.position = DataPosition(self.position.epoch, self.position.batch + 1)
            return send_to_device(batch, self.device, non_blocking=True)

    def __iter__(self) -> BatchStream:
        return self

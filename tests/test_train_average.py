"""The exported generator's moving average: a lerp of the weights, the statistics copied."""

from __future__ import annotations

import torch
from torch import nn

from engine.train import averaged_copy, update_average


def test_moving_average_lerps_weights_and_copies_statistics() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
    average = averaged_copy(model)
    assert not any(p.requires_grad for p in average.parameters())
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p))
    model(torch.randn(8, 4))  # train mode: moves the batch-norm statistics
    start = [p.clone() for p in average.parameters()]
    update_average(average, model, 0.9)
    for a, s, m in zip(average.parameters(), start, model.parameters(), strict=True):
        torch.testing.assert_close(a, 0.9 * s + 0.1 * m)
        assert not torch.equal(a, m)
    for a, m in zip(average.buffers(), model.buffers(), strict=True):
        assert torch.equal(a, m)


def test_decay_zero_is_a_copy() -> None:
    model, average = nn.Linear(3, 2), nn.Linear(3, 2)
    update_average(average, model, 0.0)
    assert all(torch.equal(a, m) for a, m in zip(average.parameters(), model.parameters(), strict=True))

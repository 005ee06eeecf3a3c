"""The critic's differentiable augmentation: what each transform does, and that gradients pass."""

from __future__ import annotations

import torch

from engine.train.augment import _cutout, _translate, diff_augment


def _fixed(*values: float) -> object:
    """A ``rand(n)`` that returns the given values in turn, each repeated n times."""
    queue = list(values)

    def rand(n: int) -> torch.Tensor:
        return torch.full((n,), queue.pop(0))

    return rand


def test_translation_shifts_with_zero_fill() -> None:
    x = torch.arange(64 * 64, dtype=torch.float32).view(1, 1, 64, 64) + 1
    # offsets (dy, dx) = (floor(u * 17) - 8): u = 1.0 -> +8, u = 0.5 -> 0
    out = _translate(x, _fixed(0.999, 0.5))  # rows move up by 8, columns stay
    assert torch.equal(out[0, 0, :56], x[0, 0, 8:])
    assert torch.equal(out[0, 0, 56:], torch.zeros(8, 64))
    assert torch.equal(_translate(x, _fixed(0.5, 0.5)), x)  # zero offset: identity


def test_cutout_zeroes_one_half_side_square() -> None:
    x = torch.ones(3, 1, 64, 64)
    out = _cutout(x, _fixed(0.5, 0.5))  # centred square
    zeros = (out == 0).sum(dim=(1, 2, 3))
    assert torch.equal(zeros, torch.full((3,), 32 * 32))
    assert float(out[0, 0, 32, 32]) == 0.0 and float(out[0, 0, 0, 0]) == 1.0


def test_augment_is_random_per_sample_and_passes_gradients() -> None:
    torch.manual_seed(0)
    x = (torch.rand(4, 1, 64, 64) * 2 - 1).requires_grad_(True)
    out = diff_augment(x, lambda n: torch.rand(n))
    assert out.shape == x.shape
    assert not torch.equal(out[0], out[1])
    out.sum().backward()
    assert x.grad is not None and float(x.grad.abs().sum()) > 0

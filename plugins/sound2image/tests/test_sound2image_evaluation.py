"""The measurements and their baselines against direct computations."""

from __future__ import annotations

import itertools
import math

import torch
from xmodal_sound2image.evaluation import nn_match, topk_chance, topk_overlap


def test_topk_chance_is_the_share_of_intersecting_k_sets() -> None:
    n = 7
    for k in (1, 2, 3):
        sets = list(itertools.combinations(range(n), k))
        hits = sum(bool(set(a) & set(b)) for a in sets for b in sets)
        assert math.isclose(topk_chance(n, k), hits / len(sets) ** 2, rel_tol=1e-12)
    assert math.isclose(topk_chance(51, 1), 1 / 51)
    assert topk_chance(4, 3) == 1.0


def test_topk_overlap_counts_rows_sharing_a_label() -> None:
    a = torch.tensor([[5.0, 4, 3, 0], [0, 1, 2, 9], [1, 0, 0, 0]])
    b = torch.tensor([[0.0, 0, 1, 9], [9, 0, 0, 8], [9, 0, 0, 0]])
    # top-1: {0} vs {3}; {3} vs {0}; {0} vs {0} -> 1 of 3. top-2: {0,1}/{3,2}; {3,2}/{0,3}; {0,x}/{0,x}
    assert math.isclose(topk_overlap(a, b, 1), 1 / 3, rel_tol=1e-6)
    assert math.isclose(topk_overlap(a, b, 2), 2 / 3, rel_tol=1e-6)


def test_nn_match_uses_the_euclidean_nearest_sound() -> None:
    images = torch.tensor([[0.0, 0.0], [10.0, 10.0], [5.0, 0.0]])
    sounds = torch.tensor([[0.1, 0.0], [9.0, 9.0], [0.0, 4.0]])
    image_label = torch.tensor([0, 1, 2])
    sound_label = torch.tensor([0, 1, 2])
    # nearest: image0 -> sound0 (hit), image1 -> sound1 (hit), image2 (5,0) -> sound0 (miss)
    assert math.isclose(nn_match(images, image_label, sounds, sound_label), 2 / 3, rel_tol=1e-6)

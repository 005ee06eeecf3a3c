"""The two classifiers' shapes, encodings, statistics buffers and L2 penalty."""

from __future__ import annotations

import pytest
import torch
from xmodal_cmgan.encoders import ENCODING_DIM, ImageClassifier, SoundClassifier, fc_l2_penalty


def test_sound_classifier_shapes_and_stats() -> None:
    net = SoundClassifier(classes=13, width=4, hidden=32).eval()
    lms = torch.randn(5, 128, 44) * 2 + 7
    assert net(lms).shape == (5, 13)
    assert net.encode(lms).shape == (5, ENCODING_DIM)
    assert net.encode(lms[:, None]).shape == (5, ENCODING_DIM)  # channel axis optional
    net.set_stats(torch.full((128,), 7.0), torch.full((128,), 2.0))
    assert torch.allclose(net.normalise(lms).mean(), torch.tensor(0.0), atol=0.05)
    assert {"mean", "std"} <= set(net.state_dict())  # the statistics travel with the weights
    assert len(net.convs) == 4


def test_image_classifier_shapes() -> None:
    net = ImageClassifier(classes=13, width=4, hidden=32).eval()
    x = torch.rand(3, 3, 64, 64) * 2 - 1
    assert net(x).shape == (3, 13) and net.encode(x).shape == (3, ENCODING_DIM)
    assert net(torch.rand(2, 3, 32, 32)).shape == (2, 13)  # other sizes are resized
    convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == 6 and all(c.kernel_size == (3, 3) for c in convs)


def test_fc_l2_is_tensorflow_l2_loss_times_0015() -> None:
    net = SoundClassifier(classes=3, width=2, hidden=8)
    direct = 0.015 * sum((w**2).sum() / 2 for w in (net.fc1.weight, net.fc2.weight, net.fc3.weight))
    assert fc_l2_penalty(net).item() == pytest.approx(direct.item(), rel=1e-6)

"""The bundled checkpoints against the paper's numbers (``pytest -m quality``; about a minute)."""

from __future__ import annotations

import pytest
from xmodal_aivae.lenet import lenet_accuracy, lenet_metrics, load_lenet, mnist_tensors

from engine.train import evaluate

pytestmark = pytest.mark.quality

#: The paper's LeNet-5 accuracies on images generated from test audio (Table 4).
PAPER = {"aivae": 0.942, "aivae-1to1": 0.866}


def test_lenet_evaluator_is_good() -> None:
    images, labels = mnist_tensors("test")
    accuracy = lenet_accuracy(load_lenet(), images, labels)
    assert accuracy >= 0.98  # the paper's LeNet-5: 98.7% (on MNIST's full training set)
    recorded = lenet_metrics()["test_accuracy"]
    assert accuracy == pytest.approx(recorded, abs=1e-4)


@pytest.mark.parametrize("model", sorted(PAPER))
def test_bundled_model_reaches_the_paper(model: str) -> None:
    result = evaluate(model, split="test")
    assert result.metrics["lenet_accuracy"] >= PAPER[model]

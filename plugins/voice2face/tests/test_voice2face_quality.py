"""The bundled checkpoint on freshly synthesised speech (``pytest -m quality``; about a minute).

A clean CI machine has the synthesisers but not the ``voices`` build (8 minutes), so
this speaks its own probes (:data:`xmodal_voice2face.synthprobes.PLANS` ``quality``):
two held-out sentences, at a held-out prosody cell and with the data set's recording
jitter, from 8 training identities (known speakers) and from all 10 test identities
(never heard). The full evaluation, ``xmodal eval voice2face``, uses the data set.
"""

from __future__ import annotations

import pytest
from xmodal_voice2face.evaluation import evaluate_pipeline
from xmodal_voice2face.faceid import load_faceid
from xmodal_voice2face.synthprobes import synth_table

import engine

pytestmark = pytest.mark.quality


@pytest.fixture(scope="module")
def metrics() -> dict[str, float]:
    return evaluate_pipeline(engine.load("voice2face"), synth_table("quality"))


def test_known_speakers_get_their_assigned_face(metrics: dict[str, float]) -> None:
    assert metrics["id_trials"] == 30
    assert metrics["id_top1"] >= 0.617  # the paper's top-1 (924-way there, 30-way here)
    assert metrics["id_top5"] >= 0.823
    assert metrics["id_top1_independent"] >= 0.8  # never saw a fake (measures 0.933); chance 0.033
    # dlib's own view: the bundle measures 0.882 on these 30 synthesised probes and 0.929
    # on the data set's 114 (the 0.90 bar, docs/results/voice2face.md); held a little under
    # 0.882, so a regression to the bundle before last (0.81 here) fails.
    assert metrics["match_1v2_train"] >= 0.85


def test_unseen_voices_are_judged_on_every_test_identity(metrics: dict[str, float]) -> None:
    # The bar, 0.90: the bundle measures 0.986 on the data set
    # (docs/results/voice2face.md) and 1.0 here (4 female, 16 male trials); the first,
    # unbalanced bundle gave every voice a man's face (0.500 here).
    assert metrics["gender_trials"] == 20
    assert metrics["gender_match"] >= 0.9
    assert metrics["gender_match_real"] >= 0.7
    assert metrics["match_1v2_test_trials"] == 20 * 9 * 100


def test_independent_classifier_is_good_on_real_photos() -> None:
    from xmodal_voice2face.faceid import FOLDER, NAME, FaceClassifier

    from engine.frozen import load_frozen

    load_faceid()
    _, config = load_frozen(FOLDER, NAME, lambda c: FaceClassifier(int(c["classes"]), int(c["width"])))
    assert config["held_out_photo_accuracy"] >= 0.95

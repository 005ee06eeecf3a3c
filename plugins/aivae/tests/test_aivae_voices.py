"""The ``voices-*`` settings: what each holds, what training never sees, and a tiny run."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from xmodal_aivae.data import load_pairs
from xmodal_aivae.frontend import MelSettings
from xmodal_aivae.recipe import model_name
from xmodal_aivae.voicepairs import BASE, VOICE_REPEAT, voice_items

from engine import data
from engine.data.dataset import Dataset
from engine.errors import DataError


@pytest.fixture(autouse=True)
def _data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "data"
    if "XMODAL_DATA_DIR" not in os.environ and shared.is_dir():
        monkeypatch.setenv("XMODAL_DATA_DIR", str(shared))


@pytest.fixture()
def sets() -> tuple[Dataset, Dataset]:
    """The base pairs and the full ``voices`` set, if built (a build takes minutes: not here)."""
    try:
        return data.load(BASE, build=False), data.load("voices", build=False)
    except DataError:
        pytest.skip("voices / mnist-digits-1to1 are not built (xmodal data build voices)")


def test_training_never_hears_the_held_out_voices(sets: tuple[Dataset, Dataset]) -> None:
    base, voices = sets
    train = voice_items(base, voices, "voices-1to1", "train")
    engine = np.asarray(voices["engine"])
    ident = np.asarray(voices["identity"])
    names = voices.classes["engine"]
    assert len(train) > 0
    assert set(engine[train].tolist()).isdisjoint({names.index("pico"), names.index("fsdd")})
    assert (np.asarray(voices["digit"])[train] >= 0).all()
    assert set(ident[train].tolist()) <= set(ident[voices.split("train").indices].tolist())
    assert set(train.tolist()).isdisjoint(voices.split("known-test").indices)
    kal = voices.classes["identity"].index(voices.meta["voices"]["flite/kal16"]["identity"])
    assert kal not in ident[train]  # a flite voice of today's test set
    heard = voice_items(base, voices, "voices-heard", "test")
    unheard = voice_items(base, voices, "voices-unheard", "test")
    pico = voice_items(base, voices, "voices-engine", "test")
    assert set(ident[heard].tolist()) <= set(ident[train].tolist())
    assert set(ident[unheard].tolist()).isdisjoint(ident[train].tolist())
    assert set(engine[pico].tolist()) == {names.index("pico")} and len(pico) > 0
    assert set(ident[pico].tolist()).isdisjoint(ident[train].tolist())
    assert voice_items(base, voices, "voices-1to1", "test").size == 0


def test_tiny_pairs_and_the_test_split_is_todays(sets: tuple[Dataset, Dataset]) -> None:
    settings = MelSettings()
    train = load_pairs("voices-1to1", "train", settings, 0.1, 0, 4)
    assert train.mel.shape == (4 + 4 * VOICE_REPEAT, 1, 48, 48)
    assert train.image.shape == (len(train), 1, 28, 28)
    assert float(train.image.max()) <= 1.0 and float(train.mel.max()) <= 1.0
    test = load_pairs("voices-1to1", "test", settings, 0.1, 0, 6)
    today = load_pairs("one-to-one", "test", settings, 0.1, 0, 6)
    assert test.digit.tolist() == today.digit.tolist()
    pico = load_pairs("voices-engine", "test", settings, 0.1, 0, 5)
    assert len(pico) == 5
    assert model_name("aivae", "voices-1to1") == "aivae-voices"

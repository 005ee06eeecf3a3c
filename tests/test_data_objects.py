"""object-sounds / object-pictures (the sound2image stand-in): one class list, splits by source."""

from __future__ import annotations

import numpy as np
import pytest

from engine.data import Dataset, load
from engine.data.objects import random_beat
from engine.data.objects_table import CLASSES

pytestmark = pytest.mark.usefixtures("shared_data_cache")


def _by_class(ds: Dataset, field: str) -> dict[str, dict[int, set[int]]]:
    """split -> class -> the values of ``field`` its items have."""
    out: dict[str, dict[int, set[int]]] = {}
    for split in ("train", "test"):
        part = ds.split(split)
        labels, values = np.asarray(part["label"]), np.asarray(part[field])
        out[split] = {int(c): set(values[labels == c].tolist()) for c in np.unique(labels)}
    return out


def test_both_datasets_share_51_classes_in_three_groups() -> None:
    sounds = load("object-sounds", tiny=True, progress=False)
    pictures = load("object-pictures", tiny=True, progress=False)
    names = [k.name for k in CLASSES]
    assert sounds.classes["label"] == pictures.classes["label"] == names
    assert [sum(k.group == g for k in CLASSES) for g in ("instrument", "digit", "animal")] == \
        [31, 10, 10]
    assert sounds["audio"].shape[1] == sounds.meta["sample_rate"] == 22050
    assert pictures["image"].shape[1:] == (64, 64, 3)
    for ds in (sounds, pictures):  # every class on both sides of the split
        for split in ("train", "test"):
            assert set(np.asarray(ds.split(split)["label"]).tolist()) == set(range(51)), split


def test_sounds_hold_out_whole_recordings_and_a_speaker() -> None:
    ds = load("object-sounds", tiny=True, progress=False)
    origins = ds.classes["origin"]
    window_split = {[k.name for k in CLASSES].index(n) for n in ds.meta["window_split_classes"]}
    seen = _by_class(ds, "origin")
    for c, test_origins in seen["test"].items():
        shared = {origins[o] for o in test_origins & seen["train"].get(c, set())}
        shared = {o for o in shared if not o.startswith("render:")}  # renders split by phrase
        if c not in window_split:
            assert not shared, (CLASSES[c].name, shared)
    speakers = {origins[o] for c in range(31, 41) for o in seen["test"][c]}
    assert speakers == {f"fsdd:{ds.meta['heldout_speaker']}"}
    peaks = np.abs(np.asarray(ds["audio"], dtype=np.float32)).max(axis=1) / 32768
    assert np.allclose(peaks, 0.8, atol=0.01)  # loudness does not tell the source


def test_pictures_hold_out_drawings() -> None:
    ds = load("object-pictures", tiny=True, progress=False)
    single = {[k.name for k in CLASSES].index(n) for n in ds.meta["augmentation_split_classes"]}
    seen = _by_class(ds, "drawing")
    drawings = ds.classes["drawing"]
    for c, test_drawings in seen["test"].items():
        if c not in single:
            assert not test_drawings & seen["train"][c], CLASSES[c].name
    assert {drawings[d] for d in seen["train"][31]} == {"mnist:train"}  # "zero"


def test_random_beat_grooves_on_a_drum_kit_and_stays_in_time() -> None:
    rng = np.random.default_rng(3)
    kit = random_beat(rng, (36, 38, 42, 46), 1.0, 1000)
    notes = [e[2] for e in kit]
    assert {36, 38, 42} <= set(notes) and all(0 <= e[0] < 1000 for e in kit)
    again = random_beat(np.random.default_rng(3), (36, 38, 42, 46), 1.0, 1000)
    assert again == kit
    shaker = random_beat(np.random.default_rng(0), (70,), 1.0, 1000)
    assert shaker and {e[2] for e in shaker} == {70}

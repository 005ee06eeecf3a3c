"""The synthesised and rendered datasets, in their tiny variants: shapes, labels, leak-free splits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.data import Dataset, build, load
from engine.data.phrases import window_index

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
pytestmark = pytest.mark.usefixtures("shared_data_cache")


def _groups(ds: Dataset, field: str) -> dict[str, set[int]]:
    return {s: set(np.asarray(ds.split(s)[field]).tolist()) for s in ds.splits}


def _assert_disjoint(groups: dict[str, set[int]]) -> None:
    names = list(groups)
    for i, a in enumerate(names):
        assert groups[a], a
        for b in names[i + 1:]:
            assert not groups[a] & groups[b], (a, b, groups[a] & groups[b])


def test_tts_digits_is_split_by_voice() -> None:
    ds = load("tts-digits", tiny=True, progress=False)
    assert len(ds) == 80 and ds.meta["sample_rate"] == 16000
    assert ds.classes["engine"] == ["flite", "espeak-ng"]
    _assert_disjoint(_groups(ds, "speaker"))
    speakers = ds.meta["speakers"]
    voice_groups = {s: {speakers[ds.classes["speaker"][i]]["group"] for i in ids}
                    for s, ids in _groups(ds, "speaker").items()}
    assert not voice_groups["train"] & voice_groups["test"]
    lengths = ds["audio"].lengths
    assert lengths.min() > 0.15 * 16000 and lengths.max() < 2.0 * 16000  # trimmed words
    clip = ds["audio"][0].astype(np.float32)
    assert np.abs(clip).max() > 3000  # real speech, not silence


def test_gm_notes_is_split_by_instrument_and_deterministic() -> None:
    first = build("gm-notes", tiny=True, progress=False).dataset
    assert len(first) == 90 and first["audio"].shape == (90, 8192)
    assert first["audio"].dtype == np.float16 and first.meta["sample_rate"] == 16000
    assert len(first.classes["family"]) == 10
    _assert_disjoint(_groups(first, "instrument"))
    for split in first.splits:  # every family is represented in every split
        assert len(set(first.split(split)["family"].tolist())) == 10
    assert set(first["midi"].tolist()) == {36, 60, 84}
    again = build("gm-notes", tiny=True, workers=1, force=True, progress=False).dataset
    assert again.path == first.path  # `workers` does not select a variant
    assert again.manifest.fingerprint == first.manifest.fingerprint


def test_gm_phrases_rows_are_phrases_split_whole() -> None:
    ds = load("gm-phrases", tiny=True, progress=False)
    rate = ds.meta["sample_rate"]
    assert rate == 44100 and ds["audio"].shape == (39, rate)  # 13 instruments x 3 phrases, 1 s
    assert len(ds.classes["instrument"]) == 13
    train, test = (set(ds.split(s).indices.tolist()) for s in ("train", "test"))
    assert not train & test and len(train | test) == len(ds)
    assert set(np.asarray(ds["instrument"]).tolist()) == set(range(13))
    assert "sf-test" not in ds.splits  # one soundfont in tiny: nothing to hold out


def test_window_index_slides_and_skips_silence() -> None:
    rows = np.zeros((2, 1000), dtype=np.int16)
    rows[0, :500] = 10000  # loud first half
    rows[1] = 10000
    idx = window_index(rows, window=200, stride=100)
    starts = {r: idx[idx[:, 0] == r, 1].tolist() for r in (0, 1)}
    assert starts[1] == list(range(0, 801, 100))  # every window of a loud row
    # a window is kept while its RMS is above -50 dBFS: up to 400 (100 loud samples of 200)
    assert starts[0] == [0, 100, 200, 300, 400]
    loud = window_index(rows.astype(np.float32) / 32768, window=200, stride=100)
    assert loud.tolist() == idx.tolist()  # float rows in [-1, 1] read the same


@pytest.mark.skipif(not (SHARED / "fsdd").is_dir(), reason="no ../shared/data")
def test_mnist_digits_1to1_uses_every_image_once() -> None:
    ds = load("mnist-digits-1to1", tiny=True, progress=False)
    fsdd, tts = load("fsdd", progress=False), load("tts-digits", tiny=True, progress=False)
    mnist = load("mnist", progress=False)
    assert len(ds) == len(fsdd) + len(tts)
    assert len(np.unique(ds["mnist_index"])) == len(ds)  # one-to-one
    assert np.array_equal(np.asarray(mnist["label"])[ds["mnist_index"]], ds["digit"])
    for split in ds.splits:
        part = ds.split(split)
        assert set(part["mnist_index"].tolist()) <= set(mnist.split(split).indices.tolist())
        assert len(part) == len(fsdd.split(split)) + len(tts.split(split))
    assert ds.meta["sample_rate"] == 8000
    test_speakers = {ds.classes["speaker"][i] for i in ds.split("test")["speaker"].tolist()}
    train_speakers = {ds.classes["speaker"][i] for i in ds.split("train")["speaker"].tolist()}
    assert not {s for s in test_speakers if s.startswith("tts:")} & train_speakers


def test_gm_notes_first_8192_samples_equal_the_head_of_the_4_s_render() -> None:
    short = load("gm-notes", tiny=True, progress=False)
    full = load("gm-notes", tiny=True, full=True, progress=False)
    assert full["audio_full"].shape == (90, 64000)
    assert np.array_equal(full["audio_full"][:, :8192], full["audio"])
    assert np.array_equal(full["audio"], short["audio"])  # held 8192 == head of 4 s note
    assert np.abs(full["audio_full"][:, -1000:].astype(np.float32)).max() < 0.05  # released

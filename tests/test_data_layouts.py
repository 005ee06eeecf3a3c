"""Loaders for the papers' original layouts, on tiny fixtures written in those layouts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image as PILImage

from engine.data import build
from engine.errors import DataError


@pytest.fixture(autouse=True)
def _dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XMODAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XMODAL_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def _wav(path: Path, seconds: float, rate: int = 16000, freq: float = 220.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    sf.write(path, (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32), rate,
             subtype="PCM_16")


def test_nsynth_layout(_dirs: Path) -> None:
    root = _dirs / "nsynth"
    for split, entries in {
        "train": [("guitar_acoustic_000-060-100", "guitar", "guitar_acoustic_000", 60),
                  ("guitar_acoustic_000-020-100", "guitar", "guitar_acoustic_000", 20),
                  ("synth_lead_001-060-100", "synth_lead", "synth_lead_001", 60),
                  ("bass_electronic_002-036-075", "bass", "bass_electronic_002", 36)],
        "test": [("flute_acoustic_003-072-127", "flute", "flute_acoustic_003", 72)],
    }.items():
        examples = {}
        for key, family, instrument, pitch in entries:
            examples[key] = {"note_str": key, "pitch": pitch, "velocity": 100,
                             "sample_rate": 16000, "instrument_str": instrument,
                             "instrument_family_str": family}
            _wav(root / f"nsynth-{split}" / "audio" / f"{key}.wav", 0.6, freq=pitch * 5.0)
        (root / f"nsynth-{split}" / "examples.json").write_text(json.dumps(examples))
    ds = build("nsynth", progress=False).dataset
    assert ds.splits == {"train": 2, "test": 1}  # synth_lead and pitch 20 dropped
    assert ds["audio"].shape == (3, 8192) and ds["audio"].dtype == np.float16
    assert sorted(ds["midi"].tolist()) == [36, 60, 72]
    assert ds.classes["family"][int(ds.split("test")["family"][0])] == "flute"
    assert float(np.abs(ds["audio"][:, -100:].astype(np.float32)).min(initial=1.0)) >= 0.0
    assert np.count_nonzero(ds["audio"][:, -100:]) > 0  # 0.6 s notes fill all 8192 samples


def test_speech_commands_layout(_dirs: Path) -> None:
    root = _dirs / "speech_commands"
    for word in ("zero", "one", "bed"):
        for speaker in ("aa11", "bb22", "cc33"):
            _wav(root / word / f"{speaker}_nohash_0.wav", 1.0)
    (root / "validation_list.txt").write_text("zero/bb22_nohash_0.wav\none/bb22_nohash_0.wav\n")
    (root / "testing_list.txt").write_text("zero/cc33_nohash_0.wav\none/cc33_nohash_0.wav\n")
    ds = build("speech-commands", progress=False).dataset
    assert len(ds) == 6 and ds.splits == {"train": 2, "valid": 2, "test": 2}
    speakers = {s: set(ds.split(s)["speaker"].tolist()) for s in ds.splits}
    assert not speakers["train"] & speakers["test"] and not speakers["valid"] & speakers["test"]
    assert ds.meta["sample_rate"] == 16000 and len(ds["audio"][0]) == 16000


def test_voxceleb1_layout_with_meta_splits_by_identity(_dirs: Path) -> None:
    root = _dirs / "voxceleb1"
    for speaker in ("id10001", "id10002", "id10003"):
        for video in ("vidA", "vidB"):
            for n in (1, 2):
                _wav(root / "wav" / speaker / video / f"{n:05d}.wav", 0.3)
    (root / "vox1_meta.csv").write_text(
        "VoxCeleb1 ID\tVGGFace1 ID\tGender\tNationality\tSet\n"
        "id10001\tA.B\tm\tUSA\tdev\nid10002\tC.D\tf\tUK\tdev\nid10003\tE.F\tm\tUSA\ttest\n")
    ds = build("voxceleb1", progress=False, limit=3).dataset
    assert len(ds) == 9 and ds.splits == {"train": 6, "test": 3}
    assert set(ds.split("test")["speaker"].tolist()) == {2}
    assert ds.meta["speakers"]["id10002"]["gender"] == "f"


def test_vggface2_layout_keeps_its_identity_split(_dirs: Path, tmp_path: Path) -> None:
    root = tmp_path / "vggface2"
    rng = np.random.default_rng(0)
    for part, people in (("train", ("n000001", "n000002")), ("test", ("n000009",))):
        for person in people:
            (root / part / person).mkdir(parents=True)
            for k in range(3):
                pixels = rng.integers(0, 255, (90, 70, 3), dtype=np.uint8)
                PILImage.fromarray(pixels).save(root / part / person / f"{k:04d}_01.jpg")
    ds = build("vggface", progress=False, root=str(root), size=32).dataset
    assert ds["image"].shape == (9, 32, 32, 3) and ds.splits == {"train": 6, "test": 3}
    assert ds.classes["identity"] == ["n000001", "n000002", "n000009"]


def test_missing_user_copy_is_a_clear_error() -> None:
    with pytest.raises(DataError, match=r"no folder at .*nsynth; pass -p root=PATH"):
        build("nsynth", progress=False)

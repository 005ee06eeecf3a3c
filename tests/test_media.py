"""Image and Audio values: decoding, conversions and strict refusal of bad input."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
from PIL import Image as PILImage

from engine import Audio, Image, MediaError


def _png(path: Path, w: int = 20, h: int = 10, mode: str = "RGB") -> Path:
    rng = np.random.default_rng(0)
    shape = (h, w, 3) if mode == "RGB" else (h, w)
    PILImage.fromarray(rng.integers(0, 255, shape, dtype=np.uint8)).save(path)  # HW is L, HWx3 RGB
    return path


def _wav(path: Path, samples: np.ndarray, sr: int = 16000) -> Path:
    sf.write(path, samples, sr)
    return path


def test_image_round_trip(tmp_path: Path) -> None:
    src = _png(tmp_path / "a.png")
    img = Image.load(src)
    assert img.size == (10, 20) and img.channels == 3
    assert float(img.data.min()) >= 0.0 and float(img.data.max()) <= 1.0
    out = img.save(tmp_path / "b.png")
    assert np.array_equal(np.asarray(PILImage.open(src)), np.asarray(PILImage.open(out)))


def test_image_from_many_kinds(tmp_path: Path) -> None:
    src = _png(tmp_path / "a.png")
    pil = PILImage.open(src)
    arr = np.asarray(pil)
    for value in (str(src), src, src.read_bytes(), pil, arr, torch.from_numpy(arr.copy())):
        assert Image.load(value).size == (10, 20)
    grey = Image.load(arr[..., 0])
    assert grey.channels == 1


def test_image_conversions() -> None:
    img = Image(torch.rand(3, 16, 16))
    grey = img.to_mode("L")
    assert grey.channels == 1
    expected = 0.299 * img.data[0] + 0.587 * img.data[1] + 0.114 * img.data[2]
    assert torch.allclose(grey.data[0], expected, atol=1e-6)
    assert grey.to_mode("RGB").channels == 3
    assert img.resize((8, 4)).size == (8, 4)
    with pytest.raises(MediaError, match="unknown image mode"):
        img.to_mode("CMYK")


def test_audio_round_trip_and_conversions(tmp_path: Path) -> None:
    t = np.linspace(0, 1, 16000, endpoint=False)
    stereo = np.stack([np.sin(2 * math.pi * 440 * t), 0.5 * np.sin(2 * math.pi * 220 * t)], 1)
    audio = Audio.load(_wav(tmp_path / "s.wav", stereo.astype(np.float32)))
    assert audio.channels == 2 and audio.sample_rate == 16000 and audio.num_samples == 16000
    mono = audio.to_mono()
    assert mono.channels == 1
    assert torch.allclose(mono.data[0], audio.data.mean(0))
    down = mono.resample(8000)
    assert down.sample_rate == 8000 and down.num_samples == 8000
    assert down.fit(100).num_samples == 100 and down.fit(9000).num_samples == 9000
    assert float(down.fit(9000).data[0, 8000:].abs().max()) == 0.0
    path = mono.save(tmp_path / "m.wav")
    back = Audio.load(path)
    assert back.sample_rate == 16000
    assert torch.allclose(back.data, mono.data, atol=1e-4)


def test_audio_from_array_needs_rate() -> None:
    with pytest.raises(MediaError, match="sample_rate"):
        Audio.load(np.zeros(10, dtype=np.float32))
    assert Audio.load(np.zeros(10, dtype=np.float32), sample_rate=8000).num_samples == 10


@pytest.mark.parametrize(
    ("make", "loader", "message"),
    [
        (lambda p: p.write_bytes(b""), Image.load, "empty"),
        (lambda p: p.write_bytes(b""), Audio.load, "empty"),
        (lambda p: p.write_text("hello, not an image"), Image.load, "not a readable image"),
        (lambda p: p.write_text("hello, not audio at all"), Audio.load, "not a readable audio"),
    ],
)
def test_bad_files(tmp_path: Path, make, loader, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / ("x.png" if loader == Image.load else "x.wav")
    make(path)
    with pytest.raises(MediaError, match=message):
        loader(path)


def test_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="no such file"):
        Image.load(tmp_path / "nope.png")
    with pytest.raises(MediaError, match="directory"):
        Audio.load(tmp_path)


def test_truncated_image(tmp_path: Path) -> None:
    data = _png(tmp_path / "a.png", 64, 64).read_bytes()
    bad = tmp_path / "t.png"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaError, match="truncated or corrupt"):
        Image.load(bad)


def test_truncated_audio(tmp_path: Path) -> None:
    data = _wav(tmp_path / "a.wav", np.zeros(16000, dtype=np.float32)).read_bytes()
    bad = tmp_path / "t.wav"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaError, match="truncated"):
        Audio.load(bad)


def test_zero_length_and_nan_audio(tmp_path: Path) -> None:
    empty = tmp_path / "z.wav"
    sf.write(empty, np.zeros(0, dtype=np.float32), 16000)
    with pytest.raises(MediaError, match="no samples"):
        Audio.load(empty)
    nan = tmp_path / "n.wav"
    sf.write(nan, np.array([0.0, np.nan, 0.1], dtype=np.float32), 16000, subtype="FLOAT")
    with pytest.raises(MediaError, match="NaN"):
        Audio.load(nan)


def test_wrong_kind_by_suffix(tmp_path: Path) -> None:
    wav = _wav(tmp_path / "a.wav", np.zeros(100, dtype=np.float32))
    with pytest.raises(MediaError, match="audio file"):
        Image.load(wav)
    png = _png(tmp_path / "a.png")
    with pytest.raises(MediaError, match="image file"):
        Audio.load(png)


def test_decompression_bomb_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    PILImage.new("L", (10_000, 6_000)).save(path)  # 60 Mpixel, a few KB on disk
    assert path.stat().st_size < 1_000_000
    with pytest.raises(MediaError, match="exceeds"):
        Image.load(path)


def test_overlong_audio_refused() -> None:
    buf = io.BytesIO()
    sf.write(buf, np.zeros(8000 * 700, dtype=np.int16), 8000, format="WAV", subtype="PCM_16")
    with pytest.raises(MediaError, match="limit"):
        Audio.load(buf.getvalue())


def test_save_is_atomic_on_failure(tmp_path: Path) -> None:
    img = Image(torch.rand(3, 4, 4))
    target = tmp_path / "out.png"
    target.write_bytes(b"old")
    bad = Image.__new__(Image)
    object.__setattr__(bad, "data", torch.rand(2, 4, 4))  # bypass validation: unsavable
    with pytest.raises(Exception):  # noqa: B017 - any failure must leave the old file
        bad.save(target)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]
    img.save(target)
    assert Image.load(target).size == (4, 4)


def test_saved_files_are_not_private(tmp_path: Path) -> None:
    path = Image(torch.rand(1, 4, 4)).save(tmp_path / "x.png")
    assert path.stat().st_mode & 0o044 == 0o044  # group and others may read, as with open()

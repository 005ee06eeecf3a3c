"""``xmodal translate`` and friends through the real console script."""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image as PILImage

import tinyplug
from cli_helpers import TESTS, XMODAL, Result, run_xmodal
from plugin_fixtures import install_fake_plugin


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    install_fake_plugin(root, "tinyplug", None, module="tinyplug")
    tinyplug.make_weights(root / "weights")
    return root


def xm(site: Path, *args: str) -> Result:
    return run_xmodal(*args, path=[site, TESTS], env={"TINYPLUG_WEIGHTS": str(site / "weights")})


def _wav(path: Path, n: int = 8000, sr: int = 8000) -> Path:
    sf.write(path, (np.random.default_rng(0).standard_normal(n) * 0.1).astype(np.float32), sr)
    return path


def test_translate_one_and_many(site: Path, tmp_path: Path) -> None:
    a, b = _wav(tmp_path / "a.wav"), _wav(tmp_path / "b.wav", 24000, 48000)
    one = xm(site, "translate", "tiny-a2i", str(a), "-o", str(tmp_path / "out.png"))
    assert one.returncode == 0, one.stderr
    assert PILImage.open(tmp_path / "out.png").size == (8, 8)
    many = xm(site, "translate", "tiny-a2i", str(a), str(b), "-o", str(tmp_path / "dir"),
              "--gain", "2")
    assert many.returncode == 0, many.stderr
    assert sorted(p.name for p in (tmp_path / "dir").iterdir()) == ["a.png", "b.png"]
    img = tmp_path / "face.png"
    PILImage.fromarray(np.zeros((30, 20), dtype=np.uint8)).save(img)
    audio = xm(site, "translate", "tiny-i2a", str(img), "-o", str(tmp_path / "note.wav"))
    assert audio.returncode == 0, audio.stderr
    info = sf.info(str(tmp_path / "note.wav"))
    assert (info.samplerate, info.frames, info.channels) == (8000, 256, 1)


def _text(path: Path) -> Path:
    path.write_text("this is text, not media\n")
    return path


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _truncated_wav(path: Path) -> Path:
    data = _wav(path.with_name("full.wav"), 16000).read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def _truncated_png(path: Path) -> Path:
    full = path.with_name("full.png")
    PILImage.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64), dtype=np.uint8)).save(full)
    data = full.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.parametrize(
    ("model", "name", "make", "fragment"),
    [
        ("tiny-a2i", "missing.wav", None, "no such file"),
        ("tiny-a2i", "empty.wav", _empty, "empty"),
        ("tiny-i2a", "empty.png", _empty, "empty"),
        ("tiny-a2i", "text.wav", _text, "not a readable audio file"),
        ("tiny-i2a", "text.png", _text, "not a readable image"),
        ("tiny-a2i", "cut.wav", _truncated_wav, "truncated"),
        ("tiny-i2a", "cut.png", _truncated_png, "truncated"),
        ("tiny-i2a", "sound.wav", lambda p: _wav(p), "is an audio file"),
    ],
)
def test_bad_inputs_exit_2_without_output(
    site: Path, tmp_path: Path, model: str, name: str, make, fragment: str  # type: ignore[no-untyped-def]
) -> None:
    src = tmp_path / name
    if make is not None:
        make(src)
    suffix = ".png" if model == "tiny-a2i" else ".wav"
    out = tmp_path / "out" / f"result{suffix}"
    result = xm(site, "translate", model, str(src), "-o", str(out))
    result.assert_user_error(fragment)
    assert not out.exists() and not out.parent.exists()


def test_one_bad_input_among_many_writes_nothing(site: Path, tmp_path: Path) -> None:
    good = _wav(tmp_path / "good.wav")
    bad = _empty(tmp_path / "bad.wav")
    out = tmp_path / "outdir"
    xm(site, "translate", "tiny-a2i", str(good), str(bad), "-o", str(out)).assert_user_error("empty")
    assert not out.exists()


def test_model_errors(site: Path, tmp_path: Path) -> None:
    src = _wav(tmp_path / "a.wav")
    out = tmp_path / "o.png"
    xm(site, "translate", "tiny-a2j", str(src), "-o", str(out)).assert_user_error(
        "did you mean 'tiny-a2i'"
    )
    xm(site, "translate", "nothing-like-it", str(src), "-o", str(out)).assert_user_error(
        "unknown model"
    )
    xm(site, "translate", "tiny-a2i", str(src), "-o", str(out), "--pich", "3").assert_user_error(
        "unknown option --pich"
    )
    xm(site, "translate", "tiny-a2i", str(src), "-o", str(out), "--gain", "loud").assert_user_error(
        "not a valid float"
    )
    xm(site, "translate", "tiny-a2i", str(src), "-o", str(tmp_path / "o.wav")).assert_user_error(
        "this model writes image"
    )
    assert not out.exists()


def test_info(site: Path) -> None:
    result = xm(site, "info", "tiny-a2i")
    assert result.returncode == 0, result.stderr
    assert "model_type:  tiny-a2i" in result.stdout and "score = 0.5" in result.stdout


def test_folder_input_json_and_progress(site: Path, tmp_path: Path) -> None:
    clips = tmp_path / "clips"
    clips.mkdir()
    for name in ("b.wav", "a.WAV", "c.flac"):
        sf.write(clips / name, np.zeros(800, dtype=np.float32), 8000,
                 format="FLAC" if name.endswith("flac") else "WAV")
    (clips / "notes.txt").write_text("not media\n")
    (clips / "sub").mkdir()
    out = tmp_path / "out"
    result = xm(site, "translate", "tiny-a2i", str(clips), "-o", str(out), "--json", "--progress")
    assert result.returncode == 0, result.stderr
    written = json.loads(result.stdout)
    assert [Path(w["input"]).name for w in written] == ["a.WAV", "b.wav", "c.flac"]  # sorted, media only
    assert [Path(w["output"]).name for w in written] == ["a.png", "b.png", "c.png"]
    assert all(Path(w["output"]).is_file() for w in written)
    assert "translate:" in result.stderr and "/3 [" in result.stderr  # the bar, on stderr only
    empty = tmp_path / "empty"
    empty.mkdir()
    xm(site, "translate", "tiny-a2i", str(empty), "-o", str(tmp_path / "o2")).assert_user_error(
        "no audio files in this folder"
    )
    assert not (tmp_path / "o2").exists()


def test_out_dash_writes_the_bytes_to_stdout(site: Path, tmp_path: Path) -> None:
    a, b = _wav(tmp_path / "a.wav"), _wav(tmp_path / "b.wav")
    proc = subprocess.run(
        [str(XMODAL), "translate", "tiny-a2i", str(a), "-o", "-"], capture_output=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(TESTS)]),
             "TINYPLUG_WEIGHTS": str(site / "weights")}, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert PILImage.open(io.BytesIO(proc.stdout)).size == (8, 8)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.wav", "b.wav"]  # no file named -.png
    xm(site, "translate", "tiny-a2i", str(a), str(b), "-o", "-").assert_user_error("2 inputs")
    xm(site, "translate", "tiny-a2i", str(a), "-o", "-", "--json").assert_user_error("--json")


def test_chains_and_devices(site: Path, tmp_path: Path) -> None:
    a = _wav(tmp_path / "a.wav")
    out = tmp_path / "back.wav"
    chained = xm(site, "translate", "tiny-a2i+tiny-i2a", str(a), "-o", str(out), "--gain", "2",
                 "--device", "cpu")
    assert chained.returncode == 0, chained.stderr
    assert sf.info(str(out)).frames == 256
    xm(site, "translate", "tiny-a2i+tiny-a2i", str(a), "-o", str(tmp_path / "x.png")).assert_user_error(
        "tiny-a2i makes image but tiny-a2i takes audio"
    )
    xm(site, "translate", "tiny-a2i", str(a), "-o", str(tmp_path / "y.png"),
       "--device", "no-such-device").assert_user_error("no-such-device")
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "y.png").exists()

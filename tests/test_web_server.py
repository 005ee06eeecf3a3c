"""``xmodal serve`` as a user starts it, and the server the other web tests share a helper for.

:func:`serving` starts the real console script on a free port of 127.0.0.1 and
waits for its "serving" line; each web test module starts one for itself.
The tests here are the cheap refusals, which must come before any model loads.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

XMODAL = Path(sys.executable).with_name("xmodal")
pytest.importorskip("gradio", reason="the web extra (gradio) is not installed")


@dataclass
class Server:
    """A running ``xmodal serve``: its address and everything it printed so far."""

    url: str
    process: subprocess.Popen[str]
    log: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}


@contextmanager
def serving(*models: str, timeout: float = 900.0) -> Iterator[Server]:
    """``xmodal serve --port P MODEL...`` until the block ends (then stopped like Ctrl+C).

    ``timeout`` only guards against a server that never starts: on a fresh
    machine the first start builds the data sets its example inputs come from
    (gm-phrases, instruments-clipart, object-sounds, ...: minutes on 2 cores,
    each with its own progress bar in ``Server.log``); later starts take seconds.
    """
    port = free_port()
    proc = subprocess.Popen([str(XMODAL), "serve", "--port", str(port), *models], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=_env())
    server = Server(f"http://127.0.0.1:{port}/", proc)
    ready = threading.Event()

    def drain() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            server.log.append(line.rstrip("\n"))
            if line.startswith("xmodal: serving"):
                ready.set()
        ready.set()

    threading.Thread(target=drain, daemon=True).start()
    try:
        started = time.monotonic()
        ready.wait(timeout)
        if proc.poll() is not None or not ready.is_set():
            pytest.fail(f"xmodal serve did not start in {time.monotonic() - started:.0f} s: "
                        + "\n".join(server.log[-20:]))
        yield server
    finally:
        proc.send_signal(2)  # SIGINT: what Ctrl+C sends
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def sample_files(folder: Path) -> dict[str, Path]:
    """A spoken digit, a face, and one of each bad file of the CLI tests' bad-input suite."""
    import numpy as np
    import soundfile as sf
    from PIL import Image as PILImage

    from engine import data

    folder.mkdir(parents=True, exist_ok=True)
    files = {name: folder / name for name in (
        "seven.wav", "face.png", "empty.wav", "text.wav", "cut.wav", "silent.wav",
        "empty.png", "text.png", "cut.png", "noise.png")}
    subprocess.run(["flite", "-voice", "kal16", "-t", "seven", "-o", str(files["seven.wav"])], check=True)
    face = data.load("olivetti").split("test")["image"][0]
    PILImage.fromarray(face).resize((256, 256), PILImage.Resampling.BICUBIC).save(files["face.png"])
    for name in ("empty.wav", "empty.png"):
        files[name].write_bytes(b"")
    for name in ("text.wav", "text.png"):
        files[name].write_text("this is text, not media\n")
    for name, full in (("cut.wav", "seven.wav"), ("cut.png", "face.png")):
        whole = files[full].read_bytes()
        files[name].write_bytes(whole[: len(whole) // 3])
    sf.write(files["silent.wav"], np.zeros(4000, dtype=np.float32), 8000)
    noise = np.random.default_rng(0).integers(0, 255, size=(240, 320, 3), dtype=np.uint8)
    PILImage.fromarray(noise).save(files["noise.png"])
    return files


@cache
def loaded(model: str) -> Any:
    """``engine.load(model)``, once per test process (the web tests ask for it per request)."""
    import engine

    return engine.load(model)


def good_input(model: str, files: dict[str, Path]) -> Path:
    """A file ``model`` takes: its pipeline's first demo input where it has its own, else
    :func:`sample_files`' input of its kind (voice2face wants a sentence, not a 0.4 s word)."""
    pipeline = loaded(model)
    own = getattr(pipeline, "demo_inputs", None)
    if not callable(own):
        return files["seven.wav" if pipeline.input_kind == "audio" else "face.png"]
    suffix = ".wav" if pipeline.input_kind == "audio" else ".png"
    path = files["seven.wav"].with_name(f"{model}-sample{suffix}")
    if not path.exists():
        own()[0][1].save(path)
    return path


def _xmodal(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(XMODAL), *args], capture_output=True, text=True, env=_env(), timeout=timeout)


def test_help_shows_the_safe_defaults() -> None:
    result = _xmodal("serve", "--help")
    assert result.returncode == 0, result.stderr
    assert "127.0.0.1" in result.stdout and "--share" in result.stdout and "off unless given" in result.stdout


def test_python_m_engine_web_is_the_same_command() -> None:
    result = subprocess.run([sys.executable, "-m", "engine.web", "--help"], capture_output=True, text=True,
                            env=_env(), timeout=120)
    assert result.returncode == 0, result.stderr
    assert "--port" in result.stdout and "one for chains" in result.stdout


def test_a_busy_port_is_one_line_before_any_model_loads() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _xmodal("serve", "--port", str(port), timeout=60)
    assert result.returncode == 2
    expected = f"cannot listen on 127.0.0.1:{port} (Address already in use); pick another with --port"
    assert result.stderr.strip().splitlines() == [f"xmodal: error: {expected}"]


@pytest.mark.parametrize(("args", "fragment"), [
    (["no-such-model"], "unknown model"),
    (["aivae+face2nsynth"], "is a chain"),
])
def test_bad_model_names_are_one_line(args: list[str], fragment: str) -> None:
    result = _xmodal("serve", "--port", str(free_port()), *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in result.stderr

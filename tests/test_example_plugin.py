"""The plugin-authoring tutorial, followed by a test: build, install, load, translate.

The example plugin lives out of tree in ``examples/xmodal-negative``; this test
does what ``docs/plugin-authoring.md`` tells a third party to do, in a temporary
folder, with the real pip and the real entry-point machinery.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from cli_helpers import run_xmodal

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "xmodal-negative"


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.mark.slow
def test_tutorial_plugin_end_to_end(tmp_path: Path) -> None:
    src = tmp_path / "xmodal-negative"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("weights", "__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(src)}
    # Step 1 of the tutorial: train and save the bundled weights.
    _run([sys.executable, "make_weights.py"], src, env)
    assert (src / "xmodal_negative" / "weights" / "negative" / "model.safetensors").is_file()
    # Step 2: build and install it (here into a private folder instead of site-packages).
    site = tmp_path / "site"
    _run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
          "--target", str(site), str(src)], tmp_path, {**os.environ})
    assert any(p.name.startswith("xmodal_negative-") for p in site.iterdir())
    env = {**os.environ, "PYTHONPATH": str(site)}
    # Step 3: the plugin's own tests, against the installed copy.
    _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(src / "tests")],
         tmp_path, env)
    # Step 4: engine.load and the CLI find it through its entry point.
    code = ("import engine; m = engine.load('negative'); "
            "print(type(m).__name__, m.config.plugin)")
    assert _run([sys.executable, "-c", code], tmp_path, env).stdout.split() == [
        "NegativePipeline", "negative"
    ]
    listed = run_xmodal("list", path=[site])
    assert any(line.startswith("negative") and "yes" in line for line in listed.stdout.splitlines())
    photo = tmp_path / "photo.png"
    pixels = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    PILImage.fromarray(pixels).save(photo)
    out = tmp_path / "negative.png"
    result = run_xmodal("translate", "negative", str(photo), "-o", str(out), path=[site])
    assert result.returncode == 0, result.stderr
    got = np.asarray(PILImage.open(out)).astype(int)
    assert np.abs(got - (255 - pixels.astype(int))).max() <= 2

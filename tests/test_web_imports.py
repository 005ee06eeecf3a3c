"""The web extra stays optional: nothing but ``xmodal serve`` itself imports gradio.

Each check starts a fresh interpreter with ``-X importtime``, which lists every
module imported, so a gradio import anywhere on the path (even one a
dependency makes) is seen.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _imported(*args: str) -> set[str]:
    """Top-level names of every module a fresh ``python -X importtime ARGS`` imported."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True,
                          env={**os.environ, "OMP_NUM_THREADS": "1"}, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [line.rpartition("|")[2].strip() for line in proc.stderr.splitlines()
             if line.startswith("import time:") and "|" in line]
    return {name.split(".")[0] for name in lines}


@pytest.mark.parametrize("args", [
    ["-c", "import engine"],
    ["-m", "engine.cli", "list"],
    ["-m", "engine.cli", "serve", "--help"],
    ["-c", "import engine.web, engine.web.host, engine.web.models, engine.web.present"],
], ids=["import-engine", "xmodal-list", "serve-help", "web-helpers"])
def test_no_gradio_outside_the_server(args: list[str]) -> None:
    modules = _imported(*args)
    assert "engine" in modules
    assert not modules & {"gradio", "gradio_client", "fastapi", "uvicorn"}

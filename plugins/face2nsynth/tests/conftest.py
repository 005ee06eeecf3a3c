"""Shared fixtures: the reference data folder and small, fixed inputs."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"


@pytest.fixture(autouse=True)
def _data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    if "XMODAL_DATA_DIR" not in os.environ and SHARED.is_dir():
        monkeypatch.setenv("XMODAL_DATA_DIR", str(SHARED))


@pytest.fixture(scope="session")
def olivetti_faces() -> np.ndarray:
    """The 400 Olivetti faces (uint8 64x64) from the engine's data layer."""
    if "XMODAL_DATA_DIR" not in os.environ and not SHARED.is_dir():
        pytest.skip("no Olivetti source (set XMODAL_DATA_DIR)")
    with pytest.MonkeyPatch.context() as mp:
        if "XMODAL_DATA_DIR" not in os.environ:
            mp.setenv("XMODAL_DATA_DIR", str(SHARED))
        from engine import data

        return np.asarray(data.load("olivetti", progress=False)["image"])

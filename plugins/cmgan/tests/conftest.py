"""Shared fixtures: the reference data folder for the data layer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"


@pytest.fixture(autouse=True)
def _data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    if "XMODAL_DATA_DIR" not in os.environ and SHARED.is_dir():
        monkeypatch.setenv("XMODAL_DATA_DIR", str(SHARED))

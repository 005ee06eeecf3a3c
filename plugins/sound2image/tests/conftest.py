"""Shared fixtures: a tiny judge trained once per test session on the tiny data sets."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_judge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from xmodal_sound2image.judge import train_judge

    folder = tmp_path_factory.mktemp("judge")
    train_judge(folder, steps=4, width=4, tiny=True, progress=False)
    return folder

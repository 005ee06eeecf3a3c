"""Fixtures shared by the whole test-suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.testing import HubServer, patch_hub_endpoint


@pytest.fixture(autouse=True)
def _isolated_hf_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Give each test its own Hugging Face home, no token and no offline flag.

    huggingface_hub copies these settings from the environment into ``constants`` at import,
    so both are set: the constants for this process, the variables for child processes.
    """
    from huggingface_hub import constants

    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE", "HF_ENDPOINT",
                 "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path_factory.mktemp("hf_home")
    paths: dict[str, Path] = {
        "HF_HOME": home, "HF_HUB_CACHE": home / "hub", "HF_ASSETS_CACHE": home / "assets",
        "HF_XET_CACHE": home / "xet", "HF_TOKEN_PATH": home / "token",
    }
    for name, path in paths.items():
        monkeypatch.setenv(name, str(path))
        monkeypatch.setattr(constants, name, str(path))
    monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(home / "stored_tokens"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")



@pytest.fixture(scope="module")
def shared_data_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``../shared/data`` as the data source and one dataset cache for the whole session.

    Modules that need fsdd or mnist build them once, not once per module; the
    user's own cache is never touched.
    """
    shared = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    cache = tmp_path_factory.getbasetemp() / "xmodal-data-cache"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XMODAL_DATA_DIR", str(shared))
        mp.setenv("XMODAL_CACHE_DIR", str(cache))
        yield cache

@pytest.fixture
def hub_server() -> Iterator[HubServer]:
    """A running local Hub (no token: writes are open), in a fresh temporary root."""
    with HubServer() as server:
        yield server


@pytest.fixture
def hub_endpoint(hub_server: HubServer) -> Iterator[str]:
    """``hub_server``'s endpoint, also made the client's default for code that passes none."""
    with patch_hub_endpoint(hub_server.endpoint):
        yield hub_server.endpoint

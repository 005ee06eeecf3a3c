"""``xmodal info`` without torch, click or pydantic, and the small CLI conveniences (-V)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine._version import __version__
from engine.cli.fastinfo import CONFIG_FIELDS
from engine.config import PipelineConfig

import tinyplug
from cli_helpers import run_xmodal

#: Runs the CLI in-process, then reports which heavy packages it imported.
_PROBE = """
import json, sys
from engine.cli import main
code = 0
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in ("torch", "click", "pydantic", "pluggy") if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def _probe(*args: str, env: dict[str, str] | None = None) -> tuple[str, dict[str, object]]:
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True,
                          env=env, timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    return proc.stdout, report


@pytest.fixture
def cache_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("XMODAL_CACHE_DIR", str(tmp_path / "cache"))
    return dict(os.environ)


def test_bundled_model_needs_no_heavy_import_and_says_what_the_full_path_says(
    cache_env: dict[str, str],
) -> None:
    fast, report = _probe("info", "aivae", env=cache_env)
    assert report == {"code": 0, "heavy": []}
    assert "model_type:  aivae" in fast and "lenet_accuracy" in fast
    again, _ = _probe("info", "aivae", env=cache_env)  # now from the parse cache
    assert again == fast
    full, report = _probe("info", "aivae", "--revision", "main", env=cache_env)  # the click path
    assert report["code"] == 0 and "torch" not in report["heavy"]
    assert full == fast
    fast_json, _ = _probe("info", "--json", "aivae", env=cache_env)
    full_json, _ = _probe("info", "aivae", "--json", "--revision", "main", env=cache_env)
    assert json.loads(fast_json) == json.loads(full_json)
    assert json.loads(fast_json)["name"] == "aivae"


def test_local_folder_and_a_changed_file(tmp_path: Path, cache_env: dict[str, str]) -> None:
    folder = tinyplug.make_weights(tmp_path / "weights")["tiny-a2i"]
    out, report = _probe("info", str(folder), env=cache_env)
    assert report == {"code": 0, "heavy": []}
    assert "model_type:  tiny-a2i" in out and "score = 0.5" in out
    (folder / "metrics.json").write_text('{"score": 0.75, "extra": 1}\n')
    out, _ = _probe("info", str(folder), env=cache_env)
    assert "score = 0.75" in out and "extra = 1" in out


def test_a_config_the_fast_path_doubts_gets_the_full_check(tmp_path: Path) -> None:
    folder = tinyplug.make_weights(tmp_path / "weights")["tiny-a2i"]
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "surprise": 1}))
    run_xmodal("info", str(folder)).assert_user_error("invalid config")
    (folder / "config.json").write_text("{not json")
    run_xmodal("info", str(folder)).assert_user_error("invalid config")


def test_fast_path_knows_every_config_field() -> None:
    assert set(PipelineConfig.model_fields) == CONFIG_FIELDS


def test_short_version_flag() -> None:
    for flag in ("-V", "--version"):
        result = run_xmodal(flag)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"xmodal, version {__version__}"

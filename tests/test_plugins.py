"""Plugin discovery: lazy listing, isolation of broken plugins, API checks, suggestions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine import ModelNotFoundError, PluginError
from engine.plugins import PluginManager

from cli_helpers import TESTS, run_xmodal
from plugin_fixtures import install_fake_plugin

PAPERS = {"face2nsynth", "aivae", "sound2image", "cmgan", "voice2face"}

GOOD = '''
import engine
__xmodal_api__ = ">=1,<2"
@engine.hookimpl
def register_models(register):
    register("goodmodel", pipeline="tinyplug:TinyAudioToImage", task="audio -> image")
'''


def test_list_json_has_catalogue(tmp_path: Path) -> None:
    install_fake_plugin(tmp_path, "good", GOOD, models=["goodmodel"])
    result = run_xmodal("list", "--json", path=[tmp_path, TESTS])
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) >= PAPERS
    for row in rows:
        assert {"name", "plugin", "task", "installed"} <= set(row)
        assert isinstance(row["installed"], bool)
    assert by_name["goodmodel"]["installed"] is True
    assert by_name["face2nsynth"]["task"] == "image -> audio"


def test_list_without_torch(tmp_path: Path) -> None:
    """A `torch` that cannot be imported first on the path must not matter to listing."""
    fake = tmp_path / "torch"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('torch is broken here')\n")
    install_fake_plugin(tmp_path, "good", GOOD, models=["goodmodel"])
    result = run_xmodal("list", "--json", path=[tmp_path])
    assert result.returncode == 0, result.stderr
    assert {r["name"] for r in json.loads(result.stdout)} >= PAPERS
    probe = (
        "import sys; from engine.cli import main\n"
        "try:\n    main(['list'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'fake_good', 'pydantic', 'numpy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    env_path = f"{tmp_path}"
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr


def test_broken_plugin_is_isolated(tmp_path: Path) -> None:
    install_fake_plugin(tmp_path, "broken", "raise RuntimeError('kaboom at import')\n")
    install_fake_plugin(tmp_path, "good", GOOD)
    listed = run_xmodal("list", path=[tmp_path, TESTS])
    assert listed.returncode == 0, listed.stderr
    shown = run_xmodal("plugins", path=[tmp_path, TESTS])
    assert shown.returncode == 0, shown.stderr
    broken = [line for line in shown.stdout.splitlines() if line.startswith("broken")]
    assert broken and "FAILED" in broken[0] and "kaboom at import" in broken[0]
    assert any(line.startswith("good") and "register_models" in line
               for line in shown.stdout.splitlines())
    strict = run_xmodal("plugins", path=[tmp_path, TESTS], env={"XMODAL_STRICT_PLUGINS": "1"})
    strict.assert_user_error("kaboom at import")


def test_api_version_range_is_enforced(tmp_path: Path) -> None:
    install_fake_plugin(tmp_path, "future", '__xmodal_api__ = ">=2,<3"\n')
    install_fake_plugin(tmp_path, "anon", "x = 1\n")
    shown = run_xmodal("plugins", path=[tmp_path])
    assert shown.returncode == 0
    assert "supports engine API >=2,<3 but this engine speaks 1.0" in shown.stdout
    assert "does not declare __xmodal_api__" in shown.stdout


def test_manager_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_plugin(tmp_path, "broken", "raise RuntimeError('kaboom')\n")
    install_fake_plugin(tmp_path, "good", GOOD)
    monkeypatch.syspath_prepend(str(tmp_path))
    manager = PluginManager(strict=False)
    assert {"broken", "good"} <= set(manager.infos())
    assert all(i.state == "available" for i in manager.infos().values())  # nothing imported
    manager.load_all()
    assert manager.infos()["broken"].state == "failed"
    assert "goodmodel" in manager.models
    assert manager.models.get("goodmodel").plugin == "good"  # type: ignore[union-attr]
    with pytest.raises(PluginError, match="kaboom"):
        PluginManager(strict=True).load("broken")


def test_duplicate_model_names_fail_the_second_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_plugin(tmp_path, "good", GOOD)
    install_fake_plugin(tmp_path, "copycat", GOOD, module="fake_copycat")
    monkeypatch.syspath_prepend(str(tmp_path))
    manager = PluginManager(strict=False)
    manager.load_all()
    assert "goodmodel" in manager.models
    states = {n: manager.infos()[n].state for n in ("good", "copycat")}
    assert sorted(states.values()) == ["failed", "loaded"]
    failed = next(n for n, s in states.items() if s == "failed")
    assert "already registered" in manager.infos()[failed].error


def test_unknown_and_uninstalled_models() -> None:
    import engine

    with pytest.raises(ModelNotFoundError, match="did you mean 'face2nsynth'"):
        engine.load("face2synth")
    from engine.catalogue import catalogue

    manager = engine.get_manager()
    absent = [e for e in catalogue().values() if not manager.is_installed(e.plugin)]
    for entry in absent[:1]:
        with pytest.raises(ModelNotFoundError, match=f"not installed; .*plugins/{entry.plugin}"):
            engine.load(entry.name)
    with pytest.raises(ModelNotFoundError, match="no such model folder"):
        engine.load("./no/such/folder")


def test_registry_reference_sees_plugins_loaded_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_plugin(tmp_path, "good", GOOD)
    monkeypatch.syspath_prepend(str(tmp_path))
    manager = PluginManager(strict=False)
    models = manager.models  # taken before the plugin is imported
    assert "goodmodel" not in models
    manager.load("good")
    assert "goodmodel" in models

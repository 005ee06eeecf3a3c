"""The engine as an installed wheel, and CLI extension by plugins."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cli_helpers import run_xmodal
from plugin_fixtures import install_fake_plugin

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_carries_the_catalogue(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next((tmp_path / "dist").glob("xmodal_engine-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "engine/registry.toml" in names and "engine/cli/fastlist.py" in names
    assert not any(n.startswith(("tests/", "plugins/")) for n in names)
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
         str(wheel)], check=True, capture_output=True, timeout=300,
    )
    code = (
        "import engine.catalogue as c, sys; p = c.catalogue_path(); "
        "assert p.startswith(sys.argv[1]), p; print(sorted(c.catalogue()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(target)], capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(target)}, cwd=tmp_path, check=True,
    ).stdout
    for name in ("face2nsynth", "aivae", "sound2image", "cmgan", "voice2face"):
        assert f"'{name}'" in out


COMMANDS = '''
import click, engine
__xmodal_api__ = ">=1,<2"
@engine.hookimpl
def register_commands(cli):
    @cli.command("hello")
    @click.argument("who")
    def hello(who):
        """Say hello (a plugin command)."""
        click.echo(f"hello {who}")
'''


def test_plugins_can_add_commands(tmp_path: Path) -> None:
    install_fake_plugin(tmp_path, "greeter", COMMANDS)
    result = run_xmodal("hello", "world", path=[tmp_path])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "hello world"
    helped = run_xmodal("--help", path=[tmp_path])
    assert "hello" in helped.stdout and "translate" in helped.stdout
    run_xmodal("nosuchcommand", path=[tmp_path]).assert_user_error("No such command")


def test_doctor_reports_broken_plugins(tmp_path: Path) -> None:
    install_fake_plugin(tmp_path, "broken", "raise ImportError('missing dependency zzz')\n")
    result = run_xmodal("doctor", path=[tmp_path], env={"HF_HUB_OFFLINE": "1"})
    assert result.returncode == 0, result.stderr
    assert "[ok  ] torch" in result.stdout
    assert "[FAIL] plugin broken" in result.stdout and "missing dependency zzz" in result.stdout
    assert "offline mode" in result.stdout

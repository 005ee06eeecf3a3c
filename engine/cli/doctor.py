"""``xmodal doctor``: what works here and what does not, in one screen."""

from __future__ import annotations

import os
import platform
import sys

import click

__all__ = ["doctor_cmd"]


def _line(ok: bool | None, what: str, detail: str) -> None:
    mark = {True: "ok  ", False: "FAIL", None: "--  "}[ok]
    click.echo(f"[{mark}] {what:<14} {detail}")


@click.command("doctor")
def doctor_cmd() -> None:
    """Check the environment: torch, plugins, data sources, cache and Hub reachability."""
    from .._version import API_VERSION, __version__

    problems = 0
    _line(True, "engine", f"xmodal-engine {__version__}, plugin API {API_VERSION}")
    _line(True, "python", f"{platform.python_version()} ({sys.executable})")
    try:
        import torch

        threads = torch.get_num_threads()
        cuda = "cuda available" if torch.cuda.is_available() else "cpu only"
        _line(True, "torch", f"{torch.__version__}, {cuda}, {threads} threads")
    except Exception as exc:
        problems += 1
        _line(False, "torch", f"cannot import: {exc}")
    from ..plugins import get_manager

    manager = get_manager()
    manager.load_all()
    for info in manager.infos().values():
        if info.name == "engine":
            continue
        ok = info.state != "failed"
        problems += not ok
        _line(ok, f"plugin {info.name}", info.error or f"{info.version} loaded")
    if len(manager.infos()) <= 1:
        _line(None, "plugins", "none installed")
    problems += _data_checks()
    problems += _hub_check()
    click.echo(f"{problems} problem(s) found" if problems else "all checks passed")


def _data_checks() -> int:
    try:
        from ..data.doctor import data_report  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        _line(None, "data", "data layer not available")
        return 0
    problems = 0
    for ok, what, detail in data_report():
        problems += ok is False
        _line(ok, what, detail)
    return problems


def _hub_check() -> int:
    from huggingface_hub import constants

    endpoint = constants.ENDPOINT
    if constants.HF_HUB_OFFLINE:
        _line(None, "hub", f"offline mode (HF_HUB_OFFLINE); cache {constants.HF_HUB_CACHE}")
        return 0
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{endpoint}/api/models?limit=1", timeout=3):
            _line(True, "hub", f"{endpoint} reachable; cache {constants.HF_HUB_CACHE}")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        _line(None, "hub", f"{endpoint} unreachable ({reason}); cached models still load")
    token = "set" if os.environ.get("HF_TOKEN") else "not set"
    _line(None, "hub token", f"HF_TOKEN {token}")
    return 0

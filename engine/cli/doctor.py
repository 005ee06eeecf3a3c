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
    """Check the environment: torch, plugins, data sources, cache and Hub reachability.

    Exit status 1 when the engine's own environment is broken (torch, torchaudio's
    extension, the data folders). A plugin that fails to import is reported but,
    like everywhere else in the engine, isolated: it counts only under
    ``XMODAL_STRICT_PLUGINS=1``.
    """
    from .._version import API_VERSION, __version__
    from ..plugins import get_manager, strict_mode

    problems = 0
    _line(True, "engine", f"xmodal-engine {__version__}, plugin API {API_VERSION}")
    _line(True, "python", f"{platform.python_version()} ({sys.executable})")
    problems += _torch_checks()
    manager = get_manager()
    broken = 0
    manager.load_all()
    for info in manager.infos().values():
        if info.name == "engine":
            continue
        ok = info.state != "failed"
        broken += not ok
        _line(ok, f"plugin {info.name}", info.error or f"{info.version} loaded")
    if len(manager.infos()) <= 1:
        _line(None, "plugins", "none installed")
    problems += _data_checks()
    problems += _hub_check()
    if broken:
        strict = " (counted: XMODAL_STRICT_PLUGINS)" if strict_mode() else " (isolated)"
        click.echo(f"{broken} plugin(s) failed to load{strict}")
        problems += broken if strict_mode() else 0
    if problems:
        click.echo(f"{problems} problem(s) found")
        sys.exit(1)
    click.echo("engine checks passed" if broken else "all checks passed")


def _torch_checks() -> int:
    """torch, then torchaudio's native extension (one real transform), named by version.

    torchaudio's wheels cannot say which torch they were built against, so a
    mismatched pair installs cleanly and fails only when the extension loads.
    """
    from importlib import metadata

    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    try:
        import torch
    except Exception as exc:
        _line(False, "torch", f"torch {version('torch')} cannot be imported ({_short(exc)})")
        return 1
    threads = torch.get_num_threads()
    cuda = "cuda available" if torch.cuda.is_available() else "cpu only"
    _line(True, "torch", f"{torch.__version__}, {cuda}, {threads} threads")
    try:
        import torchaudio

        mel = torchaudio.transforms.MelSpectrogram(sample_rate=16000, n_fft=400, n_mels=8)
        mel(torch.zeros(1, 1600))
        torchaudio.functional.lfilter(torch.zeros(1, 64), torch.tensor([1.0, 0.0]),
                                      torch.tensor([1.0, 0.0]))
    except Exception as exc:
        _line(False, "torchaudio",
              f"torchaudio {version('torchaudio')} does not match torch {version('torch')} "
              f"({_short(exc)}); run 'bash scripts/setup.sh' to install the locked pair")
        return 1
    _line(True, "torchaudio", f"{torchaudio.__version__}, native extension loads")
    return 0


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__


def _data_checks() -> int:
    from ..data.doctor import data_report

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

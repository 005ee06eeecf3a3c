"""``xmodal info`` and ``xmodal translate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..errors import XmodalError

__all__ = ["info_cmd", "parse_options", "translate_cmd"]

_SUFFIX = {"audio": ".wav", "image": ".png"}


def parse_options(tokens: list[str], allowed: dict[str, type]) -> tuple[list[str], dict[str, Any]]:
    """Split command-line tokens into input paths and typed ``--name VALUE`` model options."""
    from ..registry import suggest

    inputs: list[str] = []
    options: dict[str, Any] = {}
    i = 0
    while i < len(tokens):
        arg = tokens[i]
        i += 1
        if not arg.startswith("--"):
            inputs.append(arg)
            continue
        key, eq, value = arg[2:].partition("=")
        key = key.replace("-", "_")
        if key not in allowed:
            names = ", ".join(f"--{k}" for k in sorted(allowed)) or "none"
            raise XmodalError(f"unknown option --{key}{suggest(key, allowed)} (model options: {names})")
        if not eq:
            if i >= len(tokens):
                raise XmodalError(f"option --{key} needs a value")
            value = tokens[i]
            i += 1
        try:
            options[key] = allowed[key](value)
        except (TypeError, ValueError) as exc:
            kind = allowed[key].__name__
            raise XmodalError(f"option --{key}: {value!r} is not a valid {kind}") from exc
    if not inputs:
        raise XmodalError("no input files given")
    return inputs, options


def _outputs(inputs: list[str], out: Path, kind: str) -> list[Path]:
    """Where each translation goes: OUT itself for one input, OUT/<stem><ext> for many."""
    from ..media import AUDIO_SUFFIXES, IMAGE_SUFFIXES

    suffix = _SUFFIX.get(kind, "")
    if len(inputs) == 1 and not out.is_dir():
        allowed = AUDIO_SUFFIXES if kind == "audio" else IMAGE_SUFFIXES
        if out.suffix and out.suffix.lower() not in allowed:
            raise XmodalError(f"{out}: this model writes {kind}; use a {suffix} name")
        return [out if out.suffix else out.with_suffix(suffix)]
    if out.exists() and not out.is_dir():
        raise XmodalError(f"{out}: exists and is not a folder (several inputs need a folder)")
    stems = [Path(i).stem or f"item{n}" for n, i in enumerate(inputs)]
    dupes = {s for s in stems if stems.count(s) > 1}
    names = [f"{s}-{n}" if s in dupes else s for n, s in enumerate(stems)]
    return [out / f"{name}{suffix}" for name in names]


@click.command("translate", context_settings={"ignore_unknown_options": True})
@click.argument("ref")
@click.argument("args", nargs=-1, required=True, type=click.UNPROCESSED)
@click.option("-o", "--out", "out", required=True, type=click.Path(path_type=Path),
              help="Output file (one input) or folder (several inputs).")
@click.option("--revision", default=None, help="Hub revision when REF is a repo id.")
def translate_cmd(ref: str, args: tuple[str, ...], out: Path, revision: str | None) -> None:
    """Translate input files with model REF; model options go as --name VALUE (e.g. --pitch 60).

    Every input is decoded and translated before anything is written, and each
    output is written atomically, so a bad input leaves no partial output.
    """
    from ..hub import load

    pipeline = load(ref, revision=revision)
    inputs, options = parse_options(list(args), pipeline.options)
    targets = _outputs(inputs, out, pipeline.decoder.output_kind)
    results = pipeline.translate(inputs, **options)
    for media, target in zip(results, targets, strict=True):
        media.save(target)
    for target in targets:
        click.echo(str(target))


@click.command("info")
@click.argument("ref")
@click.option("--revision", default=None, help="Hub revision when REF is a repo id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info_cmd(ref: str, revision: str | None, as_json: bool) -> None:
    """Summarise a model: its card, config and measured metrics."""
    from ..catalogue import catalogue
    from ..hub import resolve
    from ..pipeline import PipelineConfig
    from ..pretrained import CONFIG_NAME, README_NAME, read_metrics

    folder = resolve(ref, revision)
    config = PipelineConfig.read(folder / CONFIG_NAME)
    metrics = read_metrics(folder)
    entry = catalogue().get(config.name)
    card = folder / README_NAME
    summary: dict[str, Any] = {
        "name": config.name,
        "plugin": config.plugin,
        "model_type": config.model_type,
        "task": entry.task if entry else "",
        "paper": entry.paper.title if entry and entry.paper else "",
        "folder": str(folder),
        "architecture": config.architecture,
        "metrics": metrics,
        "card": str(card) if card.is_file() else "",
    }
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    for key in ("name", "plugin", "model_type", "task", "paper", "folder"):
        if summary[key]:
            click.echo(f"{key + ':':<12} {summary[key]}")
    if config.architecture:
        arch = ", ".join(f"{k}={v}" for k, v in config.architecture.items())
        click.echo(f"{'arch:':<12} {arch}")
    for key, value in metrics.items():
        click.echo(f"{'metric:':<12} {key} = {value}")
    if summary["card"]:
        click.echo(f"{'card:':<12} {summary['card']}")

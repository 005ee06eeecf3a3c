"""``xmodal translate``: files (or folders of them) through a model or a chain of models."""

from __future__ import annotations

import json
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from ..errors import XmodalError
from ._options import parse_options
from ._paths import SUFFIX, expand_inputs, plan_outputs
from ._target import device_option

__all__ = ["translate_cmd"]

#: Progress updates wanted over a run (chunks never exceed the model's batch size).
_PROGRESS_STEPS = 20


def _translate(target: Any, inputs: list[str], options: dict[str, Any], progress: bool) -> list[Any]:
    """Every input translated, in chunks so a progress bar (stderr, with ETA) can follow.

    All inputs are decoded first, by the (first) model's own encoder as its
    ``translate`` would, so a bad file anywhere stops the run before any work.
    """
    if len(inputs) < 2:
        return list(target.translate(inputs, **options))
    from tqdm import tqdm

    first = target.stages[0] if hasattr(target, "stages") else target
    decoded = [first.encoder.load(item) for item in inputs]

    batch = max(1, int(getattr(target, "batch_size", 0) or 32))  # a chain has none: any chunk batches
    chunk = max(1, min(batch, math.ceil(len(inputs) / _PROGRESS_STEPS)))
    results: list[Any] = []
    with tqdm(total=len(inputs), unit="file", desc="translate", file=sys.stderr,
              disable=not progress, leave=False, dynamic_ncols=True) as bar:
        for start in range(0, len(inputs), chunk):
            part = decoded[start : start + chunk]
            results.extend(target.translate(part, **options))
            bar.update(len(part))
    return results


def _write_stdout(media: Any, kind: str) -> None:
    """The one output's file bytes on stdout, for a pipe (``-o -``)."""
    with tempfile.TemporaryDirectory(prefix="xmodal-stdout-") as tmp:
        data = media.save(Path(tmp) / f"out{SUFFIX.get(kind, '')}").read_bytes()
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@click.command("translate", context_settings={"ignore_unknown_options": True})
@click.argument("ref")
@click.argument("args", nargs=-1, required=True, type=click.UNPROCESSED, metavar="INPUT...")
@click.option("-o", "--out", "out", required=True, type=click.Path(path_type=Path),
              help="Output file (one input), folder (several inputs or an input folder), "
                   "or - for the one output's bytes on stdout.")
@click.option("--revision", default=None, help="Hub revision when REF is a repo id.")
@device_option
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list of {input, output} objects instead of one path a line.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr for several inputs  [default: when stderr is a terminal].")
def translate_cmd(
    ref: str, args: tuple[str, ...], out: Path, revision: str | None, device: str | None,
    as_json: bool, progress: bool | None,
) -> None:
    """Translate INPUT files with model REF, or with a chain such as face2nsynth+aivae.

    An INPUT folder stands for its media files of the kind REF reads (sorted by
    name, not recursive; other files are skipped). Model options go as
    --name VALUE (e.g. --pitch 60); in a chain as --STAGE.NAME VALUE
    (e.g. --face2nsynth.pitch 60), or --NAME when one stage has it.

    Every input is decoded and translated before anything is written, and each
    output is written atomically, so a bad input leaves no partial output.
    """
    to_stdout = str(out) == "-"
    if to_stdout and as_json:
        raise XmodalError("-o - writes the output itself to stdout; it cannot be combined with --json")
    from ..chain import load_any

    target = load_any(ref, revision=revision, device=device)
    tokens, options = parse_options(list(args), target.options)
    inputs, had_folder = expand_inputs(tokens, target.input_kind)
    kind = target.output_kind
    if to_stdout:
        if len(inputs) != 1:
            raise XmodalError(f"-o - writes one output to stdout, but there are {len(inputs)} inputs; "
                              "give -o a folder")
        if sys.stdout.isatty():
            raise XmodalError(f"-o - would write {kind} bytes to the terminal; pipe or redirect it")
        _write_stdout(_translate(target, inputs, options, False)[0], kind)
        return
    targets = plan_outputs(inputs, out, kind, folder=had_folder)
    show = sys.stderr.isatty() if progress is None else progress
    results = _translate(target, inputs, options, show)
    for media, path in zip(results, targets, strict=True):
        media.save(path)
    if as_json:
        click.echo(json.dumps([{"input": i, "output": str(p)} for i, p in zip(inputs, targets, strict=True)],
                              indent=2))
        return
    for path in targets:
        click.echo(str(path))

"""``xmodal data build | list | info``: build, verify and inspect cached datasets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..errors import DataError

__all__ = ["data_group", "describe"]


def describe(dataset: Any) -> dict[str, Any]:
    """The summary a user (or a script reading ``--json``) wants about a built dataset."""
    m = dataset.manifest
    return {
        "name": m.name,
        "version": m.version,
        "path": str(dataset.path),
        "count": m.count,
        "splits": dict(m.splits),
        "classes": m.class_names,
        "target": m.target,
        "fields": dataset.fields,
        "params": m.params,
        "meta": {k: v for k, v in m.meta.items() if isinstance(v, int | float | str)},
        "preview": str(dataset.preview_path) if dataset.preview_path.exists() else None,
        "fingerprint": m.fingerprint,
        "build_seconds": m.build_seconds,
    }


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise DataError(f"--param expects KEY=VALUE, got {pair!r}")
        out[key.strip()] = value.strip()
    return out


_param_option = click.option(
    "--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
    help="Builder parameter, e.g. -p tiny=true (a variant is cached separately).")


@click.group("data")
def data_group() -> None:
    """Build, verify and inspect the cached datasets plugins train on."""
    from ..plugins import get_manager

    get_manager()  # hands the data layer every plugin's datasets


@data_group.command("build")
@click.argument("name", required=False)
@click.option("--all", "build_all", is_flag=True,
              help="Build every dataset that needs no user-supplied copy.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object (a JSON array with --all).")
@click.option("--force", is_flag=True, help="Rebuild even if the cache is intact.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@_param_option
def build_cmd(name: str | None, build_all: bool, as_json: bool, force: bool, quiet: bool,
              params: tuple[str, ...]) -> None:
    """Build dataset NAME, or verify its cache (a no-op when intact)."""
    from ..data import build, dataset_names, get_builder

    if build_all == bool(name):
        raise DataError("give a dataset NAME or --all (not both)")
    names = [n for n in dataset_names() if not get_builder(n).needs_user_data] if build_all \
        else [str(name)]
    summaries = []
    for one in names:
        builder = get_builder(one, **_params(params))
        result = build(builder, force=force, progress=not quiet)
        summary = describe(result.dataset)
        summary.update(status=result.status, reason=result.reason,
                       seconds=round(result.seconds, 3))
        summaries.append(summary)
        if not as_json:
            _echo_build(summary)
    if as_json:
        click.echo(json.dumps(summaries if build_all else summaries[0]))


def _echo_build(summary: dict[str, Any]) -> None:
    splits = ", ".join(f"{k} {v}" for k, v in summary["splits"].items())
    verb = {"cached": "verified (no-op)", "built": "built", "rebuilt": "rebuilt"}[
        summary["status"]]
    click.echo(f"{summary['name']} {summary['version']}: {verb} in {summary['seconds']:.2f} s; "
               f"{summary['count']} items ({splits})")
    if summary["status"] == "rebuilt":
        click.echo(f"  repaired: {summary['reason']}")
    click.echo(f"  {summary['path']}")


@data_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_cmd(as_json: bool) -> None:
    """List registered datasets and whether each is built."""
    from ..data.doctor import dataset_rows

    rows = dataset_rows()
    if as_json:
        click.echo(json.dumps(rows))
        return
    width = max((len(r["name"]) for r in rows), default=4)
    for r in rows:
        state = (f"built ({r['count']} items)" if r["built"]
                 else "needs your copy" if r["needs_user_data"] else "not built")
        click.echo(f"{r['name']:<{width}}  {r['version']:<7} {state:<22} {r['title']}")


@data_group.command("info")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_param_option
def info_cmd(name: str, as_json: bool, params: tuple[str, ...]) -> None:
    """Show dataset NAME's card, sources, parameters and (when built) counts."""
    from ..data import get_builder
    from ..data.cache import check_entry, entry_dir
    from ..data.dataset import Dataset

    builder = get_builder(name, **_params(params))
    directory = entry_dir(builder)
    info: dict[str, Any] = {
        "name": builder.name, "version": builder.version, "path": str(directory),
        "params": builder.params, "card": builder.card.to_dict(),
        "sources": [{"path": s.path, "sha256": s.sha256, "urls": list(s.urls)}
                    for s in builder.sources],
    }
    try:
        info.update(describe(Dataset(directory, check_entry(builder, directory))), built=True)
    except DataError as exc:
        info.update(built=False, problem=str(exc))
    if as_json:
        click.echo(json.dumps(info))
        return
    click.echo(builder.card.to_markdown(heading="#").rstrip())
    click.echo("")
    click.echo(f"version {builder.version}, parameters {json.dumps(builder.params)}")
    click.echo(f"cache: {directory}")
    if info["built"]:
        splits = ", ".join(f"{k} {v}" for k, v in info["splits"].items())
        click.echo(f"built: {info['count']} items ({splits}); fields {', '.join(info['fields'])}")
        if info["classes"]:
            click.echo(f"classes ({info['target']}): {', '.join(info['classes'])}")
        if info["preview"]:
            click.echo(f"preview: {info['preview']}")
    else:
        click.echo(f"not built ({info['problem']}); run `xmodal data build {builder.name}`")


@data_group.command("docs")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("docs/datasets.md"), show_default=True)
@click.option("--images", type=click.Path(file_okay=False, path_type=Path),
              default=Path("docs/images/datasets"), show_default=True)
def docs_cmd(out: Path, images: Path) -> None:
    """Write the engine's datasets page (cards, counts, build times, previews) from the cache."""
    from ..data import dataset_names, get_builder
    from ..data.cache import check_entry, entry_dir
    from ..data.dataset import Dataset
    from ..data.docs import write_datasets_page
    from ..plugins import get_manager

    entries: list[tuple[Any, Dataset | None]] = []
    owned = get_manager().datasets
    for name in dataset_names():
        if owned.owner(name) != "engine":
            continue  # plugins document their own datasets
        builder = get_builder(name)
        if builder.needs_user_data:
            entries.append((builder, None))
            continue
        directory = entry_dir(builder)
        try:
            entries.append((builder, Dataset(directory, check_entry(builder, directory))))
        except DataError as exc:
            raise DataError(f"{name} is not built ({exc}); run `xmodal data build --all` "
                            f"first") from exc
    write_datasets_page(entries, out, images)
    click.echo(f"wrote {out} and {len(entries)} dataset sections")

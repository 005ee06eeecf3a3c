"""The dataset cache: one folder per dataset variant, checked before it is trusted.

Layout: ``<cache_dir>/datasets/<name>/<cache_key>/`` holds the ``.npy`` arrays,
``manifest.json`` and ``preview.png``. A build removes the old manifest first and
writes the new one last, so an interrupted build is never mistaken for a
complete one; a file lock serialises builds of the same variant across
processes (several agents, several DataLoader workers).
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .._version import __version__
from ..errors import DataError, XmodalError
from .builder import BuildContext, DatasetBuilder
from .checksums import hash_bar, sha256_file
from .dataset import Dataset
from .manifest import MANIFEST_NAME, Manifest, read_manifest, write_manifest
from .settings import cache_dir

__all__ = ["BuildResult", "Verify", "check_entry", "ensure_built", "entry_dir"]

#: ``"full"`` re-hashes every array; ``"quick"`` checks presence and sizes only.
Verify = Literal["full", "quick"]


@dataclass(frozen=True)
class BuildResult:
    """What :func:`ensure_built` did."""

    dataset: Dataset
    #: ``"cached"`` (no-op), ``"built"`` (fresh) or ``"rebuilt"`` (the cache was damaged).
    status: Literal["cached", "built", "rebuilt"]
    reason: str
    seconds: float


def entry_dir(builder: DatasetBuilder) -> Path:
    """Where ``builder``'s variant lives in the cache."""
    return cache_dir() / "datasets" / builder.name / builder.cache_key


def check_entry(builder: DatasetBuilder, directory: Path, verify: Verify = "quick",
                progress: bool = False) -> Manifest:
    """The manifest of a complete, intact build of ``builder`` in ``directory``.

    Raises :class:`DataError` saying what is wrong otherwise (the reason is shown
    when the next build repairs it). A full check of a large cache shows a bar.
    """
    manifest = read_manifest(directory / MANIFEST_NAME)
    if manifest.name != builder.name or manifest.version != builder.version:
        raise DataError(f"{directory}: holds {manifest.name} {manifest.version}, "
                        f"not {builder.name} {builder.version}")
    if manifest.params != builder.content_params:
        raise DataError(f"{directory}: built with other parameters")
    for info in manifest.arrays.values():
        path = directory / info.file
        if not path.is_file():
            raise DataError(f"{path.name}: missing")
        size = path.stat().st_size
        if size != info.bytes:
            raise DataError(f"{path.name}: {size} bytes, expected {info.bytes} (truncated?)")
    _check_dependencies(manifest)
    if verify == "full":
        total = sum(a.bytes for a in manifest.arrays.values())
        with hash_bar(total, f"{builder.name}: verify", progress) as bar:
            for info in manifest.arrays.values():
                if sha256_file(directory / info.file, bar.update) != info.sha256:
                    raise DataError(f"{info.file}: checksum mismatch (corrupt)")
    return manifest



def _check_dependencies(manifest: Manifest) -> None:
    """A derived dataset is stale when a dataset it copied from now holds other data.

    A dependency that is not cached (deleted to save space) is no reason to
    rebuild: derived datasets hold copies of what they need.
    """
    from .api import get_builder

    for name, dep in manifest.depends.items():
        try:
            builder = get_builder(name, **dep.params)
            current = read_manifest(entry_dir(builder) / MANIFEST_NAME)
        except DataError:
            continue
        if current.fingerprint != dep.fingerprint:
            raise DataError(f"{name} has changed since this dataset was derived from it")


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.parent / f".{directory.name}.lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def ensure_built(builder: DatasetBuilder, *, force: bool = False, verify: Verify = "full",
                 progress: bool = True) -> BuildResult:
    """Build ``builder``'s dataset unless an intact cache exists; return it either way."""
    directory = entry_dir(builder)
    start = time.perf_counter()
    with _locked(directory):
        reason = "forced" if force else ""
        status: Literal["built", "rebuilt"] = "built"
        if not force:
            try:
                manifest = check_entry(builder, directory, verify, progress)
            except DataError as exc:
                if directory.exists():
                    reason, status = str(exc), "rebuilt"
                else:
                    reason = "not built yet"
            else:
                dataset = Dataset(directory, manifest)
                if not dataset.preview_path.exists():
                    _write_preview(builder, dataset)
                return BuildResult(dataset, "cached", "cache is intact",
                                   time.perf_counter() - start)
        if status == "rebuilt" and progress:
            print(f"xmodal: {builder.name}: cache damaged ({reason}); rebuilding",
                  file=sys.stderr)
        dataset = _build(builder, directory, progress)
    return BuildResult(dataset, status, reason, time.perf_counter() - start)


def _build(builder: DatasetBuilder, directory: Path, progress: bool) -> Dataset:
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    ctx = BuildContext(builder, directory, progress=progress)
    start = time.perf_counter()
    try:
        builder.build(ctx)
        manifest = ctx.finish(__version__, time.perf_counter() - start)
    except BaseException:
        ctx.abort()
        shutil.rmtree(directory, ignore_errors=True)
        raise
    dataset = Dataset(directory, manifest)
    _write_preview(builder, dataset)
    write_manifest(manifest, directory / MANIFEST_NAME)
    return dataset


def _write_preview(builder: DatasetBuilder, dataset: Dataset) -> None:
    """A preview is a convenience: failing to draw one must not fail the build."""
    try:
        builder.preview(dataset, dataset.preview_path)
    except (XmodalError, OSError, ValueError, RuntimeError) as exc:
        warnings.warn(f"{builder.name}: no preview picture ({exc})", RuntimeWarning,
                      stacklevel=2)

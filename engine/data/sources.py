"""Raw inputs: where they live, how they are checked, how they are fetched.

A :class:`Source` names a file (or a folder of files) relative to the data
directory, the SHA-256 its publisher's copy has, and the canonical URLs a user
with internet can fetch it from. :func:`fetch_source` returns a verified local
path: it never hands a builder bytes whose checksum it has not checked, so a
wrong or tampered file is refused by name instead of silently producing a
different dataset.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError
from ..fileio import atomic_path
from .checksums import sha256_file, sha256_files, tree_files
from .settings import DATA_DIR_ENV, data_dir, offline

__all__ = ["Source", "download_url", "fetch_source", "verify_source"]


@dataclass(frozen=True)
class Source:
    """One raw input of a dataset build.

    ``path`` is relative to the data directory. For a single file, ``sha256`` is
    that file's digest. For a folder (``pattern`` set, e.g. ``"recordings/*.wav"``),
    ``sha256`` is the digest of the matching files' bytes concatenated in sorted
    relative-path order, and a download is an archive whose folder
    ``archive_root`` becomes ``path``.
    """

    path: str
    sha256: str
    urls: tuple[str, ...] = ()
    pattern: str | None = None
    archive_root: str | None = None

    @property
    def is_tree(self) -> bool:
        return self.pattern is not None

    def local_path(self, root: Path | None = None) -> Path:
        return (root or data_dir()) / self.path


def _short(digest: str) -> str:
    return digest[:16]


def verify_source(source: Source, path: Path) -> None:
    """Raise :class:`DataError` naming ``path`` unless its content has the published digest."""
    if source.is_tree:
        assert source.pattern is not None
        files = tree_files(path, source.pattern)
        if not files:
            raise DataError(f"{path}: no files matching {source.pattern!r} (incomplete source)")
        got = sha256_files(files)
        if got != source.sha256:
            raise DataError(
                f"{path}: checksum mismatch over its {len(files)} files matching "
                f"{source.pattern!r} (sha256 {_short(got)}..., expected {_short(source.sha256)}"
                f"...); a file is corrupt, missing or extra, replace the folder"
            )
        return
    got = sha256_file(path)
    if got != source.sha256:
        raise DataError(
            f"{path}: checksum mismatch (sha256 {_short(got)}..., expected "
            f"{_short(source.sha256)}...); the file is corrupt or a different version, "
            f"replace or delete it"
        )


def fetch_source(source: Source, root: Path | None = None) -> Path:
    """The verified local path of ``source``, downloading it first when missing.

    Looks under ``root`` (default: :func:`~engine.data.settings.data_dir`). A
    present but wrong file is an error, never re-downloaded over: it may be the
    user's own copy and deserves a look.
    """
    root = root or data_dir()
    target = source.local_path(root)
    if not target.exists():
        if not source.urls:
            raise DataError(
                f"source {source.path} not found under {root} and it has no download URL; "
                f"set {DATA_DIR_ENV} to the folder that holds it"
            )
        if offline():
            raise DataError(
                f"source {source.path} not found under {root} and downloads are disabled "
                f"(offline mode); set {DATA_DIR_ENV} to the folder that holds it"
            )
        _download_source(source, target)
    verify_source(source, target)
    return target


def _download_source(source: Source, target: Path) -> None:
    errors: list[str] = []
    for url in source.urls:
        try:
            if source.is_tree:
                _download_tree(source, url, target)
            else:
                download_url(url, target, sha256=source.sha256)
            return
        except DataError as exc:
            errors.append(str(exc))
    raise DataError(
        f"could not download {source.path} into {target.parent}: " + "; ".join(errors)
    )


def download_url(url: str, target: Path, sha256: str | None = None) -> Path:
    """Download ``url`` (http, https or file) to ``target`` atomically, with a progress bar.

    With ``sha256`` the bytes are checked before the file appears under its
    name, so an interrupted or altered download never looks like a good one.
    """
    from tqdm.auto import tqdm

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create {target.parent} ({exc.strerror or exc})") from exc
    try:
        with atomic_path(target) as tmp:
            with urllib.request.urlopen(url, timeout=60) as response, open(tmp, "wb") as out:
                total = int(response.headers.get("Content-Length") or 0) or None
                with tqdm(total=total, unit="B", unit_scale=True, desc=f"download {target.name}",
                          leave=False) as bar:
                    while chunk := response.read(1 << 20):
                        out.write(chunk)
                        bar.update(len(chunk))
            if sha256 is not None:
                got = sha256_file(tmp)
                if got != sha256:
                    raise DataError(
                        f"{url}: downloaded file has sha256 {_short(got)}..., expected "
                        f"{_short(sha256)}..."
                    )
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or exc
        raise DataError(f"{url}: download failed ({reason})") from exc
    return target


def _download_tree(source: Source, url: str, target: Path) -> None:
    """Fetch an archive and move its ``archive_root`` folder to ``target`` in one rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        archive = download_url(url, staging / "archive")
        unpacked = staging / "unpacked"
        _extract(archive, unpacked, url)
        inner = unpacked / source.archive_root if source.archive_root else unpacked
        if not inner.is_dir():
            raise DataError(f"{url}: archive has no folder {source.archive_root!r}")
        verify_source(source, inner)
        os.replace(inner, target)
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)


def _extract(archive: Path, dest: Path, url: str) -> None:
    dest.mkdir()
    if tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tar:
            tar.extractall(dest, filter="data")
    elif zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                resolved = (dest / member).resolve()
                if not resolved.is_relative_to(dest.resolve()):
                    raise DataError(f"{url}: archive member {member!r} escapes the folder")
            zf.extractall(dest)
    else:
        raise DataError(f"{url}: not a tar or zip archive")

"""SHA-256 digests of source files, source trees and cached arrays.

One hashing routine serves both directions of trust: sources are checked
against the digests published with the data, and cached arrays against the
digests their manifest recorded when they were written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

__all__ = ["sha256_file", "sha256_files", "tree_files"]

_CHUNK = 1 << 20


def _update(digest: hashlib._Hash, path: Path) -> None:
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of one file, read in chunks (arrays can be gigabytes)."""
    digest = hashlib.sha256()
    _update(digest, Path(path))
    return digest.hexdigest()


def sha256_files(paths: Iterable[Path]) -> str:
    """Hex SHA-256 of the files' bytes concatenated in the given order.

    This is how a folder of many small files (FSDD's recordings) gets one
    published checksum.
    """
    digest = hashlib.sha256()
    for path in paths:
        _update(digest, path)
    return digest.hexdigest()


def tree_files(root: Path, pattern: str) -> list[Path]:
    """Files under ``root`` matching ``pattern``, sorted by their relative path."""
    return sorted((p for p in root.glob(pattern) if p.is_file()),
                  key=lambda p: p.relative_to(root).as_posix())

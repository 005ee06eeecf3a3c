"""SHA-256 digests of source files, source trees and cached arrays.

One hashing routine serves both directions of trust: sources are checked
against the digests published with the data, and cached arrays against the
digests their manifest recorded when they were written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = ["BIG_BYTES", "hash_bar", "sha256_file", "sha256_files", "tree_files"]

_CHUNK = 1 << 20
#: Hashing more than this many bytes shows a progress bar.
BIG_BYTES = 256 * 1024 * 1024


def _update(digest: hashlib._Hash, path: Path,
            advance: Callable[[int], object] | None = None) -> None:
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            if advance is not None:
                advance(len(chunk))


def sha256_file(path: str | Path, advance: Callable[[int], object] | None = None) -> str:
    """Hex SHA-256 of one file, read in chunks (arrays can be gigabytes).

    ``advance(nbytes)`` is called after each chunk, e.g. a progress bar's ``update``.
    """
    digest = hashlib.sha256()
    _update(digest, Path(path), advance)
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


def hash_bar(total: int, desc: str, progress: bool) -> Any:
    """A bytes progress bar for hashing, shown only when there is enough to make a user wait."""
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, desc=desc, leave=False,
                disable=not progress or total < BIG_BYTES)

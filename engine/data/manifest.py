"""The manifest: what a built dataset holds, written last so it marks a complete build.

A cache folder is valid exactly when its ``manifest.json`` parses, names the
builder version and parameters asked for, and every array it lists is present
with the recorded size (and, on a full check, the recorded SHA-256). Anything
else (no manifest, a missing or truncated array, a flipped byte) is a partial
or corrupt build, and the next build redoes it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import DataError
from ..fileio import atomic_write_text

__all__ = [
    "MANIFEST_FORMAT",
    "MANIFEST_NAME",
    "ArrayInfo",
    "ArrayKind",
    "Dependency",
    "Manifest",
    "SourceRecord",
    "read_manifest",
    "write_manifest",
]

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1

#: What an array holds, so generic code (previews, the torch view) can treat it right.
#: ``image``: uint8 [N, H, W] or [N, H, W, C]; ``audio``: one clip per item (ragged or
#: [N, samples]); ``label``: int class index into ``classes[field]``; ``value``: any
#: other per-item number; ``split``: item indices of one split; ``offsets``: the
#: item boundaries of a ragged array; ``other``: anything else.
ArrayKind = Literal["image", "audio", "label", "value", "split", "offsets", "other"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArrayInfo(_Model):
    """One ``.npy`` file of the build."""

    file: str
    dtype: str
    shape: list[int]
    kind: ArrayKind = "other"
    bytes: int
    sha256: str
    #: For a ragged (variable-length) field: the name of its offsets array.
    offsets: str | None = None


class SourceRecord(_Model):
    """Where an input came from, for provenance and for the card."""

    path: str
    sha256: str
    urls: list[str] = Field(default_factory=list)
    description: str = ""


class Dependency(_Model):
    """A dataset this one was derived from, as it was when this one was built."""

    params: dict[str, Any] = Field(default_factory=dict)
    fingerprint: str


class Manifest(_Model):
    """Everything a loader needs to know about a built dataset."""

    format: int = MANIFEST_FORMAT
    name: str
    version: str
    params: dict[str, Any] = Field(default_factory=dict)
    count: int
    target: str | None = None
    classes: dict[str, list[str]] = Field(default_factory=dict)
    splits: dict[str, int] = Field(default_factory=dict)
    arrays: dict[str, ArrayInfo]
    meta: dict[str, Any] = Field(default_factory=dict)
    sources: list[SourceRecord] = Field(default_factory=list)
    #: Datasets this one was derived from, by name.
    depends: dict[str, Dependency] = Field(default_factory=dict)
    card: dict[str, Any] = Field(default_factory=dict)
    engine_version: str = ""
    build_seconds: float = 0.0

    @property
    def fingerprint(self) -> str:
        """A digest of the content (array checksums), stable across rebuilds of the same data."""
        import hashlib

        digest = hashlib.sha256()
        for name in sorted(self.arrays):
            digest.update(f"{name}:{self.arrays[name].sha256};".encode())
        return digest.hexdigest()

    @property
    def class_names(self) -> list[str]:
        """The classes of the target field (empty when the dataset has no target)."""
        return list(self.classes.get(self.target or "", []))


def read_manifest(path: Path) -> Manifest:
    """Parse a manifest; a missing, unparsable or unknown-format file is a :class:`DataError`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest.model_validate(data)
    except FileNotFoundError as exc:
        raise DataError(f"{path}: no manifest (incomplete build)") from exc
    except (OSError, ValueError, ValidationError) as exc:
        raise DataError(f"{path}: unreadable manifest ({type(exc).__name__})") from exc
    if manifest.format != MANIFEST_FORMAT:
        raise DataError(f"{path}: manifest format {manifest.format}, expected {MANIFEST_FORMAT}")
    return manifest


def write_manifest(manifest: Manifest, path: Path) -> None:
    atomic_write_text(path, manifest.model_dump_json(indent=1) + "\n")

"""A small, fast reader of installed entry points.

``importlib.metadata`` costs tens of milliseconds to import (it pulls in the
email parser), which alone would break the startup budget of ``xmodal list``.
Entry points are plain INI text in each distribution's ``*.dist-info`` (or
``*.egg-info``) folder on ``sys.path``; reading just those files is enough for
discovery. As with imports, the first distribution of a name on the path wins.
"""

from __future__ import annotations

import os
import sys

__all__ = ["MODELS_GROUP", "EntryPointRecord", "entry_points"]

#: Entry-point group announcing model names without importing the plugin (``xmodal list``).
MODELS_GROUP = "xmodal.models"


class EntryPointRecord:
    """One ``name = value`` line of a group, with the distribution that declared it."""

    __slots__ = ("distribution", "name", "value", "version")

    def __init__(self, name: str, value: str, distribution: str, version: str) -> None:
        self.name = name
        self.value = value
        self.distribution = distribution
        self.version = version

    def __repr__(self) -> str:
        return f"EntryPointRecord({self.name!r}, {self.value!r}, {self.distribution!r})"


def _parse(text: str, group: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        if current == group and "=" in line:
            name, _, value = line.partition("=")
            found.append((name.strip(), value.strip()))
    return found


def _split_dist(folder: str) -> tuple[str, str]:
    stem = folder.rsplit(".", 1)[0]
    name, _, version = stem.partition("-")
    return name.replace("_", "-"), version.split("-")[0]


def entry_points(group: str) -> list[EntryPointRecord]:
    """Entry points of ``group`` from every distribution on ``sys.path``, in path order."""
    records: list[EntryPointRecord] = []
    seen_dists: set[str] = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in sorted(names):
            if not folder.endswith((".dist-info", ".egg-info")):
                continue
            dist, version = _split_dist(folder)
            key = dist.lower()
            if key in seen_dists:
                continue
            seen_dists.add(key)
            path = os.path.join(entry or ".", folder, "entry_points.txt")
            try:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError:
                continue
            if f"[{group}]" not in text:
                continue
            records.extend(
                EntryPointRecord(name, value, dist, version) for name, value in _parse(text, group)
            )
    return records

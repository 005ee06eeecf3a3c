"""The checked-in catalogue of known models (``registry.toml``).

This module must stay cheap: ``xmodal list`` reads the catalogue and the
installed entry points without importing torch or any plugin.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .errors import XmodalError

__all__ = ["CatalogueEntry", "Paper", "catalogue", "catalogue_path"]


@dataclass(frozen=True)
class Paper:
    """The paper a model reproduces."""

    title: str
    year: int | None = None
    link: str = ""


@dataclass(frozen=True)
class CatalogueEntry:
    """One model the project knows about, whether or not its plugin is installed."""

    name: str
    plugin: str
    task: str
    description: str = ""
    weights: str = "bundled"
    paper: Paper | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def distribution(self) -> str:
        """The distribution a user installs to get this model."""
        return f"xmodal-{self.plugin}"


def catalogue_path() -> Path:
    """Where ``registry.toml`` is: inside the installed wheel, else the checkout root."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "registry.toml", here.parent / "registry.toml"):
        if candidate.is_file():
            return candidate
    raise XmodalError(f"the model catalogue registry.toml is missing (looked in {here})")


@cache
def catalogue() -> dict[str, CatalogueEntry]:
    """Parse the catalogue once per process, keyed by model name."""
    path = catalogue_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise XmodalError(f"cannot read the model catalogue {path}: {exc}") from exc
    entries: dict[str, CatalogueEntry] = {}
    for name, raw in data.get("models", {}).items():
        raw = dict(raw)
        paper_raw = raw.pop("paper", None)
        paper = Paper(**paper_raw) if isinstance(paper_raw, dict) else None
        try:
            entries[name] = CatalogueEntry(
                name=name,
                plugin=str(raw.pop("plugin")),
                task=str(raw.pop("task", "")),
                description=str(raw.pop("description", "")),
                weights=str(raw.pop("weights", "bundled")),
                paper=paper,
                extra=raw,
            )
        except KeyError as exc:
            raise XmodalError(f"catalogue entry {name!r} in {path} lacks {exc}") from exc
    return entries

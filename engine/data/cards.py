"""Dataset cards: where the data came from and how it differs from the paper's.

Every builder carries a card; it is copied into the manifest (so a cached
dataset documents itself) and rendered into ``docs/datasets.md``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["DatasetCard"]


@dataclass(frozen=True)
class DatasetCard:
    """Human-facing facts about a dataset."""

    title: str
    summary: str
    source: str
    license: str
    #: Which paper data set this stands in for, and how it differs.
    differences: str = ""
    splits: str = ""
    citation: str = ""
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_markdown(self, heading: str = "###") -> str:
        """The card as a Markdown section (no counts: those come from a manifest)."""
        lines = [f"{heading} {self.title}", "", self.summary, ""]
        rows = [("Source", self.source), ("License", self.license), ("Splits", self.splits),
                ("Differs from the paper's data", self.differences), ("Cite", self.citation)]
        lines += [f"- **{k}:** {v}" for k, v in rows if v]
        lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"

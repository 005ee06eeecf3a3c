"""Model cards: the README.md of a pretrained folder, with Hub YAML metadata.

The card says what a person needs before trusting a model: the paper, the data
it was really trained on (our stand-ins), how it deviates from the paper, the
command that trained it and the numbers it measured beside the paper's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["CardInfo", "render_card"]


@dataclass
class CardInfo:
    """What a plugin or recipe knows about a trained model, for its card."""

    summary: str = ""
    license: str = "mit"
    datasets: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    paper_title: str = ""
    paper_link: str = ""
    training_command: str = ""
    stand_in_data: str = ""
    deviations: str = ""
    #: Extra markdown sections, title -> body (e.g. a results table beside the paper's).
    sections: dict[str, str] = field(default_factory=dict)
    #: The paper's own numbers for the metrics we report, metric -> value.
    paper_metrics: dict[str, float] = field(default_factory=dict)
    #: The call after ``model = engine.load(...)`` in the card's usage example.
    usage: str = 'out = model.translate("input")'


def _flat_metrics(metrics: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in metrics.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            out[key] = float(value)
        elif isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in _flat_metrics(value).items()})
    return out


def render_card(
    *,
    name: str,
    plugin: str,
    model_type: str,
    task: str,
    info: CardInfo | None,
    metrics: dict[str, Any] | None,
) -> str:
    """Markdown with YAML front matter that the Hub (and ``xmodal info``) understand."""
    import yaml

    info = info or CardInfo()
    flat = _flat_metrics(metrics or {})
    meta: dict[str, Any] = {
        "library_name": "xmodal",
        "license": info.license,
        "tags": ["xmodal", f"xmodal-{plugin}", model_type, *info.tags],
    }
    if task:
        meta["tags"].append(task.replace(" ", ""))
    if info.datasets:
        meta["datasets"] = list(info.datasets)
    if flat:
        meta["model-index"] = [
            {
                "name": name,
                "results": [
                    {
                        "task": {"type": task.replace(" ", "") or "translation", "name": task},
                        "metrics": [
                            {"type": k, "name": k, "value": float(f"{v:.6g}")} for k, v in flat.items()
                        ],
                    }
                ],
            }
        ]
    lines = ["---", yaml.safe_dump(meta, sort_keys=False).strip(), "---", "", f"# {name}", ""]
    if info.summary:
        lines += [info.summary, ""]
    lines += [
        f"- plugin: `xmodal-{plugin}` (model type `{model_type}`)",
        f"- task: {task or 'n/a'}",
    ]
    if info.paper_title:
        link = f" ({info.paper_link})" if info.paper_link else ""
        lines.append(f"- paper: {info.paper_title}{link}")
    lines += ["", "## Usage", "", "```python", "import engine", "",
              f'model = engine.load("{name}")', info.usage, "```", ""]
    if info.training_command:
        lines += ["## Training", "", "```", info.training_command, "```", ""]
    if info.stand_in_data:
        lines += ["## Data", "", info.stand_in_data, ""]
    if info.deviations:
        lines += ["## Deviations from the paper", "", info.deviations, ""]
    if flat:
        lines += ["## Results", "", "| metric | ours | paper |", "|---|---|---|"]
        for k, v in flat.items():
            paper = info.paper_metrics.get(k)
            lines.append(f"| {k} | {v:.4g} | {'' if paper is None else f'{paper:.4g}'} |")
        lines.append("")
    for title, body in info.sections.items():
        lines += [f"## {title}", "", body.strip(), ""]
    return "\n".join(lines)

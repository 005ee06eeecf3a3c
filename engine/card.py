"""Model cards: the README.md of a pretrained folder, with Hub YAML metadata.

The card says what a person needs before trusting a model: the paper, the data
it was really trained on (our stand-ins), how it deviates from the paper, the
command that trained it and the numbers it measured beside the paper's.

The YAML front matter is built with ``huggingface_hub``'s own ``ModelCardData`` and
``EvalResult`` and the finished card is parsed back with ``ModelCard`` before it is
returned, so a card we write is one the Hub (and ``ModelCard.load``) accepts:

* every numeric metric is one ``eval_results`` entry (``model-index`` on the Hub) with the
  task, the dataset the numbers were measured on and the metric;
* counts and times that ``metrics.json`` also holds (``items``, ``*_seconds`` ...) describe
  the measurement, they are not metrics: the card states them under the results table;
* ``pipeline_tag`` comes from the task (``"source -> target"``) through
  :data:`PIPELINE_TAGS`. The Hub only knows a fixed list of pipeline tags and has no
  ``image-to-audio`` or ``audio-to-image``; a direction it has no tag for gets
  :data:`CROSS_MODAL_PIPELINE_TAG` (``any-to-any``), and the exact direction is always kept
  as a free tag (``image-to-audio``) so the model can still be found by it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from huggingface_hub import EvalResult, ModelCardData

__all__ = [
    "CROSS_MODAL_PIPELINE_TAG",
    "LIBRARY_NAME",
    "PIPELINE_TAGS",
    "CardInfo",
    "card_data",
    "card_sections",
    "is_metric",
    "pipeline_tag",
    "render_card",
    "render_folder_card",
    "task_tag",
]

LIBRARY_NAME = "xmodal"

#: ``(source, target)`` modality of a task -> the Hub pipeline tag that names that direction.
#: Only tags the Hub lists are used; see the module docstring for the directions it lacks.
PIPELINE_TAGS: dict[tuple[str, str], str] = {
    ("text", "image"): "text-to-image",
    ("text", "audio"): "text-to-audio",
    ("text", "speech"): "text-to-speech",
    ("text", "video"): "text-to-video",
    ("text", "3d"): "text-to-3d",
    ("image", "text"): "image-to-text",
    ("image", "image"): "image-to-image",
    ("image", "video"): "image-to-video",
    ("image", "3d"): "image-to-3d",
    ("audio", "text"): "automatic-speech-recognition",
    ("speech", "text"): "automatic-speech-recognition",
    ("audio", "audio"): "audio-to-audio",
    ("video", "video"): "video-to-video",
}

#: The Hub's tag for a model between modalities that :data:`PIPELINE_TAGS` has no entry for.
CROSS_MODAL_PIPELINE_TAG = "any-to-any"

#: ``metrics.json`` keys that count or time the evaluation instead of scoring the model.
_COUNT_KEYS = frozenset({"items", "samples", "examples", "steps", "epochs", "trials"})
_COUNT_AFFIXES = (("n_", "num_"), ("_count", "_items", "_seconds", "_steps", "_trials"))


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
    #: Id of the data the metrics were measured on (default: ``datasets`` joined by ``+``).
    eval_dataset: str = ""
    #: Split of ``eval_dataset`` the metrics were measured on ("" when not known).
    eval_split: str = ""


def _modalities(task: str) -> tuple[str, str] | None:
    source, arrow, target = task.partition("->")
    if not arrow or not source.strip() or not target.strip():
        return None
    return source.strip().lower(), target.strip().lower()


def pipeline_tag(task: str) -> str | None:
    """The Hub pipeline tag of ``"source -> target"``; None when ``task`` names no direction."""
    pair = _modalities(task)
    if pair is None:
        return None
    return PIPELINE_TAGS.get(pair, CROSS_MODAL_PIPELINE_TAG)


def task_tag(task: str) -> str | None:
    """The free tag naming the exact direction, ``"image -> audio"`` -> ``"image-to-audio"``."""
    pair = _modalities(task)
    return None if pair is None else "-to-".join(part.replace(" ", "-") for part in pair)


def is_metric(key: str) -> bool:
    """Whether ``metrics.json``'s ``key`` scores the model (a count or a time does not)."""
    leaf = key.rsplit(".", 1)[-1]
    prefixes, suffixes = _COUNT_AFFIXES
    return not (leaf in _COUNT_KEYS or leaf.startswith(prefixes) or leaf.endswith(suffixes))


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


def _eval_results(task: str, info: CardInfo, scores: dict[str, float]) -> list[EvalResult]:
    """One Hub ``EvalResult`` per metric, all on the task and the data they were measured on."""
    from huggingface_hub import EvalResult

    dataset = info.eval_dataset or "+".join(info.datasets) or "unspecified"
    return [
        EvalResult(
            task_type=pipeline_tag(task) or CROSS_MODAL_PIPELINE_TAG, task_name=task or None,
            dataset_type=dataset, dataset_name=dataset, dataset_split=info.eval_split or None,
            metric_type=key, metric_name=key, metric_value=float(f"{value:.6g}"),
        )
        for key, value in scores.items()
    ]


def card_data(
    *, name: str, plugin: str, model_type: str, task: str, info: CardInfo,
    metrics: dict[str, Any] | None,
) -> ModelCardData:
    """The card's Hub metadata: library, license, pipeline tag, tags, datasets, eval results."""
    from huggingface_hub import ModelCardData

    scores = {k: v for k, v in _flat_metrics(metrics or {}).items() if is_metric(k)}
    direction = task_tag(task)
    return ModelCardData(
        library_name=LIBRARY_NAME,
        license=info.license,
        pipeline_tag=pipeline_tag(task),
        tags=[LIBRARY_NAME, f"{LIBRARY_NAME}-{plugin}", model_type, *info.tags,
              *([direction] if direction else [])],
        datasets=list(info.datasets) or None,
        model_name=name,
        eval_results=_eval_results(task, info, scores) or None,
    )


_YAML_ORDER = ["library_name", "license", "pipeline_tag", "tags", "datasets"]


def _results_lines(info: CardInfo, flat: dict[str, float]) -> list[str]:
    scores = {k: v for k, v in flat.items() if is_metric(k)}
    counts = {k: v for k, v in flat.items() if not is_metric(k)}
    if not scores and not counts:
        return []
    lines = ["## Results", ""]
    if scores:
        lines += ["| metric | ours | paper |", "|---|---|---|"]
        for k, v in scores.items():
            paper = info.paper_metrics.get(k)
            lines.append(f"| {k} | {v:.4g} | {'' if paper is None else f'{paper:.4g}'} |")
        lines.append("")
    if counts:
        listed = ", ".join(f"{k} {v:g}" for k, v in counts.items())
        lines += [f"Counts and times of this evaluation (not metrics): {listed}.", ""]
    return lines


def _markdown(
    *, name: str, plugin: str, model_type: str, task: str, info: CardInfo, flat: dict[str, float],
) -> list[str]:
    lines = [f"# {name}", ""]
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
    lines += _results_lines(info, flat)
    for title, body in info.sections.items():
        lines += [f"## {title}", "", body.strip(), ""]
    return lines


def render_card(
    *,
    name: str,
    plugin: str,
    model_type: str,
    task: str,
    info: CardInfo | None,
    metrics: dict[str, Any] | None,
) -> str:
    """Markdown with YAML front matter that the Hub (and ``xmodal info``) understand.

    The text is parsed back with ``huggingface_hub.ModelCard`` before it is returned, so
    a card the Hub would refuse fails here, where it is written, not at push time."""
    from huggingface_hub import ModelCard

    info = info or CardInfo()
    data = card_data(name=name, plugin=plugin, model_type=model_type, task=task, info=info,
                     metrics=metrics)
    body = _markdown(name=name, plugin=plugin, model_type=model_type, task=task, info=info,
                     flat=_flat_metrics(metrics or {}))
    text = "\n".join(["---", data.to_yaml(original_order=_YAML_ORDER), "---", "", *body])
    ModelCard(text)
    return text


def card_sections(text: str) -> dict[str, str]:
    """The ``## title`` sections of a card, title -> body (stripped), in order.

    Why: part of a card may come from material that is not kept with the model (the
    face2nsynth ablation table is made from run folders); re-rendering the card carries
    such a section over from the card it replaces."""
    sections: dict[str, str] = {}
    for chunk in ("\n" + text).split("\n## ")[1:]:
        title, _, body = chunk.partition("\n")
        sections[title.strip()] = body.strip()
    return sections


def render_folder_card(folder: str | os.PathLike[str], info: CardInfo | None, *, task: str) -> str:
    """The card of a pretrained folder as it is now, from its config.json and metrics.json.

    Why: bundled models are regenerated from what they ship (plus their plugin's
    :class:`CardInfo`) when the card format changes, without retraining or touching
    their weights and config."""
    from .pretrained import CONFIG_NAME, read_metrics

    folder = Path(folder)
    config = json.loads((folder / CONFIG_NAME).read_text(encoding="utf-8"))
    return render_card(
        name=config["name"], plugin=config["plugin"], model_type=config["model_type"], task=task,
        info=info, metrics=read_metrics(folder),
    )

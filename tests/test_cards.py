"""Model cards are read back by ``huggingface_hub.ModelCard`` as the Hub reads them.

Every card we ship or write (bundled ones, ``save_pretrained``'s, a trained run's export)
must load without ``ignore_metadata_errors`` and carry its metrics as ``eval_results``.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from huggingface_hub import ModelCard

from engine.card import (
    CardInfo,
    card_sections,
    is_metric,
    pipeline_tag,
    render_card,
    render_folder_card,
    task_tag,
)
from engine.plugins import get_manager

import tinyplug


def _bundled() -> list[tuple[str, Path]]:
    """(plugin cards module, folder) of every bundled model that has a card."""
    found = []
    for module in ("xmodal_aivae", "xmodal_face2nsynth"):
        package = pytest.importorskip(module)
        folders = package.WEIGHTS if isinstance(package.WEIGHTS, dict) else {"": package.WEIGHTS}
        found += [(f"{module}.cards", Path(folder)) for folder in folders.values()]
    return found


BUNDLED = _bundled()


def _eval_results(card: ModelCard) -> dict[str, Any]:
    return {r.metric_type: r.metric_value for r in card.data.eval_results or []}


def test_pipeline_tags_follow_the_task() -> None:
    assert pipeline_tag("text -> image") == "text-to-image"
    assert pipeline_tag("audio -> audio") == "audio-to-audio"
    # The Hub has no image-to-audio pipeline: its cross-modal tag, and the direction as a tag.
    assert pipeline_tag("image -> audio") == pipeline_tag("audio -> image") == "any-to-any"
    assert task_tag("image -> audio") == "image-to-audio"
    assert pipeline_tag("") is None and task_tag("translation") is None


def test_counts_and_times_are_not_metrics() -> None:
    counts = ["items", "train_seconds", "n_faces", "eval.items", "match_1v2_test_trials", "trials"]
    assert not any(map(is_metric, counts))
    assert all(map(is_metric, ["lenet_accuracy", "fid_family", "families_used", "pc"]))


@pytest.mark.parametrize(("cards", "folder"), BUNDLED, ids=[f.name for _, f in BUNDLED])
def test_bundled_cards_load_with_their_metrics(cards: str, folder: Path) -> None:
    readme = folder / "README.md"
    assert readme.read_text().startswith("---\nlibrary_name: xmodal\n")
    card = ModelCard.load(readme)
    assert card.data.library_name == "xmodal" and card.data.pipeline_tag == "any-to-any"
    metrics = json.loads((folder / "metrics.json").read_text())
    assert _eval_results(card) == pytest.approx(
        {k: v for k, v in metrics.items() if is_metric(k)}, rel=1e-5)
    assert "items" not in _eval_results(card)
    for result in card.data.eval_results:
        assert result.dataset_type and result.dataset_name and result.dataset_split == "test"
        assert result.task_name in ("audio -> image", "image -> audio")
    # The human part survives: summary, paper, training command, data, deviations, results.
    sections = card_sections(card.text)
    assert {"Usage", "Training", "Data", "Deviations from the paper", "Results"} <= set(sections)
    assert "| metric | ours | paper |" in sections["Results"]


@pytest.mark.parametrize(("cards", "folder"), BUNDLED, ids=[f.name for _, f in BUNDLED])
def test_bundled_cards_are_what_their_plugin_renders(cards: str, folder: Path) -> None:
    """Rendering again from config.json, metrics.json and the plugin changes nothing."""
    module: ModuleType = pytest.importorskip(cards)
    expected = render_folder_card(folder, module.bundled_card(folder), task=module.TASK)
    assert (folder / "README.md").read_text() == expected


def test_save_pretrained_card_loads(tmp_path: Path) -> None:
    manager = get_manager()
    if "tinyplug" not in manager.infos():
        manager.register_module(tinyplug, name="tinyplug")
    cls = tinyplug.TinyAudioToImage
    model = cls.build(cls.make_config("tiny-a2i", plugin="tinyplug"))
    info = CardInfo(datasets=["fsdd"], eval_split="test", summary="A tiny test model.")
    folder = model.save_pretrained(tmp_path / "m", metrics={"score": 0.5, "items": 12}, card=info)
    card = ModelCard.load(folder / "README.md")
    assert _eval_results(card) == {"score": 0.5}
    (result,) = card.data.eval_results
    assert (result.task_type, result.task_name) == ("any-to-any", "audio -> image")
    assert (result.dataset_type, result.dataset_split) == ("fsdd", "test")
    assert "image-to-audio" not in card.data.tags and "audio-to-image" in card.data.tags
    assert "items 12" in card_sections(card.text)["Results"]


def test_card_without_metrics_or_task_loads() -> None:
    text = render_card(name="bare", plugin="p", model_type="m", task="", info=None, metrics=None)
    card = ModelCard(text)
    assert card.data.eval_results is None and card.data.pipeline_tag is None
    assert card.data.tags == ["xmodal", "xmodal-p", "m"]


def test_trained_export_card_loads(tmp_path: Path) -> None:
    from engine.testing.toy import ToyGanRecipe
    from engine.train import train

    result = train(ToyGanRecipe, tmp_path / "run", preset="test", overrides={"steps": 2})
    assert result.model_dir is not None
    card = ModelCard.load(result.model_dir / "README.md")
    assert _eval_results(card) == pytest.approx(result.metrics, rel=1e-5)
    assert set(_eval_results(card)) == {"pitch_accuracy", "pitch_top3", "spectral_fd"}
    assert card.data.pipeline_tag == "any-to-any" and "image-to-audio" in card.data.tags
    assert "xmodal train" in card_sections(card.text)["Training"]

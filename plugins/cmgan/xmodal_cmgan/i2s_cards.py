"""What a trained ``cmgan-i2s`` model's card says: data, deviations, and the paper's numbers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.card import CardInfo, card_sections, render_folder_card

if TYPE_CHECKING:
    from .i2s_recipe import I2SConfig

__all__ = ["BUNDLED_OVERRIDES", "BUNDLED_PRESET", "PAPER_METRICS", "TASK", "bundled_card",
           "card_for", "run_section", "write_bundled_card"]

#: What cmgan-i2s translates (the catalogue registers the same task).
TASK = "image -> audio"
#: How the bundled model was trained: ``xmodal train cmgan-i2s --preset ... --set ...``.
BUNDLED_PRESET = "cpu-small"
BUNDLED_OVERRIDES: dict[str, Any] = {"progress": False}

PAPER_TITLE = "Deep Cross-Modal Audio-Visual Generation (Chen, Srivastava, Duan, Xu, 2017)"
PAPER_LINK = "https://arxiv.org/abs/1704.08292"

#: The paper's I2S figures: 11.17% of generated LMS classified right by a judge at 80%.
PAPER_METRICS: dict[str, float] = {"i2s_accuracy": 0.1117, "sound_classifier_real_accuracy": 0.80}

STAND_IN_DATA = (
    "Sounds: `gm-phrases` v2, seeded random melodies of the 13 URMP instruments rendered from "
    "three General-MIDI soundfonts at 44.1 kHz (4 s phrases), read as the paper's 0.5 s "
    "windows with a 0.1 s stride, silent windows skipped, split by phrase (80/20). Pictures: "
    "`instruments-clipart` v2, augmented clip-art drawings of the same 13 instruments "
    "(openclipart, GCompris, Tux Paint; viola and double bass are reshaped substitutes), "
    "split by drawing wherever a class has two or more. Sub-URMP's video frames and their "
    "synchronous audio are replaced by class-level pairs: any picture of an instrument with "
    "any window of it."
)

DEVIATIONS = """\
- Pairing is class-level only (see Data): a picture carries no pitch or player, so the
  generator can only learn an instrument's sound, never the sound of *that* picture.
- Resizing: the paper shrinks the 128 x 44 ground truth to 128 x 34 with "the numpy resize
  function", which (read literally, `np.resize`) cuts and wraps the array. We interpolate
  along time (bilinear, corners aligned) both ways: 128 x 44 -> 128 x 34 for the
  discriminator, the generator's 128 x 34 -> 128 x 44 for the judge and Griffin-Lim.
- The generator grows the joined (64-D condition, z) vector through a DCGAN trunk (4 -> 8 ->
  16 -> 32) to the paper's 32 x 32 map, then the paper's two 4 x 4, stride (2, 1) transposed
  convolutions; the discriminator mirrors it (the paper's two stride-(2, 1) convolutions, a
  DCGAN trunk to 4 x 4, the condition tiled and joined there, GAN-CLS style). The paper's
  "two layers added to the generator and 12 to the discriminator" is not specific enough to
  copy. `cpu-small` uses width 16 (a 32 x 32 x 16 map) instead of 128 to train on 2 CPU
  cores; the `paper` preset has 128.
- Unstated choices are GAN-CLS's defaults: Adam 2e-4, beta1 0.5, batch 64, z of 100, batch
  norm; log-mels are standardised per mel band with the training windows' statistics.
- Best-epoch selection (the paper's accuracy peaks and collapses) reads the judge's accuracy
  on a fixed subset of *training* pictures, never a test picture.
- The judge is our own sound classifier (the core's 4 conv + 3 FC recipe, its own seed),
  trained on the real training windows; the paper's judge scored 80% on real test LMS.
- Voicing by Griffin-Lim is ours: the paper stops at the spectrogram. The log is undone,
  the 128 mel bands are mapped back to 1025 STFT bins by least squares, and 64 Griffin-Lim
  iterations from a seeded random phase recover a waveform (0.5 s at 44.1 kHz).
"""


def _fmt(metrics: Mapping[str, Any], key: str) -> str:
    value = metrics.get(key)
    return f"{100 * float(value):.2f}%" if isinstance(value, int | float) else "-"


def results_table(metrics: Mapping[str, Any]) -> str:
    """The paper's I2S figures beside ours, as a markdown table."""
    rows = [
        ("Judge on real test LMS (`sound_classifier_real_accuracy`)", "80%",
         _fmt(metrics, "sound_classifier_real_accuracy")),
        ("I2S, test pictures (`i2s_accuracy`)", "11.17%", _fmt(metrics, "i2s_accuracy")),
        ("I2S, training pictures (`i2s_accuracy_train`)", "-", _fmt(metrics, "i2s_accuracy_train")),
        ("Chance (13 classes)", "7.69%", "7.69%"),
    ]
    lines = ["| | paper | ours |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def card_for(config: I2SConfig, metrics: Mapping[str, Any]) -> CardInfo:
    """The card of a model trained with ``config``."""
    return CardInfo(
        summary=(
            "cmgan-i2s (I2S of Chen et al. 2017): a picture of a musical instrument becomes a "
            "128 x 44 log-mel spectrogram of that instrument's sound (0.5 s), voiced by "
            "Griffin-Lim into a 44.1 kHz waveform. The picture is encoded by the frozen image "
            "classifier Gamma; a GAN-CLS generator turns the encoding and noise into the "
            "spectrogram. `seed=` picks the noise (default 0)."
        ),
        datasets=["gm-phrases", "instruments-clipart"],
        tags=["image-to-audio", "gan", "gan-cls", "log-mel", "griffin-lim", "musical-instruments"],
        paper_title=PAPER_TITLE,
        paper_link=PAPER_LINK,
        stand_in_data=STAND_IN_DATA,
        deviations=DEVIATIONS,
        paper_metrics=dict(PAPER_METRICS),
        eval_dataset="instruments-clipart+gm-phrases",
        eval_split=config.final_split,
        usage='sound = model.translate("violin.png", seed=3)  # an Audio; sound.save("violin.wav")',
        sections={
            "Results beside the paper": results_table(metrics),
            "Setup": (
                f"width={config.width}, disc_width={config.disc_width or config.width}, "
                f"z_dim={config.z_dim}, batch={config.batch_size}, steps={config.steps}, "
                f"lr={config.lr}, betas=({config.beta1}, {config.beta2}), "
                f"wrong_pairs={config.wrong_pairs}, eval_every={config.eval_every}, "
                f"seed={config.seed}; best step by `i2s_accuracy` on training pictures."
            ),
            "Evaluation protocol": (
                f"Every test picture is voiced {config.eval_copies} times (different z); the judge "
                "classifies each generated log-mel (128 x 34 interpolated to 128 x 44). "
                "`i2s_acc_<class>` is per instrument; `band_profile_corr` / `band_profile_match` "
                "compare each class's mean generated spectrum with the real one, "
                "`diversity_ratio` is the spread over z against real within-class spread. "
                "Reproduce with `xmodal eval cmgan-i2s --json`."
            ),
        },
    )


def run_section(run: Path, judge_seconds: float | None = None) -> str:
    """What a training run's ``log.jsonl`` says: time, steps, the best step and the curve."""
    from engine.train.runlog import read_log

    records = read_log(run / "log.jsonl")
    end = next((r for r in reversed(records) if r.get("event") == "end"), None)
    if end is None:
        return "The run did not finish."
    evals = [(int(r["step"]), float(r["metrics"].get("i2s_accuracy", float("nan"))))
             for r in records if r.get("event") == "eval" and r.get("split") == "val"]
    curve = ", ".join(f"{step}: {100 * acc:.1f}%" for step, acc in evals)
    best = end.get("best") or {}
    lines = [
        f"- GAN: {end['step']} steps in {float(end['elapsed']) / 60:.1f} min on one CPU thread "
        f"(2-core machine, shared), best step {best.get('step', '?')} by `i2s_accuracy` on "
        "training pictures.",
        f"- `i2s_accuracy` on training pictures per evaluation (step: accuracy): {curve}.",
    ]
    if judge_seconds is not None:
        lines.append(f"- Judge (sound classifier, 6 epochs): {judge_seconds / 60:.1f} min, log-mel "
                     "windows computed on the way included.")
    return "\n".join(lines)


def bundled_card(folder: Path) -> CardInfo:
    """The card of the bundled model in ``folder`` (config: the bundled preset's)."""
    from engine.train.runfile import train_command

    from .i2s_recipe import I2SRecipe

    config = I2SRecipe.configure(BUNDLED_PRESET, BUNDLED_OVERRIDES)
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    info = card_for(config, metrics)
    info.training_command = "OMP_NUM_THREADS=1 " + train_command(
        "cmgan-i2s", BUNDLED_PRESET, "runs/cmgan-i2s", BUNDLED_OVERRIDES)
    readme = folder / "README.md"
    previous = card_sections(readme.read_text(encoding="utf-8")) if readme.is_file() else {}
    info.sections.update({k: v for k, v in previous.items() if k.startswith("Training run")})
    return info


def write_bundled_card(folder: Path | None = None, run: Path | None = None) -> Path:
    """Render the bundled model's README.md again (weights and config stay untouched).

    With ``run`` (the training run that was bundled) its "Training run" section is
    written afresh; otherwise the folder's current one is kept.
    """
    from engine.fileio import atomic_write_text

    from . import WEIGHTS

    folder = folder or WEIGHTS["cmgan-i2s"]
    info = bundled_card(folder)
    if run is not None:
        judge = json.loads((folder / "judge.json").read_text(encoding="utf-8"))
        seconds = judge.get("metrics", {}).get("train_seconds")
        info.sections["Training run"] = run_section(run, float(seconds) if seconds else None)
    readme = folder / "README.md"
    atomic_write_text(readme, render_folder_card(folder, info, task=TASK))
    return readme

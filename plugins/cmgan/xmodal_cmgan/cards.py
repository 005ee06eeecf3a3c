"""What the ``cmgan`` model card says: the paper, the stand-in data, deviations, measured results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.card import CardInfo, render_folder_card

from .pipeline import CmganArchitecture

__all__ = ["BUNDLED_PRESET", "PAPER_METRICS", "TASK", "bundled_card", "card_for", "write_bundled_card"]

TASK = "audio -> image"
BUNDLED_PRESET = "cpu-small"
#: Settings the bundled run changed from its preset.
BUNDLED_OVERRIDES: dict[str, Any] = {}
PAPER_TITLE = "Deep Cross-Modal Audio-Visual Generation (Chen, Srivastava, Duan & Xu, 2017)"
PAPER_LINK = "https://arxiv.org/abs/1704.08292"

#: The paper's figures for our metrics (Table 5's S2I-C row; Table 1's LMS 4-conv row).
PAPER_METRICS = {"s2i_accuracy": 0.7556, "s2i_accuracy_train": 0.8737, "sound_test_accuracy": 0.8744,
                 "gamma_real_accuracy": 0.95}

_DATA = (
    "Sounds: `gm-phrases` v2, seeded random melodies of the 13 URMP instruments rendered from "
    "3 General MIDI soundfonts at 44.1 kHz, 16 phrases of 4 s per instrument and soundfont, cut "
    "into 0.5 s windows at a 0.1 s stride (Sub-URMP's protocol), near-silent windows skipped. "
    "Split by phrase (80/20 within every instrument x soundfont); every 8th training phrase of "
    "an instrument is held out of GAN training to pick the best evaluation. Pictures: "
    "`instruments-clipart` v2, augmented 64x64 drawings (openclipart, GCompris, Tux Paint), split "
    "by drawing where a class has two or more; viola and double bass are reshaped, recoloured "
    "violin and cello drawings. Pairing is by class only: a window of instrument c meets a random "
    "training picture of c. Stands in for Sub-URMP (video frames of players, synchronised with "
    "the sound).")

_DEVIATIONS = (
    "- Data: synthetic solo phrases instead of URMP recordings, drawings instead of video frames, "
    "class-level pairing (no frame-sound synchrony, so the pose-oriented S2I of Eq. 6 cannot be "
    "tested).\n"
    "- Unstated by the paper, ours: Adam {lr} (betas {beta1}, {beta2}), batch {batch}, |z| = {z}, "
    "{steps} steps with an evaluation every {eval_every} (the best one exported), generator and "
    "discriminator widths {g_width} / {d_width} (GAN-CLS 64), DCGAN shapes and initialisation.{tricks}\n"
    "- Sound classifier: 4 conv (3x3, batch norm, ReLU, max pool) + 3 FC, widths ours; L2 0.015 on "
    "the FC weights (TensorFlow's sum(w^2)/2), dropout 0.3 / 0.2 (the paper's keep "
    "probabilities 0.7 / 0.8).\n"
    "- Best epoch picked on held-out training phrases (`val`), not on the test windows.\n"
    "- Inference: the loudest 0.5 s window of a clip (RMS, 0.1 s stride) is translated; z is "
    "drawn from the `seed` option (default 0).")

_EVALUATION = (
    "`s2i_accuracy`: Gamma's accuracy on pictures generated from every test window (chance 7.7%); "
    "`s2i_accuracy_train`: the same on 200 training windows per instrument; "
    "`s2i_real_recordings`: real GCompris / Tux Paint recordings of URMP instruments, whole clips "
    "through the pipeline; `gamma_real_accuracy`: Gamma on real test pictures of drawings it never "
    "saw; `sound_test_accuracy`: the sound classifier on the test windows (Table 1: 87.44%); "
    "`sound_sf_test_accuracy`: the same recipe trained without one soundfont and tested on it. "
    "Reproduce: `xmodal eval cmgan --json`.")


def _variant(config: dict[str, Any]) -> str:
    if config.get("encoder") == "autoencoder":
        return "S2I-A"
    return "S2I-C" if config.get("wrong_pairs", True) else "S2I-N"


def _tricks(config: dict[str, Any]) -> str:
    """Our remedies for D memorising the few drawings, as the card states them (empty when off)."""
    parts = []
    if config.get("diff_augment"):
        parts.append(" Every picture D sees, real, wrong or fake, gets a random colour change, "
                     "shift and cutout (differentiable augmentation, Zhao et al. 2020).")
    if config.get("d_norm") == "spectral":
        parts.append(" D has spectral normalisation on every layer instead of batch norm "
                     "(Miyato et al. 2018).")
    if config.get("d_lr"):
        parts.append(f" D learns at {config.get('d_lr')}, G at {config.get('lr')} (two time scales).")
    if config.get("ema"):
        parts.append(f" The generator evaluated and exported is the moving average of G's "
                     f"weights (decay {config.get('ema')}).")
    return "".join(parts)


def card_for(arch: CmganArchitecture, config: dict[str, Any]) -> CardInfo:
    """The card of a model trained with ``config`` (a recipe config dump)."""
    variant = _variant(config)
    return CardInfo(
        summary=(f"cmgan {variant}: a 0.5 s recording of one of the 13 URMP instruments becomes a "
                 "64x64 picture of that instrument. A GAN-CLS generator conditioned on a frozen "
                 f"128-D sound encoding ({arch.encoder}), trained against real, wrong-class and "
                 "fake pairs."),
        license="other",
        datasets=["gm-phrases", "instruments-clipart"],
        usage='picture = model.translate("cello.wav", seed=0)  # a 64x64 Image; picture.save("cello.png")',
        tags=["audio-to-image", "gan", "gan-cls", "music", "instruments"],
        paper_title=PAPER_TITLE,
        paper_link=PAPER_LINK,
        stand_in_data=_DATA,
        deviations=_DEVIATIONS.format(
            lr=config.get("lr", "?"), beta1=config.get("beta1", "?"), beta2=config.get("beta2", "?"),
            batch=config.get("batch_size", "?"), z=arch.z_dim, steps=config.get("steps", "?"),
            eval_every=config.get("eval_every", "?"), g_width=config.get("g_width", "?"),
            d_width=config.get("d_width", "?"), tricks=_tricks(config)),
        paper_metrics=dict(PAPER_METRICS) if variant == "S2I-C" else
        {"s2i_accuracy": 0.1232 if variant == "S2I-N" else 0.1095,
         "s2i_accuracy_train": 0.1262 if variant == "S2I-N" else 0.1063},
        eval_dataset="gm-phrases+instruments-clipart",
        eval_split=str(config.get("final_split", "test")),
        sections={"Evaluation": _EVALUATION,
                  "Licence of the training data": (
                      "FluidR3_GM and MuseScore General: MIT; TimGM6mb: GPL-2; openclipart: public "
                      "domain; GCompris: GPL-3+ / CC-BY-SA; Tux Paint stamps: GPL-2+ / CC.")},
    )


def bundled_card(folder: Path) -> CardInfo:
    """The card of the bundled folder, rebuilt from its config.json (no run folder needed)."""
    from engine.train.runfile import train_command

    from .recipe import CmganRecipe

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    arch = CmganArchitecture.model_validate(config["architecture"])
    resolved = CmganRecipe.configure(BUNDLED_PRESET, BUNDLED_OVERRIDES).model_dump(mode="json")
    info = card_for(arch, resolved)
    info.training_command = train_command("cmgan", BUNDLED_PRESET, "runs/cmgan",
                                          {**BUNDLED_OVERRIDES, "progress": False})
    return info


def write_bundled_card() -> Path:
    """Render the bundled model's README.md again (weights and config stay untouched)."""
    from engine.fileio import atomic_write_text

    from . import WEIGHTS

    folder = WEIGHTS["cmgan"]
    readme = folder / "README.md"
    atomic_write_text(readme, render_folder_card(folder, bundled_card(folder), task=TASK))
    return readme

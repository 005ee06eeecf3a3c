"""What the exported model cards say: the paper, our stand-in data, deviations, paper numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.card import CardInfo, render_folder_card

from .data import SETTING_DATASETS
from .pipeline import AivaeArchitecture
from .voiceeval import card_section

__all__ = [
    "BUNDLED_PRESET",
    "PAPER_ACCURACY",
    "PAPER_LINK",
    "PAPER_TITLE",
    "TASK",
    "bundled_card",
    "card_for",
    "write_bundled_cards",
]

#: What every AIVAE model translates (the catalogue registers the same task).
TASK = "audio -> image"

#: The preset the bundled models were trained with (``xmodal train ... --preset``).
BUNDLED_PRESET = "cpu-small"

PAPER_TITLE = "Audio-to-Image Cross-Modal Generation (Żelaszczyk & Mańdziuk, 2021)"
PAPER_LINK = "https://arxiv.org/abs/2109.13354"

#: The paper's LeNet-5 accuracy on images generated from test audio, (variant, setting) -> value.
#: Only the numbers the project's design notes quote; the paper's other alphas are not repeated here.
PAPER_ACCURACY: dict[tuple[str, str], float] = {
    ("aivae", "many-to-one"): 0.942,
    ("aivae", "one-to-one"): 0.866,
    ("aivaegan", "many-to-one"): 0.943,  # alpha = 2
    ("aivaegan", "one-to-one"): 0.815,   # alpha = 2
}

_DATA = {
    "many-to-one": (
        "`mnist-fsdd` (data layer): each of the 8,000 train / 2,000 test MNIST images of the "
        "`mnist` split paired with a random same-digit FSDD clip from the official FSDD train / "
        "test takes (6 speakers). The paper paired MNIST's 60,000 training images; only MNIST's "
        "10,000 test images are available offline, so they are split 8,000 / 2,000."),
    "one-to-one": (
        "`mnist-digits-1to1` (data layer): every FSDD clip and every synthesised `tts-digits` "
        "clip paired with its own MNIST image. It stands in for the paper's Speech Commands "
        "digits (thousands of real speakers), which cannot be obtained here; the synthesised "
        "test speakers are unseen in training."),
    "unseen-speakers": (
        "`mnist-digits-1to1` restricted to FSDD clips for training and to the synthesised "
        "`tts-digits` test speakers for testing: every test voice is unheard. The paper did not "
        "run this experiment."),
    "voices-1to1": (
        "`mnist-digits-1to1` train pairs plus the English digit takes (takes 0-1) of the `voices` "
        "data set's train identities (mbrola, RHVoice and flite voices, each built from one real "
        "speaker, with prosody and recording jitter), each with its own unused MNIST train "
        "image and repeated 3 times. Held out of training entirely: every pico voice (the "
        "unheard engine), the `voices` test identities (unheard voices), the FSDD takes of "
        "`voices` and flite kal16 (both in today's test set). Test split: today's "
        "`mnist-digits-1to1` test set; `--set eval_setting=voices-heard|voices-unheard|"
        "voices-engine` tests the other three."),
}

#: Settings whose training data includes the ``voices`` data set, and the terms it carries.
_VOICES_LICENSE = (
    "Trained on the `voices` data set, whose terms it inherits: the mbrola databases are for "
    "NON-COMMERCIAL use only (and with MBROLA only); several RHVoice voices are "
    "CC-BY-NC-ND-4.0 / CC-BY-NC-SA-4.0 (non-commercial) or CC-BY-ND-4.0; the rest is LGPL-2.1+, "
    "CC-BY-SA-4.0, BSD-style (flite), CC BY-SA 4.0 (FSDD) and CC BY-SA 3.0 (MNIST). The weights "
    "are therefore for non-commercial use only. Per-voice licences: the `voices` manifest, "
    "meta['voices'][id]['license'].")

_DEVIATIONS = (
    "- Networks: DCGAN-style stride-2 4x4 conv encoder (48x48 mel -> 64-D Gaussian) and deconv "
    "decoder (-> 28x28), batch norm; the layer lists of the paper's Tables 1/2 are followed in "
    "spirit, not layer for layer.\n"
    "- Front end: 8 kHz mono, silence more than 60 dB under the loudest frame trimmed, at most 2 s, "
    "64-band power mel (32 ms / 8 ms) in dB over an 80 dB range, resized to 48x48 (the paper "
    "leaves these open).\n"
    "- Training mel pictures are augmented (small time/band warps, one time and one frequency "
    "mask), because six FSDD speakers are few.\n"
    "- Evaluation: LeNet-5 trained on the 8,000-image `mnist` train split, not MNIST's 60,000.\n"
    "- Inference decodes the posterior mean, so one clip always gives the same image.\n"
    "- The checkpoint is the one with the best LeNet accuracy on validation clips held out of "
    "the train split (10% of the clips).")


def card_for(arch: AivaeArchitecture, config: dict[str, Any]) -> CardInfo:
    """The card of a model trained with ``config`` (a recipe config dump)."""
    voices = arch.setting.startswith("voices")
    paper = PAPER_ACCURACY.get((arch.variant, "one-to-one" if voices else arch.setting))
    kind = "AIVAE" if arch.variant == "aivae" else f"AIVAEGAN (alpha = {config.get('alpha')})"
    deviations = _DEVIATIONS
    if arch.variant == "aivaegan":
        deviations += (
            "\n- AIVAEGAN loss: GAN + alpha * BCE + KL per image, BCE on pixels (not in "
            "discriminator feature space); the discriminator sees real images against "
            "reconstructions and decoded prior samples.")
    return CardInfo(
        summary=(f"{kind}: a spoken digit (any WAV) becomes a 28x28 handwritten digit. "
                 f"Trained on the {arch.setting} setting with the xmodal-aivae recipe."),
        license="other" if voices else "mit",  # non-commercial parts: see the licence section
        datasets=["mnist", "fsdd"] + (["tts-digits"] if arch.setting != "many-to-one" else [])
        + (["voices"] if voices else []),
        usage='digit = model.translate("seven.wav")  # a 28x28 Image; digit.save("seven.png")',
        tags=["audio-to-image", "vae", "spoken-digits", "mnist"],
        paper_title=PAPER_TITLE,
        paper_link=PAPER_LINK,
        stand_in_data=_DATA.get(arch.setting, _DATA["voices-1to1"]),
        deviations=deviations,
        paper_metrics={} if paper is None else {"lenet_accuracy": paper},
        eval_dataset=SETTING_DATASETS[arch.setting],
        eval_split=str(config.get("final_split", "")),
        sections={"Evaluation": (
            "`lenet_accuracy`: share of test clips whose generated image the bundled LeNet-5 "
            "(trained on real MNIST only) classifies as the spoken digit. "
            "`real_lenet_accuracy`: the same LeNet on the real MNIST images paired with those "
            "clips (its own ceiling). Reproduce with `xmodal eval <model> --json`."),
            **({"Licence of the training data": _VOICES_LICENSE} if voices else {})},
    )


def bundled_card(folder: Path) -> CardInfo:
    """The card of a bundled model folder, rebuilt from its config.json.

    Why: the card format changes more often than the models; this lets a bundled card be
    rendered again without the run folder that trained it. The bundled models were
    evaluated on the test split and trained with :data:`BUNDLED_PRESET`, the setting as
    the only other override."""
    from engine.train.runfile import train_command

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    arch = AivaeArchitecture.model_validate(config["architecture"])
    info = card_for(arch, {**config["architecture"], "final_split": "test"})
    overrides: dict[str, Any] = {} if arch.setting == "many-to-one" else {"setting": arch.setting}
    if arch.setting.startswith("voices"):
        overrides["name"] = config["name"]  # exported under the name it replaced
    section = card_section(folder)
    if section is not None:
        info.sections["Heard and unheard voices"] = section
    info.training_command = train_command(arch.variant, BUNDLED_PRESET, f"runs/{config['name']}",
                                          {**overrides, "progress": False})
    return info


def write_bundled_cards() -> list[Path]:
    """Render every bundled model's README.md again (weights and config stay untouched)."""
    from engine.fileio import atomic_write_text

    from . import WEIGHTS

    written = []
    for folder in WEIGHTS.values():
        readme = folder / "README.md"
        atomic_write_text(readme, render_folder_card(folder, bundled_card(folder), task=TASK))
        written.append(readme)
    return written

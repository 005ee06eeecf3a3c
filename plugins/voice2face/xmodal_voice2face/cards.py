"""What the model card says: the paper, the assigned pairing, deviations, the data's licence terms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.card import CardInfo, render_folder_card

from .pipeline import Voice2FaceArchitecture

__all__ = ["BUNDLED_PRESET", "PAPER_METRICS", "TASK", "bundled_card", "card_for",
           "write_bundled_card"]

TASK = "audio -> image"
BUNDLED_PRESET = "cpu-small"
#: Settings the bundled run changed from the preset (it was resumed for more steps).
BUNDLED_OVERRIDES: dict[str, Any] = {}
PAPER_TITLE = "Face Reconstruction from Voice using Generative Adversarial Networks " \
              "(Wen, Singh & Raj, NeurIPS 2019)"
PAPER_LINK = "https://arxiv.org/abs/1905.10604"

#: The paper's figures for our metrics (its Table 3 and text; VoxCeleb/VGGFace, 924-way ID).
PAPER_METRICS = {"id_top1": 0.617, "id_top5": 0.823, "gender_match": 0.9645,
                 "match_1v2_train": 0.9683, "match_1v2_train_stratified": 0.9398,
                 "match_1v2_test": 0.7607, "match_1v2_test_stratified": 0.5969}

PAIRING = (
    "**The voice-face pairing is assigned, not natural.** Each of Olivetti's 40 people was given "
    "one gender-matched voice identity of the `voices` data set, drawn with a fixed seed "
    "(`assignment.json`): nothing but gender links a voice to its face. So for known speakers "
    "the model learns the assignment, and for unseen speakers it can do better than chance "
    "only through gender: `match_1v2_test` above 50% measures gender, and "
    "`match_1v2_test_stratified` is expected near 50%. It does not reproduce the paper's "
    "76.07 / 59.69, which rest on real voice-face correlations (age, build, ethnicity).")

LICENCE = (
    "Trained on the `voices` data set, whose terms it inherits: the mbrola voice databases are "
    "for NON-COMMERCIAL use only (and only with MBROLA); several RHVoice voices are "
    "CC-BY-NC-ND-4.0 / CC-BY-NC-SA-4.0 (non-commercial) or CC-BY-ND-4.0; the rest LGPL-2.1+, "
    "CC-BY-SA-4.0, Apache-2.0 (pico) or BSD-style (flite). The Olivetti faces are free for "
    "research use (AT&T Laboratories Cambridge). The weights are therefore for non-commercial "
    "research use only. Per-voice licences: the `voices` manifest, meta['voices'][id]['license'].")

_DATA = (
    "Faces: the 40 Olivetti identities (36 men, 4 women: s8, s10, s32, s35), 10 grey 64x64 "
    "photos each, repeated to 3 channels, in [-1, 1]. Voices: one identity of the `voices` data "
    "set per face (synthesised speech of real speakers: mbrola, RHVoice, pico, flite), embedded "
    "as probes of a few seconds (a sentence, or one take of the ten digits joined) plus 40 "
    "random 3-8 s joins of each training identity's `known-train` clips. Identity split of our "
    "own, stratified by gender: 28 men + 2 women train, 8 men + 2 women test (never heard, "
    "never seen by the classifier). Known-speaker test: the training identities' `known-test` "
    "probes (held-out texts or takes at held-out prosody cells). Stands in for VoxCeleb + "
    "VGGFace (1,225 identities; Table 1 of the paper).")

_DEVIATIONS = (
    "- Voice encoder: pretrained Resemblyzer (GE2E, 256-D) by default instead of the paper's "
    "1-D CNN (64-D) trained on VoxCeleb; the paper's CNN is implemented and trained here on "
    "voices that are not test identities (`xmodal voice2face train-encoder`), but the bundled "
    "GAN reads Resemblyzer.\n"
    "- Networks: Table 2 with the official code's 4x4 stride-2 (de)convolutions (3x3 cannot give "
    "Table 2's shapes), no activation after the trunk's last conv, bias-free heads. The bundled "
    "model is narrower (generator width {g_width} instead of 64: {g_top} ... {g_width} channels; "
    "trunk width {d_width} instead of 32), draws {channels}-channel faces (Olivetti is grey; the "
    "paper RGB), and its generator has DCGAN's batch norm and output tanh ({dcgan}); without "
    "them, on 300 training faces, the generator fooled F_c with checkerboard patterns instead "
    "of drawing faces (id_top1 0.61 but dlib matching at chance after 800 steps). {resize}\n"
    "- Training: Algorithm 1's three separate updates (D; C on real faces; G), Adam 2e-4 "
    "(0.5, 0.999); batch {batch} and {steps} steps (paper: 128 and 100K; official code 50K); as "
    "in the official code, 0.05 N(0,1) noise on the unit voice embedding and mirrored real faces. "
    "{balance}{spare}{augment}{ema}\n"
    "- Data: 30 training identities and 1,428 voice probes instead of 924 identities and "
    "113K segments; the identity task is 30-way (chance 3.3% / 16.7%), not 924-way.\n"
    "- Gender: judged by the gender of the nearest real identity in dlib's face embedding "
    "(not a trained gender classifier), balanced accuracy.\n"
    "- Matching: the probe is the generated face's dlib embedding (the paper does not name its "
    "face embedding); trials are every probe x imposter identity x 10 x 10 photo pairs.\n"
    "- The last step is exported (no checkpoint selection on any test figure).")

_EVALUATION = (
    "`id_top1` / `id_top5`: known speakers' held-out utterances; the generated face classified "
    "by the GAN's own F_c (kept in the checkpoint for this); `*_independent`: by a classifier of "
    "the same trunk trained on real photos only (weights/faceid). `gender_match`: unseen "
    "speakers, balanced accuracy of the nearest real identity's gender; `gender_match_real`: the "
    "same judge on real photos. `match_1v2_*`: is the generated face's dlib embedding closer to "
    "a photo of the assigned face than to one of an imposter (stratified: same-gender "
    "imposters)? `*_trials`: counts. Reproduce: `xmodal eval voice2face --json`.")


def card_for(arch: Voice2FaceArchitecture, config: dict[str, Any]) -> CardInfo:
    """The card of a model trained with ``config`` (a recipe config dump)."""
    return CardInfo(
        summary=("voice2face: speech (any WAV) becomes a 64x64 face. A GAN whose generator reads "
                 f"a frozen {arch.encoder} speaker embedding, trained against a discriminator "
                 "and an identity classifier sharing one trunk. The voice-face pairing it learned "
                 "is assigned, not natural (see below)."),
        license="other",
        datasets=["olivetti", "voices"],
        usage='face = model.translate("speech.wav")  # a 64x64 Image; face.save("face.png")',
        tags=["audio-to-image", "gan", "voice", "faces", "non-commercial"],
        paper_title=PAPER_TITLE,
        paper_link=PAPER_LINK,
        stand_in_data=_DATA,
        deviations=_DEVIATIONS.format(
            g_width=arch.g_width, g_top=16 * arch.g_width, d_width=arch.d_width,
            channels=arch.channels, dcgan="as here" if arch.dcgan else "not in this model",
            batch=config.get("batch_size", "?"), steps=config.get("steps", "?"),
            resize=("Each stride-2 deconvolution is a nearest-neighbour x2 upsampling and a 3x3 "
                    "convolution here (ours: against the deconvolutions' checkerboard)."
                    if arch.resize else ""),
            balance=("Ours: every batch's voices and real faces are half women's (the stream "
                     "repeats the 2 women's probes and faces), since a uniform draw shows a woman "
                     "once in 15." if config.get("balance_gender") else ""),
            spare=(f" Ours: each step also draws {config.get('spare_voices')} voices of the "
                   "`voices` identities assigned to no face (41 women, 29 men; never a test "
                   "identity) and asks F_c to put the face generated from each among the "
                   "training identities of the speaker's gender: the paper learns gender from "
                   "924 identities, we have 2 women among 30." if config.get("spare_voices")
                   else ""),
            augment=(" Ours: every face the critic sees, real or fake, gets a random colour "
                     "change, shift and cutout (differentiable augmentation, Zhao et al. 2020), "
                     "so F_d cannot win by memorising the 300 training photos."
                     if config.get("diff_augment") else ""),
            ema=(f" Ours: the exported generator is the moving average of F_g's weights "
                 f"(decay {config.get('ema')}, batch-norm statistics copied from F_g), as "
                 "ProGAN and StyleGAN export theirs." if config.get("ema") else "")),
        paper_metrics=dict(PAPER_METRICS),
        eval_dataset="voices+olivetti",
        eval_split=str(config.get("final_split", "test")),
        sections={"The pairing is assigned": PAIRING, "Evaluation": _EVALUATION,
                  "Licence of the training data": LICENCE},
    )


def bundled_card(folder: Path) -> CardInfo:
    """The card of the bundled folder, rebuilt from its config.json (no run folder needed)."""
    from engine.train.runfile import train_command

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    arch = Voice2FaceArchitecture.model_validate(config["architecture"])
    from .recipe import Voice2FaceRecipe

    preset = {**Voice2FaceRecipe.presets[BUNDLED_PRESET], **BUNDLED_OVERRIDES}
    info = card_for(arch, {"final_split": "test", **preset})
    info.training_command = train_command("voice2face", BUNDLED_PRESET, "runs/voice2face",
                                          {**BUNDLED_OVERRIDES, "progress": False})
    return info


def write_bundled_card() -> Path:
    """Render the bundled model's README.md again (weights and config stay untouched)."""
    from engine.fileio import atomic_write_text

    from . import WEIGHTS

    folder = WEIGHTS["voice2face"]
    readme = folder / "README.md"
    atomic_write_text(readme, render_folder_card(folder, bundled_card(folder), task=TASK))
    return readme

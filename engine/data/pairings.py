"""Audio -> image pairings of spoken digits with MNIST digits (the aivae data sets).

``mnist-fsdd`` is many-to-one: every MNIST image gets a random spoken clip of
its digit, so clips repeat. ``mnist-digits-1to1`` is one-to-one: every spoken
clip (FSDD and the synthesised speakers) gets its own MNIST image, never
shared. In both, train items only draw from the train splits of their sources
and test items from the test splits, so no test clip or image is ever seen in
training. Pairs copy the image and the clip, so the dataset stands alone.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..errors import DataError
from .audio import resample_int16
from .builder import BuildContext, DatasetBuilder
from .cards import DatasetCard
from .dataset import Dataset, Ragged

__all__ = ["MnistDigits1to1Builder", "MnistFsddBuilder"]

_SPLITS = ("train", "test")


def _by_digit(labels: np.ndarray, indices: np.ndarray) -> dict[int, np.ndarray]:
    return {d: indices[labels[indices] == d] for d in range(10)}


def _write_pairs(ctx: BuildContext, mnist: Dataset, image_idx: np.ndarray, clips: list[np.ndarray],
                 digits: np.ndarray, split_sizes: dict[str, int]) -> None:
    ctx.add_array("image", np.asarray(mnist["image"])[image_idx], kind="image")
    ctx.add_ragged("audio", clips, kind="audio", dtype=np.int16)
    ctx.add_array("digit", digits.astype(np.int64), kind="label")
    ctx.add_array("mnist_index", image_idx.astype(np.int64), kind="value")
    ctx.set_classes("digit", [str(d) for d in range(10)], target=True)
    start = 0
    for split, n in split_sizes.items():
        ctx.add_split(split, np.arange(start, start + n))
        start += n


class MnistFsddBuilder(DatasetBuilder):
    name = "mnist-fsdd"
    version = "1.0.0"
    card = DatasetCard(
        title="mnist-fsdd: MNIST images paired with FSDD clips (many-to-one)",
        summary="Every image of `mnist` paired with a random same-digit clip of `fsdd` "
                "(8 kHz int16); 10,000 pairs, clips repeat.",
        source="derived from the `mnist` and `fsdd` datasets (their fingerprints are in the "
               "manifest).",
        license="CC BY-SA 4.0 (FSDD) and CC BY-SA 3.0 (MNIST)",
        splits="train: the 8,000 mnist train images with fsdd train clips (takes 5-49); test: "
               "the 2,000 mnist test images with fsdd test clips (takes 0-4), drawn separately.",
        differences="Built like the aivae paper's many-to-one set (MNIST with FSDD), but from "
                    "the 10,000 MNIST test images only (split 8,000 / 2,000), the only MNIST "
                    "images available here.",
    )

    def build(self, ctx: BuildContext) -> None:
        mnist, fsdd = ctx.require("mnist"), ctx.require("fsdd")
        m_labels, f_labels = np.asarray(mnist["label"]), np.asarray(fsdd["digit"])
        audio = fsdd["audio"]
        speakers = np.asarray(fsdd["speaker"])
        assert isinstance(audio, Ragged)
        image_idx, clip_idx = [], []
        for split in _SPLITS:
            images = mnist.split(split).indices
            pool = _by_digit(f_labels, fsdd.split(split).indices)
            rng = ctx.rng("pairs", split)
            for i in images:
                image_idx.append(int(i))
                clip_idx.append(int(rng.choice(pool[int(m_labels[i])])))
        image_arr, clip_arr = np.array(image_idx), np.array(clip_idx)
        clips = [audio[int(j)] for j in ctx.progress(clip_arr, desc="pair", unit="pair")]
        _write_pairs(ctx, mnist, image_arr, clips, m_labels[image_arr],
                     {s: len(mnist.split(s)) for s in _SPLITS})
        ctx.add_array("fsdd_index", clip_arr.astype(np.int64), kind="value")
        ctx.add_array("speaker", speakers[clip_arr], kind="label")
        ctx.set_classes("speaker", fsdd.classes["speaker"])
        ctx.meta["sample_rate"] = fsdd.meta["sample_rate"]


class MnistDigits1to1Builder(DatasetBuilder):
    name = "mnist-digits-1to1"
    version = "1.0.0"
    defaults: ClassVar[dict[str, Any]] = {"tiny": False}
    card = DatasetCard(
        title="mnist-digits-1to1: spoken digits paired one-to-one with MNIST images",
        summary="Every clip of `fsdd` and `tts-digits` (resampled to 8 kHz) paired with its "
                "own same-digit MNIST image; no image is used twice.",
        source="derived from `mnist`, `fsdd` and `tts-digits` (fingerprints in the manifest).",
        license="CC BY-SA 4.0 (FSDD), CC BY-SA 3.0 (MNIST); synthesised speech is "
                "unrestricted",
        splits="train / test follow the clips' own splits (FSDD official split, tts-digits by "
               "speaker); train clips get mnist train images, test clips mnist test images.",
        differences="Stands in for the aivae paper's one-to-one Speech Commands digits set: "
                    "6 real plus synthesised speakers instead of thousands of real ones.",
    )

    def build(self, ctx: BuildContext) -> None:
        mnist, fsdd = ctx.require("mnist"), ctx.require("fsdd")
        tts = ctx.require("tts-digits", tiny=self.params["tiny"])
        rate = int(fsdd.meta["sample_rate"])
        m_labels = np.asarray(mnist["label"])
        speakers = [f"fsdd:{s}" for s in fsdd.classes["speaker"]] + [
            f"tts:{s}" for s in tts.classes["speaker"]]
        offset = len(fsdd.classes["speaker"])
        image_idx: list[int] = []
        clips: list[np.ndarray] = []
        digits: list[int] = []
        speaker: list[int] = []
        origin: list[int] = []
        sizes: dict[str, int] = {}
        for split in _SPLITS:
            images = _by_digit(m_labels, mnist.split(split).indices)
            used = dict.fromkeys(range(10), 0)
            rng = ctx.rng("pairs", split)
            images = {d: rng.permutation(ix) for d, ix in images.items()}
            before = len(clips)
            for k, source in enumerate((fsdd, tts)):
                part = source.split(split)
                part_digits = np.asarray(part["digit"])
                part_speakers = np.asarray(part["speaker"])
                part_audio = part["audio"]
                src_rate = int(source.meta["sample_rate"])
                for i in ctx.progress(range(len(part)), desc=f"{split} {source.name}",
                                      unit="clip"):
                    d = int(part_digits[i])
                    if used[d] >= len(images[d]):
                        raise DataError(f"{self.name}: not enough mnist {split} images of "
                                        f"digit {d} for a one-to-one pairing")
                    image_idx.append(int(images[d][used[d]]))
                    used[d] += 1
                    clip = np.asarray(part_audio[i])
                    if src_rate != rate:
                        clip = resample_int16(clip, src_rate, rate)
                    clips.append(clip)
                    digits.append(d)
                    speaker.append(int(part_speakers[i]) + (offset if k else 0))
                    origin.append(k)
            sizes[split] = len(clips) - before
        image_arr = np.array(image_idx, dtype=np.int64)
        _write_pairs(ctx, mnist, image_arr, clips, np.array(digits), sizes)
        ctx.add_array("speaker", np.array(speaker, dtype=np.int64), kind="label")
        ctx.set_classes("speaker", speakers)
        ctx.add_array("origin", np.array(origin, dtype=np.int64), kind="label")
        ctx.set_classes("origin", ["fsdd", "tts-digits"])
        ctx.meta["sample_rate"] = rate


"""``voices``: about 115 real, distinct voices (mbrola, RHVoice, pico, flite, FSDD), 16 kHz.

voice2face needs one voice per face plus many more to train a speaker encoder,
and aivae's one-to-one model must read digits from voices it never heard; FSDD's
six men and a few flite voices are not enough for either. The recorded voices
Debian ships (diphone and HMM voices built from one real speaker each) are.

Identities are people, not voice files: a mbrola database and its English
variant, or CMU's slt in flite and in RHVoice, are one identity (see
:mod:`engine.data.voices_table`). Every voice reads the ten digits three times
and six sentences (English voices English sentences; the others, numbers that
their engine reads in their own language), each take with its own prosody cell
and recording jitter (:mod:`engine.data.voices_synth`). A package's gender
label is checked against the measured F0 of a neutral take and overruled when
the two clearly disagree.

Splits: ``train``/``test`` by identity (unseen speakers), stratified by gender
and engine; ``known-train``/``known-test`` by utterance over every identity
(held-out texts *and* held-out prosody cells, for known-speaker work).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..errors import DataError
from .audio import resample_int16, to_int16
from .builder import BuildContext, DatasetBuilder
from .cards import DatasetCard
from .splits import group_split
from .tts import DIGIT_WORDS
from .voices_synth import (
    PROSODY_GRID,
    RATES,
    SAMPLE_RATE,
    Jitter,
    apply_jitter,
    draw_jitter,
    median_f0,
    speak,
)
from .voices_table import Voice, discover_voices

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["SENTENCES", "TINY_VOICES", "VoicesBuilder", "check_gender", "utterance_plan"]

SENTENCES_EN = (
    "Please call me back before the meeting starts.",
    "The last train to the north leaves at half past nine.",
    "She kept all the old letters in a wooden box.",
    "We walked along the river until the rain stopped.",
    "Turn left at the bakery and the school is on your right.",
    "A cup of warm tea helps on a cold and windy morning.",
)
#: Non-English voices read numbers: every engine expands them in the voice's own language.
SENTENCES_NUMBERS = ("12, 47, 305.", "2019.", "8 6 4 2 0.", "71, 93, 58.", "150, 28, 6.",
                     "3 14 159 26.")
SENTENCES = {"en": SENTENCES_EN, "other": SENTENCES_NUMBERS}
DIGIT_TAKES = 3
HELD_OUT_TAKE = 2  # digit take of the known-speaker test
HELD_OUT_SENTENCES = (4, 5)
NEUTRAL_SENTENCE = 0  # said at the default prosody without jitter: the F0 reference
#: The tiny variant: two voices of two engines, one of them a same-person pair.
TINY_VOICES = ("flite/awb", "flite/slt", "mbrola/mb-de1", "mbrola/mb-de1-en")
FSDD_TAKES = 10  # takes 0-9 of every digit; 0-4 (FSDD's own test) are the known-speaker test
ENGINES = ("mbrola", "rhvoice", "pico", "flite", "fsdd")


def _cell(rng: np.random.Generator, held_out: bool) -> int:
    """A prosody cell: training takes use cells with (i + j) even, held-out takes odd ones."""
    n = len(RATES)
    cells = [k for k in range(len(PROSODY_GRID)) if (k // n + k % n) % 2 == int(held_out)]
    return int(rng.choice(cells))


def utterance_plan(voice: Voice, tiny: bool = False) -> list[tuple[str, int, int, int]]:
    """(text, digit or -1, text index, take) for every take a synthetic voice says."""
    english = voice.language == "en"
    plan = []
    for take in range(1 if tiny else DIGIT_TAKES):
        for d in range(10):
            plan.append((DIGIT_WORDS[d] if english else str(d), d, d, take))
    sentences = SENTENCES["en" if english else "other"]
    for k in (0, 4) if tiny else range(len(sentences)):
        plan.append((sentences[k], -1, 10 + k, 0))
    return plan


def check_gender(label: str, f0: float) -> tuple[str, str]:
    """(gender, how it was decided): the package's label unless F0 clearly contradicts it.

    Male speech sits around 85-155 Hz and female around 165-255 Hz; only a
    label on the wrong side by a clear margin (a "male" voice above 180 Hz, a
    "female" one below 135 Hz) is overruled.
    """
    if np.isfinite(f0) and label == "male" and f0 > 180:
        return "female", "f0"
    if np.isfinite(f0) and label == "female" and f0 < 135:
        return "male", "f0"
    if label not in ("male", "female"):
        return ("female" if f0 >= 160 else "male"), "f0"
    return label, "package"


def _versions() -> dict[str, str]:
    out = {}
    for tool, flag in (("espeak-ng", "--version"), ("flite", "--version"),
                       ("RHVoice-test", "--version"), ("pico2wave", "--help")):
        if shutil.which(tool):
            proc = subprocess.run([tool, flag], capture_output=True, text=True, check=False)
            text = (proc.stdout or proc.stderr).strip()
            out[tool] = text.splitlines()[0] if text else "installed"
    return out


class VoicesBuilder(DatasetBuilder):
    name = "voices"
    version = "1.0.0"
    runtime_params = frozenset({"workers"})
    defaults: ClassVar[dict[str, Any]] = {"tiny": False, "fsdd": True, "workers": 2}
    card = DatasetCard(
        title="voices: about 115 real, distinct voices (speaker identities), 16 kHz",
        summary="Every recorded voice Debian ships (mbrola diphone voices through espeak-ng, "
                "RHVoice, svox pico, flite) plus FSDD's 6 speakers, merged into identities "
                "(one per human: a mbrola voice and its -en variant, flite slt and RHVoice "
                "slt, flite awb and RHVoice alan are one each). Each voice says the ten "
                "digits 3 times and 6 sentences (numbers in its own language for non-English "
                "voices); every take has a prosody cell (rate x pitch) and recording jitter "
                "(gain, noise 15-40 dB SNR, a synthetic room on half the takes). Gender is the "
                "package's label, overruled by the measured F0 where they clearly disagree. "
                "Mono 16 kHz int16, silence-trimmed.",
        source="synthesised at build time with Debian espeak-ng + mbrola and its voices "
               "(contrib/non-free), RHVoice (non-free), libttspico-utils (non-free) and flite; "
               "FSDD takes 0-9 from the `fsdd` data set, resampled to 16 kHz. Tool versions in "
               "the manifest; scripts/setup.sh enables the sections and installs the voices.",
        license="MIXED, per voice in meta['voices'][id]['license']: mbrola databases are for "
                "NON-COMMERCIAL use only, with MBROLA only; 17 RHVoice voices are CC-BY-NC-ND-4.0 "
                "/ CC-BY-NC-SA-4.0 (non-commercial) or CC-BY-ND-4.0, talgat has its own licence, "
                "the rest LGPL-2.1+ or CC-BY-SA-4.0; pico Apache-2.0; flite BSD-style; FSDD "
                "CC BY-SA 4.0. The data set as a whole is therefore non-commercial, and any "
                "model trained on it inherits these terms.",
        splits="`train`/`test`: by identity, 80/20 stratified by gender and engine (test "
               "speakers are never heard in training); `known-train`/`known-test`: by utterance "
               "over every identity, the test holding out digit take 2, sentences 4-5 and half "
               "the prosody cells (FSDD: its own test takes 0-4).",
        differences="Stands in for VoxCeleb1 (1,251 celebrities, in-the-wild speech): about 115 "
                    "people, read speech from synthesisers built on their recordings; a "
                    "synthesiser is far more self-consistent than a person, hence the prosody "
                    "and recording jitter.",
        notes=["Speaker distinctness: `python -m engine.data.voices_report` (nearest-centroid "
               "identification over all identities with the pretrained Resemblyzer encoder, "
               "each identity enrolled on its known-train probes and tested on its known-test "
               "probes, a probe being a sentence or one take of the ten digit words joined: "
               "95.8% on build 1.0.0, 402 probes; single clips, mostly 0.4 s digit words, "
               "only 60.8%); see the figure in docs/datasets.md."],
    )

    def _voices(self, ctx: BuildContext) -> tuple[list[Voice], Dataset | None]:
        fsdd = None
        speakers: list[str] = []
        if self.params["fsdd"] and not self.params["tiny"]:
            fsdd = ctx.require("fsdd")
            speakers = list(fsdd.classes["speaker"])
        voices = discover_voices(speakers)
        if self.params["tiny"]:
            voices = [v for v in voices if v.id in TINY_VOICES]
        if not voices:
            raise DataError("no voices are installed: run scripts/setup.sh (it installs mbrola, "
                            "RHVoice and pico from scripts/voice-packages.txt)")
        return voices, fsdd

    def build(self, ctx: BuildContext) -> None:
        ctx.meta["tools"] = _versions()
        tiny = bool(self.params["tiny"])
        voices, fsdd = self._voices(ctx)
        # (voice, text, digit, text id, take, prosody cell, neutral reference take)
        jobs: list[tuple[int, str, int, int, int, int, bool]] = []
        for v, voice in enumerate(voices):
            if voice.engine == "fsdd":
                continue
            rng = ctx.rng("prosody", voice.id)
            for text, digit, text_id, take in utterance_plan(voice, tiny):
                held = take == HELD_OUT_TAKE if digit >= 0 else text_id - 10 in HELD_OUT_SENTENCES
                neutral = digit < 0 and text_id - 10 == NEUTRAL_SENTENCE
                cell = 12 if neutral else _cell(rng, held)
                jobs.append((v, text, digit, text_id, take, cell, neutral))
        with tempfile.TemporaryDirectory(prefix="xmodal-voices-") as tmp, ThreadPoolExecutor(
                max(1, int(self.params["workers"]))) as pool:
            futures = [pool.submit(self._take, voices[j[0]], j, Path(tmp), ctx) for j in jobs]
            results = list(ctx.progress((f.result() for f in futures), total=len(futures),
                                        desc="synthesise", unit="clip"))
        rows = [(j, r) for j, r in zip(jobs, results, strict=True)]
        rows += self._fsdd_rows(voices, fsdd, ctx)
        self._write(ctx, voices, rows)

    def _take(self, voice: Voice, job: tuple[int, str, int, int, int, int, bool], workdir: Path,
              ctx: BuildContext) -> tuple[np.ndarray | None, Jitter, float]:
        _, text, _, text_id, take, cell, neutral = job
        rate, pitch = PROSODY_GRID[cell]
        try:
            clip = speak(voice, text, rate, pitch, workdir)
        except DataError:
            return None, Jitter(0.0, 99.0, 0.0), float("nan")
        if len(clip) < SAMPLE_RATE // 10 or float(np.max(np.abs(clip), initial=0)) < 1e-3:
            return None, Jitter(0.0, 99.0, 0.0), float("nan")
        if neutral:
            return clip, Jitter(0.0, 99.0, 0.0), median_f0(clip)
        rng = ctx.rng("jitter", voice.id, text_id, take)
        jitter = draw_jitter(rng)
        return apply_jitter(clip, jitter, rng), jitter, float("nan")

    def _fsdd_rows(self, voices: list[Voice], fsdd: Dataset | None,
                   ctx: BuildContext) -> list[tuple[Any, Any]]:
        if fsdd is None:
            return []
        rows: list[tuple[Any, Any]] = []
        speaker, digit, take = (np.asarray(fsdd[f]) for f in ("speaker", "digit", "take"))
        rate = int(fsdd.meta["sample_rate"])
        index = {v.voice: k for k, v in enumerate(voices) if v.engine == "fsdd"}
        for i in np.flatnonzero(take < FSDD_TAKES).tolist():
            name = fsdd.classes["speaker"][int(speaker[i])]
            clip = resample_int16(np.asarray(fsdd["audio"][i]), rate, SAMPLE_RATE)
            wave = clip.astype(np.float32) / 32768.0
            d, t = int(digit[i]), int(take[i])
            rng = ctx.rng("jitter", f"fsdd/{name}", d, t)
            jitter = draw_jitter(rng) if t > 0 else Jitter(0.0, 99.0, 0.0)
            f0 = median_f0(wave) if t == 0 else float("nan")
            out = apply_jitter(wave, jitter, rng) if t > 0 else wave
            rows.append(((index[name], DIGIT_WORDS[d], d, d, t, 12, t == 0), (out, jitter, f0)))
        return rows

    def _write(self, ctx: BuildContext, voices: list[Voice], rows: list[tuple[Any, Any]]) -> None:
        failed = sorted({voices[j[0]].id for j, (clip, _, _) in rows if clip is None})
        rows = [(j, r) for j, r in rows if voices[j[0]].id not in failed]
        kept = sorted({j[0] for j, _ in rows})
        voices = [voices[k] for k in kept]
        remap = {old: new for new, old in enumerate(kept)}
        f0s: dict[str, list[float]] = {}
        for j, (_, _, f0) in rows:
            if np.isfinite(f0):
                f0s.setdefault(voices[remap[j[0]]].id, []).append(f0)
        identities = sorted({v.identity for v in voices})
        voice_meta: dict[str, dict[str, Any]] = {}
        for v in voices:
            f0 = float(np.median(f0s[v.id])) if v.id in f0s else float("nan")
            gender, how = check_gender(v.gender, f0)
            voice_meta[v.id] = {**asdict(v), "gender_label": v.gender, "gender": gender,
                                "gender_from": how, "f0": round(f0, 1) if np.isfinite(f0) else None}
        id_gender = {}
        for ident in identities:
            votes = Counter(m["gender"] for m in voice_meta.values() if m["identity"] == ident)
            id_gender[ident] = votes.most_common(1)[0][0]
        v_of = np.array([remap[j[0]] for j, _ in rows], dtype=np.int64)
        ident_of = np.array([identities.index(voices[k].identity) for k in v_of], dtype=np.int64)
        genders = ["female", "male"]
        engines = [e for e in ENGINES if any(v.engine == e for v in voices)]
        languages = sorted({v.language for v in voices})
        ctx.add_ragged("audio", [to_int16(r[0]) for _, r in rows], kind="audio", dtype=np.int16)
        ctx.add_array("identity", ident_of, kind="label")
        ctx.add_array("voice", v_of, kind="label")
        ctx.add_array("engine", np.array([engines.index(voices[k].engine) for k in v_of]),
                      kind="label")
        ctx.add_array("gender", np.array([genders.index(id_gender[identities[i]])
                                          for i in ident_of]), kind="label")
        ctx.add_array("language", np.array([languages.index(voices[k].language) for k in v_of]),
                      kind="label")
        ctx.add_array("digit", np.array([j[2] for j, _ in rows], dtype=np.int64), kind="value")
        ctx.add_array("text", np.array([j[3] for j, _ in rows], dtype=np.int64), kind="value")
        ctx.add_array("take", np.array([j[4] for j, _ in rows], dtype=np.int64), kind="value")
        cells = np.array([j[5] for j, _ in rows], dtype=np.int64)
        ctx.add_array("rate", np.array([PROSODY_GRID[c][0] for c in cells], np.float32))
        ctx.add_array("pitch", np.array([PROSODY_GRID[c][1] for c in cells], np.float32))
        for field in ("gain_db", "snr_db", "rt60"):
            ctx.add_array(field, np.array([getattr(r[1], field) for _, r in rows], np.float32))
        for field, names in (("identity", identities), ("voice", [v.id for v in voices]),
                             ("engine", engines), ("gender", genders), ("language", languages)):
            ctx.set_classes(field, names, target=field == "identity")
        self._splits(ctx, rows, voices, v_of, ident_of, identities, id_gender)
        counts = Counter(identities[i] for i in ident_of.tolist())
        per = sorted(counts.values())
        female = sum(g == "female" for g in id_gender.values())
        ctx.meta.update(
            sample_rate=SAMPLE_RATE, identities=len(identities), voice_count=len(voices),
            female_identities=female, male_identities=len(identities) - female,
            utterances_per_identity=f"min {per[0]}, median {per[len(per) // 2]}, max {per[-1]}",
            identity_utterances=dict(sorted(counts.items())), dropped_voices=failed,
            voices=voice_meta, identity_gender=id_gender,
            licenses=dict(sorted(Counter(m["license"] for m in voice_meta.values()).items())),
            sentences=SENTENCES, prosody_grid=PROSODY_GRID)

    def _splits(self, ctx: BuildContext, rows: list[tuple[Any, Any]], voices: list[Voice],
                v_of: np.ndarray, ident_of: np.ndarray, identities: list[str],
                id_gender: dict[str, str]) -> None:
        # Stratum = gender x engine of the identity's first voice; strata too small to be
        # split fall back to their gender alone.
        first: dict[str, str] = {}
        for v in voices:
            first.setdefault(v.identity, v.engine)
        keys = {i: (id_gender[n], first[n]) for i, n in enumerate(identities)}
        sizes = Counter(keys.values())
        keys = {i: key if sizes[key] >= 2 else (key[0], "") for i, key in keys.items()}
        names = sorted(set(keys.values()))
        strata = {i: names.index(key) for i, key in keys.items()}
        for split, idx in group_split(ident_of, {"train": 0.8, "test": 0.2}, ctx.rng("split"),
                                      strata=strata).items():
            ctx.add_split(split, idx)
        held = np.array([(j[4] < 5 if voices[int(k)].engine == "fsdd" else
                          (j[4] == HELD_OUT_TAKE if j[2] >= 0 else
                           j[3] - 10 in HELD_OUT_SENTENCES))
                         for (j, _), k in zip(rows, v_of, strict=True)], dtype=bool)
        ctx.add_split("known-train", np.flatnonzero(~held))
        ctx.add_split("known-test", np.flatnonzero(held))

    def preview(self, dataset: Dataset, path: Path) -> None:
        from .voices_report import embedding_map

        embedding_map(dataset, path)

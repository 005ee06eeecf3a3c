"""How distinct the ``voices`` identities are: speaker ID with a pretrained encoder, and a map.

A speaker set is only useful if its speakers can be told apart by a model
that never saw them. This measures that with Resemblyzer's pretrained GE2E
encoder (a dev dependency) on probes of a few seconds (:func:`probes`: a
sentence, or the ten digit words of one take joined): every identity is
enrolled as the centroid of its ``known-train`` probes, and every
``known-test`` probe (held-out texts or takes, held-out prosody cells,
jittered as built) is assigned to the nearest centroid by cosine similarity.

Why probes and not single clips: most clips are one digit word of about
0.4 s, and on those the encoder is unreliable (:func:`identify_single`, one
clip per test, is far lower, and even its sentences fare badly, because a
centroid of mostly single words is a poor model of a voice). Enrolled and
tested on seconds of the same jittered speech, identities separate well:
the numbers are in docs/datasets.md.

    python -m engine.data.voices_report [--out out/voices-report] [--record]

writes ``report.json`` and ``distinctness.png`` under ``--out``; ``--record``
also copies the figure to ``docs/images/datasets/voices-distinctness.png``.
The preview picture of the data set (:func:`embedding_map`) uses the same
embeddings, falling back to log-mel statistics where Resemblyzer is missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["embed_items", "embedding_map", "encoder", "identify", "identify_single", "main", "probes"]

DOC_FIGURE = Path("docs/images/datasets/voices-distinctness.png")
ENROL_PER_IDENTITY = 16


def encoder() -> tuple[Callable[[np.ndarray], np.ndarray], str]:
    """An utterance -> unit-norm embedding function, and its name."""
    try:
        with warnings.catch_warnings():
            # webrtcvad imports pkg_resources, which warns about its own deprecation.
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", DeprecationWarning)  # its scipy import path
            from resemblyzer import VoiceEncoder, preprocess_wav
    except ImportError:
        return _melstats, "log-mel statistics (Resemblyzer not installed)"
    import torch

    torch.set_num_threads(1)
    enc = VoiceEncoder("cpu", verbose=False)

    def embed(clip: np.ndarray) -> np.ndarray:
        wav = preprocess_wav(clip, source_sr=16000)
        return np.asarray(enc.embed_utterance(wav if len(wav) > 1600 else clip))

    return embed, "Resemblyzer (pretrained GE2E)"


def _melstats(clip: np.ndarray) -> np.ndarray:
    import librosa

    mel = np.log(librosa.feature.melspectrogram(y=clip, sr=16000, n_mels=40) + 1e-6)
    v = np.concatenate([mel.mean(1), mel.std(1)])
    v = v - v.mean()
    out: np.ndarray = v / (np.linalg.norm(v) + 1e-9)
    return out


def embed_items(dataset: Dataset, items: np.ndarray, progress: bool = True) -> tuple[np.ndarray, str]:
    """Embeddings [len(items), D] of the dataset's clips at ``items``."""
    from tqdm.auto import tqdm

    embed, name = encoder()
    audio = dataset["audio"]
    out = [embed(np.asarray(audio[int(i)], dtype=np.float32) / 32768.0)
           for i in tqdm(items.tolist(), desc="voices: embed", unit="clip", disable=not progress)]
    return np.stack(out), name


def _enrolment(dataset: Dataset, split: str, per_identity: int | None) -> np.ndarray:
    idx = np.asarray(dataset.split(split).indices)
    if per_identity is None:
        return idx
    ident = np.asarray(dataset["identity"])[idx]
    rng = np.random.default_rng(0)
    keep = [rng.permutation(idx[ident == k])[:per_identity] for k in np.unique(ident)]
    return np.sort(np.concatenate(keep))


def probes(dataset: Dataset, split: str) -> list[tuple[str, np.ndarray]]:
    """(kind, item indices) of every probe in ``split``: a sentence, or one take of the ten digits.

    A probe is a few seconds of one voice: each sentence alone (about 2.4 s),
    or the ten digit words of one take of one voice joined in digit order
    (about 4 s). Single digits (0.4 s) are too short for a speaker encoder to
    place reliably, and a person is identified from seconds of speech too.
    """
    idx = np.asarray(dataset.split(split).indices)
    digit = np.asarray(dataset["digit"])[idx]
    voice = np.asarray(dataset["voice"])[idx]
    take = np.asarray(dataset["take"])[idx]
    out = [("sentence", np.array([i])) for i in idx[digit < 0].tolist()]
    groups: dict[tuple[int, int], list[int]] = {}
    for i, v, t, d in zip(idx.tolist(), voice.tolist(), take.tolist(), digit.tolist(), strict=True):
        if d >= 0:
            groups.setdefault((v, t), []).append(i)
    out += [("digits", np.array(sorted(g, key=lambda i: int(dataset["digit"][i]))))
            for _, g in sorted(groups.items())]
    return out


def _embed_probes(dataset: Dataset, groups: list[tuple[str, np.ndarray]],
                  progress: bool) -> tuple[np.ndarray, np.ndarray, str]:
    """Unit embeddings of joined probes (0.1 s of silence between clips) and their seconds."""
    from tqdm.auto import tqdm

    embed, name = encoder()
    audio = dataset["audio"]
    gap = np.zeros(1600, dtype=np.float32)
    out, seconds = [], []
    for _, items in tqdm(groups, desc="voices: embed probes", unit="probe", disable=not progress):
        parts = [np.asarray(audio[int(i)], dtype=np.float32) / 32768.0 for i in items]
        clip = np.concatenate([x for p in parts for x in (p, gap)][:-1])
        seconds.append(len(clip) / 16000)
        v = embed(clip)
        out.append(v / np.linalg.norm(v))
    return np.stack(out), np.array(seconds), name


def identify(dataset: Dataset, progress: bool = True) -> dict[str, Any]:
    """Nearest-centroid identification of every ``known-test`` probe over all identities.

    Enrolment: an identity's centroid is the mean embedding of its
    ``known-train`` probes (:func:`probes`: sentences 0-3 and the digit takes
    0-1, FSDD takes 5-9). Test: every ``known-test`` probe (sentences 4-5, digit
    take 2, FSDD takes 0-4: held-out texts or takes, held-out prosody cells,
    recording jitter as built) is given the identity of the closest centroid
    by cosine similarity, among all identities.
    """
    enrol, test = probes(dataset, "known-train"), probes(dataset, "known-test")
    emb, seconds, name = _embed_probes(dataset, enrol + test, progress)
    e_enrol, e_test = emb[: len(enrol)], emb[len(enrol):]
    ident = np.asarray(dataset["identity"])
    enrol_id = np.array([ident[g[0]] for _, g in enrol])
    truth = np.array([ident[g[0]] for _, g in test])
    kind = np.array([k for k, _ in test])
    n = len(dataset.classes["identity"])
    cent = np.stack([e_enrol[enrol_id == k].mean(0) for k in range(n)])
    cent /= np.linalg.norm(cent, axis=1, keepdims=True)
    sims = e_test @ cent.T
    pred = sims.argmax(1)
    engine = np.asarray(dataset["engine"])[[g[0] for _, g in test]]
    names = dataset.classes["identity"]
    confusions = _confusions(truth, pred, names)
    per_engine = {e: float(np.mean(pred[engine == k] == truth[engine == k]))
                  for k, e in enumerate(dataset.classes["engine"]) if np.any(engine == k)}
    per_kind = {k: float(np.mean(pred[kind == k] == truth[kind == k])) for k in ("sentence", "digits")
                if np.any(kind == k)}
    own = sims[np.arange(len(test)), truth]
    masked = sims.copy()
    masked[np.arange(len(test)), truth] = -1
    return {"encoder": name, "identities": n, "enrol_probes": len(enrol),
            "test_utterances": len(test), "test_seconds_median": float(np.median(seconds[len(enrol):])),
            "accuracy": float(np.mean(pred == truth)), "per_kind": per_kind,
            "per_engine": per_engine, "top_confusions": confusions[:12],
            "cos_own_mean": float(own.mean()), "cos_best_other_mean": float(masked.max(1).mean()),
            "_own": own, "_other": masked.max(1), "_engine": engine}


def identify_single(dataset: Dataset, progress: bool = True) -> dict[str, Any]:
    """The single-utterance figure: 16 ``known-train`` clips enrol, every ``known-test`` clip tests.

    Kept beside :func:`identify` because it is what a 0.4 s digit gives: most
    test clips are single digit words, too short for the encoder.
    """
    enrol = _enrolment(dataset, "known-train", ENROL_PER_IDENTITY)
    test = np.asarray(dataset.split("known-test").indices)
    emb, _ = embed_items(dataset, np.concatenate([enrol, test]), progress)
    emb = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    ident = np.asarray(dataset["identity"])
    n = len(dataset.classes["identity"])
    e_enrol = emb[: len(enrol)]
    cent = np.stack([e_enrol[ident[enrol] == k].mean(0) for k in range(n)])
    cent /= np.linalg.norm(cent, axis=1, keepdims=True)
    pred = (emb[len(enrol):] @ cent.T).argmax(1)
    ok = pred == ident[test]
    digit = np.asarray(dataset["digit"])[test] >= 0
    return {"accuracy": float(ok.mean()), "test_utterances": len(test),
            "digit_words": float(ok[digit].mean()), "sentences": float(ok[~digit].mean())}


def _confusions(truth: np.ndarray, pred: np.ndarray, names: list[str]) -> list[list[Any]]:
    """The most frequent (true, predicted, count) confusions."""
    from collections import Counter

    c = Counter((names[t], names[p]) for t, p in zip(truth.tolist(), pred.tolist(), strict=True)
                if t != p)
    return [[a, b, k] for (a, b), k in c.most_common()]


def _figure(result: dict[str, Any], engines: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    names = list(result["per_engine"])
    a.bar(names, [100 * result["per_engine"][e] for e in names], color="#4a7ab5")
    a.axhline(100 * result["accuracy"], color="k", ls="--", lw=1,
              label=f"all {result['identities']} identities: {100 * result['accuracy']:.1f}%")
    a.set_ylim(0, 100)
    a.set_ylabel("speaker ID accuracy (%)")
    a.legend(loc="lower left", fontsize=8)
    a.set_title("nearest centroid, held-out probes (a sentence or 10 digit words)", fontsize=9)
    bins = np.linspace(0.3, 1.0, 50)
    b.hist(result["_own"], bins=bins, alpha=0.6, label="own identity")
    b.hist(result["_other"], bins=bins, alpha=0.6, label="closest other identity")
    b.set_xlabel("cosine to centroid")
    b.legend(fontsize=8)
    b.set_title(result["encoder"], fontsize=9)
    fig.suptitle(f"voices: speaker distinctness ({result['test_utterances']} test probes, "
                 f"median {result['test_seconds_median']:.1f} s)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def embedding_map(dataset: Dataset, path: Path, per_identity: int = 3) -> None:
    """Identity centroids in 2-D (t-SNE), coloured by gender, one marker per engine."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.manifold import TSNE

    items = _enrolment(dataset, "known-train", per_identity)
    emb, name = embed_items(dataset, items, progress=False)
    ident = np.asarray(dataset["identity"])[items]
    ids = np.unique(ident)
    cent = np.stack([emb[ident == k].mean(0) for k in ids])
    xy = TSNE(n_components=2, perplexity=min(15, max(2, len(ids) - 1) / 3), random_state=0,
              init="random").fit_transform(cent) if len(ids) > 3 else cent[:, :2]
    first = {int(k): int(i) for k, i in zip(ident[::-1], items[::-1], strict=True)}
    gender = np.asarray(dataset["gender"])
    engine = np.asarray(dataset["engine"])
    colours = {"female": "#d9534f", "male": "#337ab7"}
    markers = "osD^v*"
    fig, ax = plt.subplots(figsize=(7, 5.5))
    for e, ename in enumerate(dataset.classes["engine"]):
        for g, gname in enumerate(dataset.classes["gender"]):
            sel = [k for k, i in enumerate(ids) if engine[first[int(i)]] == e
                   and gender[first[int(i)]] == g]
            if sel:
                ax.scatter(xy[sel, 0], xy[sel, 1], c=colours.get(gname, "grey"),
                           marker=markers[e % len(markers)], s=36, alpha=0.8,
                           label=f"{ename} {gname} ({len(sel)})")
    ax.legend(fontsize=7, ncol=2)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"{dataset.name} {dataset.version}: {len(ids)} identities, {len(dataset)} "
                 f"utterances\n{name} centroids, t-SNE", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    """Build (or load) ``voices``, measure speaker ID, write the JSON and the figure."""
    from . import load

    p = argparse.ArgumentParser(prog="python -m engine.data.voices_report", description=__doc__)
    p.add_argument("--out", type=Path, default=Path("out/voices-report"))
    p.add_argument("--record", action="store_true", help=f"also write {DOC_FIGURE}")
    p.add_argument("--tiny", action="store_true", help="the tiny variant (a smoke test)")
    p.add_argument("--no-single", action="store_true",
                   help="skip the single-utterance figure (embeds every test clip alone)")
    args = p.parse_args(argv)
    ds = load("voices", tiny=True) if args.tiny else load("voices")
    result = identify(ds)
    if not args.no_single:
        result["single_utterance"] = identify_single(ds)
    args.out.mkdir(parents=True, exist_ok=True)
    _figure(result, ds.classes["engine"], args.out / "distinctness.png")
    public = {k: v for k, v in result.items() if not k.startswith("_")}
    (args.out / "report.json").write_text(json.dumps(public, indent=2) + "\n")
    if args.record:
        DOC_FIGURE.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.out / "distinctness.png", DOC_FIGURE)
    print(json.dumps({k: public[k] for k in ("encoder", "identities", "test_utterances",
                                             "accuracy", "per_kind", "per_engine")
                      + (("single_utterance",) if "single_utterance" in public else ())}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

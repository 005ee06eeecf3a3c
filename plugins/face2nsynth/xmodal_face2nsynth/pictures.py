"""The paper's pictures: the audio metric space (Figure 2 b) and faces grouped by family (Figure 3).

Beside them, spectrograms of translations at three pitches next to real notes,
which show what the numbers cannot: whether a note has a pitch and a timbre.
``xmodal face2nsynth pictures MODEL --out DIR`` draws all three for a
saved model (a folder or ``face2nsynth`` for the bundled one) on the held-out
faces, using the same evaluator (pitches, family assignment) as ``xmodal eval``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from engine.pictures import save_figure, save_grid, spectrogram_tile

from .audio import FAMILIES, NUM_FAMILIES, PITCH_MIN, SAMPLE_RATE, midi_to_index
from .data import NoteSet
from .evaluation import Evaluator, translate_waves

__all__ = ["draw_face_grid", "draw_metric_space", "draw_spectrograms"]


def _family_colours() -> list[tuple[float, float, float, float]]:
    import matplotlib

    cmap = matplotlib.colormaps["tab10"]
    return [cmap(k) for k in range(NUM_FAMILIES)]


def draw_metric_space(evaluator: Evaluator, generator: torch.nn.Module, path: Path,
                      per_family: int = 80, seed: int = 0) -> Path:
    """t-SNE of phi: real test notes coloured by family, translated faces as black-edged marks.

    Translations (every face at ``copies`` pitches drawn from the training
    distribution, as in the evaluation) are filled with the colour of the family
    they are assigned to, so one sees both where they land and how many
    families they spread over.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.manifold import TSNE

    real_phi, real_family = evaluator.real.phi, evaluator.real.family
    rng = np.random.default_rng(seed)
    keep = np.concatenate([
        rng.permutation(np.flatnonzero(real_family == k))[:per_family] for k in range(NUM_FAMILIES)
    ])
    _, fake_phi = evaluator.translations(generator)
    assigned = evaluator.assign_families(fake_phi).numpy()
    points = torch.cat([real_phi[keep], fake_phi]).double().numpy()
    xy = TSNE(n_components=2, perplexity=30, init="pca", random_state=seed).fit_transform(points)
    real_xy, fake_xy = xy[:len(keep)], xy[len(keep):]
    colours = _family_colours()
    fig, ax = plt.subplots(figsize=(7.5, 6.5), dpi=110)
    for k, name in enumerate(FAMILIES):
        sel = real_family[keep] == k
        ax.scatter(real_xy[sel, 0], real_xy[sel, 1], s=9, color=colours[k], alpha=0.55, label=name)
    ax.scatter(fake_xy[:, 0], fake_xy[:, 1], s=28, marker="*", c=[colours[k] for k in assigned],
               edgecolors="black", linewidths=0.5, label="translated faces")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"phi space (t-SNE): real test notes by family, {len(fake_xy)} translations "
                 f"of {len(evaluator.faces)} held-out faces", fontsize=9)
    ax.legend(fontsize=7, markerscale=1.5, loc="best", ncol=2)
    return save_figure(fig, path)


def draw_face_grid(evaluator: Evaluator, generator: torch.nn.Module, path: Path,
                   per_row: int = 10) -> Path:
    """Held-out faces grouped by the family their notes fall into (majority over the pitches)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from engine import data

    _, phi = evaluator.translations(generator)
    votes = evaluator.assign_families(phi).view(-1, len(evaluator.faces))
    family = torch.mode(votes, dim=0).values.numpy()
    images = np.asarray(data.load("olivetti", progress=False)["image"])
    index = evaluator.face_set.image_index
    rows = [k for k in range(NUM_FAMILIES) if (family == k).any()]
    fig, axes = plt.subplots(len(rows), per_row, figsize=(per_row * 0.9, len(rows) * 1.05),
                             dpi=110, squeeze=False)
    for r, k in enumerate(rows):
        members = np.flatnonzero(family == k)
        for c in range(per_row):
            ax = axes[r][c]
            ax.axis("off")
            if c < len(members):
                ax.imshow(images[index[members[c]]], cmap="gray", vmin=0, vmax=255)
        axes[r][0].set_title(f"{FAMILIES[k]} ({len(members)})", fontsize=8, loc="left")
    fig.suptitle("held-out faces grouped by the family of their translation", fontsize=9)
    return save_figure(fig, path)



def draw_spectrograms(evaluator: Evaluator, generator: torch.nn.Module, notes: NoteSet, path: Path,
                      pitches: tuple[int, ...] = (48, 60, 72), people: int = 4) -> Path:
    """One row per held-out person (their first photo) at each MIDI pitch, then real test notes.

    The real row takes, for each pitch, the first test note of that pitch of a
    few families, so a reader can compare harmonics and envelopes by eye.
    """
    firsts = evaluator.first_photos(people)
    faces = evaluator.faces[firsts].repeat_interleave(len(pitches), dim=0)
    index = torch.tensor([midi_to_index(p) for p in pitches] * len(firsts))
    waves = translate_waves(generator, faces, index)[:, 0].numpy()
    tiles = [(spectrogram_tile(w, SAMPLE_RATE), f"face {k // len(pitches)} @ {pitches[k % len(pitches)]}")
             for k, w in enumerate(waves)]
    for family in (0, 4, 8):
        for p in pitches:
            match = np.flatnonzero((notes.pitch == p - PITCH_MIN) & (notes.family == family))
            if len(match):
                wave = notes.tensor(match[:1])[0, 0].numpy()
                tiles.append((spectrogram_tile(wave, SAMPLE_RATE), f"{FAMILIES[family]} @ {p}"))
    save_grid(tiles, path, "translations of held-out faces (top) and real test notes (bottom); "
              "log frequency, 40 Hz-8 kHz", columns=len(pitches) * 2)
    return path

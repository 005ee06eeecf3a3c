"""t-SNE of the multimodal space: scikit-learn's (locked: the engine depends on scikit-learn)."""

from __future__ import annotations

import numpy as np

__all__ = ["embed_2d"]


def embed_2d(points: np.ndarray, seed: int = 0) -> np.ndarray:
    """``[N, D]`` -> ``[N, 2]`` with sklearn's exact-gradient-free Barnes-Hut t-SNE (PCA init, seeded)."""
    from sklearn.manifold import TSNE

    perplexity = float(min(30.0, max(2.0, (len(points) - 1) / 3)))
    tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed)
    return np.asarray(tsne.fit_transform(points.astype(np.float64)))

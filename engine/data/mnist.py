"""``mnist``: the 10,000 canonical MNIST test digits, split 8,000 / 2,000 (stratified).

Only the test half of MNIST is available here, so the data layer carves its
own fixed train/test split out of it; the papers that use MNIST train on the
60,000-image training set, which their cards note.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from ..errors import DataError
from .builder import BuildContext, DatasetBuilder
from .cards import DatasetCard
from .sources import Source
from .splits import stratified_split

__all__ = ["MNIST_IMAGES", "MNIST_LABELS", "MnistBuilder", "read_idx"]

_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)


def _mnist_source(file: str, sha256: str) -> Source:
    return Source(f"mnist/{file}", sha256, tuple(m + file for m in _MIRRORS))


MNIST_IMAGES = _mnist_source(
    "t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6")
MNIST_LABELS = _mnist_source(
    "t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")

_IDX_MAGIC = {2049: 1, 2051: 3}  # labels: 1 dimension; images: 3


def read_idx(path: Path) -> np.ndarray:
    """A uint8 array from a (gzipped) IDX file: big-endian header, then raw bytes."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            data = fh.read()
    except (OSError, EOFError) as exc:
        raise DataError(f"{path}: unreadable IDX file ({exc})") from exc
    magic = int.from_bytes(data[:4], "big")
    ndim = _IDX_MAGIC.get(magic)
    if ndim is None:
        raise DataError(f"{path}: not an MNIST IDX file (magic {magic})")
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    offset = 4 + 4 * ndim
    size = int(np.prod(shape))
    if len(data) - offset != size:
        raise DataError(f"{path}: IDX body has {len(data) - offset} bytes, expected {size}")
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(shape)


class MnistBuilder(DatasetBuilder):
    name = "mnist"
    version = "1.0.0"
    sources = (MNIST_IMAGES, MNIST_LABELS)
    card = DatasetCard(
        title="mnist: MNIST test digits",
        summary="The 10,000 handwritten digits of the canonical MNIST test set, 28x28 "
                "grey (uint8), labels 0-9.",
        source="Y. LeCun, C. Cortes, C. Burges: the IDX files t10k-images/labels-idx*-ubyte.gz "
               "(yann.lecun.com mirrors), sha256-verified.",
        license="CC BY-SA 3.0",
        splits="train 8,000 / test 2,000, stratified by digit with a fixed seed.",
        differences="MNIST's 60,000 training images are not available here; both splits come "
                    "from the 10,000 test images, so the training set is much smaller than one "
                    "drawn from full MNIST.",
        citation="LeCun et al., Gradient-based learning applied to document recognition, 1998.",
    )

    def build(self, ctx: BuildContext) -> None:
        images = read_idx(ctx.source(MNIST_IMAGES))
        labels = read_idx(ctx.source(MNIST_LABELS))
        if images.shape[0] != labels.shape[0]:
            raise DataError(f"MNIST: {images.shape[0]} images but {labels.shape[0]} labels")
        ctx.add_array("image", images, kind="image")
        ctx.add_array("label", labels.astype(np.int64), kind="label")
        ctx.set_classes("label", [str(d) for d in range(10)], target=True)
        for split, idx in stratified_split(labels, {"train": 0.8, "test": 0.2},
                                           ctx.rng("split")).items():
            ctx.add_split(split, idx)
        ctx.meta["image_size"] = list(images.shape[1:])

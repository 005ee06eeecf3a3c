"""``docs/datasets.md`` from the built datasets: cards, counts, build times and previews.

Generated rather than hand-written so the numbers in the documentation are the
ones the cache actually holds (``xmodal data docs`` rewrites it after a build).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..fileio import atomic_write_text
from .builder import DatasetBuilder
from .dataset import Dataset

__all__ = ["write_datasets_page"]

INTRO = """\
# Datasets

The data layer (`engine.data`) builds every dataset the plugins train and evaluate on
from verified sources into one cache (`$XMODAL_CACHE_DIR`, default `~/.cache/xmodal`):
memory-mapped `.npy` arrays plus a `manifest.json` with labels, classes, splits,
provenance (source checksums) and the card below. A second build of an intact cache
is a no-op; a missing, truncated or altered array is detected and rebuilt.

```python
from engine import data
ds = data.load("mnist-fsdd")              # builds on first use, then memory-maps
train = ds.split("train")
images, clips, digits = train["image"], train["audio"], train["digit"]
loader = torch.utils.data.DataLoader(ds.torch("train", transform=...), batch_size=64)
```

```
xmodal data list                          # what is registered and built
xmodal data build NAME [--json] [-p key=value] [--force]
xmodal data info NAME [--json]
```

Raw sources are read from `$XMODAL_DATA_DIR` (CI and the tests: `../shared/data`) or,
when missing there, downloaded from their canonical URLs and checked against the same
SHA-256 digests; a file with the wrong digest is refused by name. Set `XMODAL_OFFLINE=1`
to forbid downloads. Audio is stored as int16 (float16 for `gm-notes`) at the sample
rate in `ds.meta["sample_rate"]`; images as uint8 `[N, H, W]` (grey) or `[N, H, W, 3]`;
labels as int64 indices into `ds.classes[field]`.

Build times are measured by each build and stored in its manifest: the builder's own
work (decoding, synthesis or rendering, writing the arrays, hashing them), without
process start-up and the preview picture. The figures below come from the project's
2-core development machine, shared with other jobs while they were taken. A second
`xmodal data build` of an intact dataset re-hashes its arrays and takes 0.05-1.5 s
(gm-notes: 1.5 s for 0.8 GB, 2% of its first build).
"""


def _row(builder: DatasetBuilder, ds: Dataset | None) -> str:
    if ds is None:
        return f"| `{builder.name}` | {builder.version} | needs your copy | | |"
    splits = ", ".join(f"{k} {v:,}" for k, v in ds.splits.items())
    return (f"| `{ds.name}` | {ds.version} | {len(ds):,} | {splits} | "
            f"{ds.manifest.build_seconds:.1f} s |")


def _section(builder: DatasetBuilder, ds: Dataset | None, images: Path, page: Path) -> str:
    text = builder.card.to_markdown(heading="##").replace(
        f"## {builder.name}: ", f"## `{builder.name}`: ", 1)
    if ds is None:
        params = ", ".join(f"`{k}`" for k in builder.defaults)
        return text + f"\nParameters: {params}. Build with `xmodal data build {builder.name} " \
                      f"-p root=PATH`.\n"
    lines = [text.rstrip()]
    fields = ", ".join(f"`{f}` ({ds.manifest.arrays[f].kind}, {ds.manifest.arrays[f].dtype})"
                       for f in ds.fields)
    lines.append(f"- **Counts:** {len(ds):,} items; "
                 + ", ".join(f"{k} {v:,}" for k, v in ds.splits.items()))
    lines.append(f"- **Fields:** {fields}")
    if ds.target:
        classes = ds.classes[ds.target]
        shown = ", ".join(classes[:16]) + (f", ... ({len(classes)} in all)"
                                            if len(classes) > 16 else "")
        lines.append(f"- **Classes ({ds.target}):** {shown}")
    if "sample_rate" in ds.meta:
        lines.append(f"- **Sample rate:** {ds.meta['sample_rate']} Hz")
    lines.append(f"- **Build time:** {ds.manifest.build_seconds:.1f} s (version {ds.version})")
    if ds.preview_path.is_file():
        target = images / f"{ds.name}.png"
        shutil.copyfile(ds.preview_path, target)
        rel = target.relative_to(page.parent).as_posix()
        lines += ["", f"![{ds.name} preview]({rel})"]
    return "\n".join(lines) + "\n"


def write_datasets_page(entries: list[tuple[DatasetBuilder, Dataset | None]], page: Path,
                        images: Path) -> None:
    """Write the page and copy each preview picture into ``images``."""
    images.mkdir(parents=True, exist_ok=True)
    table = ["| dataset | version | items | splits | build time |", "|---|---|---|---|---|"]
    table += [_row(b, ds) for b, ds in entries]
    sections = [_section(b, ds, images, page) for b, ds in entries]
    atomic_write_text(page, INTRO + "\n" + "\n".join(table) + "\n\n" + "\n".join(sections))

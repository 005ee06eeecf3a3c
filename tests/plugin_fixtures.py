"""Install fake plugin distributions into a folder, as pip would, for real entry-point discovery."""

from __future__ import annotations

from pathlib import Path

__all__ = ["install_fake_plugin"]


def install_fake_plugin(
    site: Path,
    name: str,
    source: str | None = None,
    *,
    module: str | None = None,
    models: list[str] | None = None,
) -> None:
    """Write ``<module>.py`` (unless ``source`` is None) and a dist-info declaring the entry point."""
    module = module or f"fake_{name.replace('-', '_')}"
    site.mkdir(parents=True, exist_ok=True)
    if source is not None:
        (site / f"{module}.py").write_text(source)
    dist = site / f"xmodal_{name.replace('-', '_')}-0.1.dist-info"
    dist.mkdir(exist_ok=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: xmodal-{name}\nVersion: 0.1\n")
    eps = f"[xmodal]\n{name} = {module}\n"
    if models:
        eps += "\n[xmodal.models]\n" + "".join(f"{m} = {name}\n" for m in models)
    (dist / "entry_points.txt").write_text(eps)

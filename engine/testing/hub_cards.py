"""The test Hub's check of a README.md's YAML front matter, as the Hub refuses bad metadata.

Why: the real Hub rejects a commit whose README.md metadata it cannot read (a 400 that
the client reports), and ``ModelCard.load`` refuses the same card later. A test Hub that
took every README would let a card the Hub refuses pass the test-suite; this one reads
the front matter the way ``huggingface_hub`` does (its own front-matter pattern, a YAML
mapping, then the repo type's card-data class, which checks ``model-index``).
A README without front matter is accepted, as on the Hub.
"""

from __future__ import annotations

from collections.abc import Iterable

from .hub_store import Op, bad_request

__all__ = ["README_PATH", "check_readme_ops", "readme_errors"]

#: The one file whose metadata the Hub reads: the repo's root README.md.
README_PATH = "README.md"


def readme_errors(content: str, repo_type: str = "model") -> list[str]:
    """Why the Hub could not read ``content``'s metadata; empty when it can."""
    import yaml
    from huggingface_hub import DatasetCardData, ModelCardData, SpaceCardData
    from huggingface_hub.repocard import REGEX_YAML_BLOCK

    match = REGEX_YAML_BLOCK.search(content)
    if match is None:
        return []
    try:
        data = yaml.safe_load(match.group(2))
    except yaml.YAMLError as exc:
        return [f"YAML front matter is not valid YAML: {' '.join(str(exc).split())}"]
    if data is None:
        return []
    if not isinstance(data, dict):
        return ["YAML front matter must be a mapping"]
    card_data = {"dataset": DatasetCardData, "space": SpaceCardData}.get(repo_type, ModelCardData)
    try:
        card_data(**{str(k): v for k, v in data.items()})
    except (ValueError, TypeError) as exc:
        return [" ".join(str(exc).split())]
    return []


def check_readme_ops(repo_type: str, ops: Iterable[Op]) -> None:
    """Refuse (400) a commit that adds a root README.md whose metadata cannot be read."""
    for op in ops:
        if op.kind != "add" or op.path != README_PATH:
            continue
        try:
            content = op.data.decode("utf-8")
        except UnicodeDecodeError:
            raise bad_request(f"{README_PATH} is not UTF-8 text") from None
        errors = readme_errors(content, repo_type)
        if errors:
            # One line: the message is also sent as the ``X-Error-Message`` header.
            raise bad_request(f"Invalid metadata in {README_PATH}: " + "; ".join(errors))

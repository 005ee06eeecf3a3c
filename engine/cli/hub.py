"""``xmodal push`` and ``xmodal pull``: publish and fetch pretrained folders."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["pull_cmd", "push_cmd"]


@click.command("push")
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("repo_id")
@click.option("--revision", default=None, help="Branch to push to (created from main if new).")
@click.option("--message", "-m", default=None, help="Commit message.")
@click.option("--private", is_flag=True, default=None, help="Create the repo as private.")
def push_cmd(
    folder: Path, repo_id: str, revision: str | None, message: str | None, private: bool | None
) -> None:
    """Check that FOLDER loads, then upload it to the Hub as REPO_ID (token: HF_TOKEN)."""
    from ..loading import push_folder

    commit = push_folder(folder, repo_id, revision=revision, commit_message=message, private=private)
    click.echo(commit)


@click.command("pull")
@click.argument("ref")
@click.option("--revision", default=None, help="Branch, tag or commit (or write REF@REV).")
def pull_cmd(ref: str, revision: str | None) -> None:
    """Fetch a model repo (org/name[@rev]) into the Hugging Face cache and print its folder."""
    from ..hub import pull

    click.echo(str(pull(ref, revision)))

"""The local Hub (``engine.testing.HubServer``) driven through the real huggingface_hub client."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import huggingface_hub
import pytest
from huggingface_hub import CommitOperationDelete, HfApi, ModelCard, constants, hf_hub_download
from huggingface_hub import snapshot_download as hf_snapshot_download
from huggingface_hub.errors import (
    EntryNotFoundError,
    HfHubHTTPError,
    LocalEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from engine.testing import HubServer

REPO = "xmodal/tiny"


@dataclass
class Published:
    """A repo with two commits on ``main``: the folder (config version 1), then config version 2."""

    api: HfApi
    endpoint: str
    cache: Path
    first: str
    second: str

    def snapshot(self, revision: str = "main", local_files_only: bool = False) -> Path:
        path = hf_snapshot_download(
            REPO, revision=revision, endpoint=self.endpoint, cache_dir=self.cache,
            local_files_only=local_files_only,
        )
        return Path(path)

    def download(self, filename: str, revision: str = "main") -> Path:
        path = hf_hub_download(
            REPO, filename, revision=revision, endpoint=self.endpoint, cache_dir=self.cache,
        )
        return Path(path)


@pytest.fixture(scope="module")
def weights(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A tiny real safetensors file, made once per module (importing torch is the slow part)."""
    import torch
    from safetensors.torch import save_file

    path = tmp_path_factory.mktemp("weights") / "model.safetensors"
    save_file({"proj.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3)}, str(path))
    return path.read_bytes()


def _model_folder(root: Path, weights: bytes) -> Path:
    folder = root / "model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"version": 1, "dim": 3}))
    (folder / "model.safetensors").write_bytes(weights)
    (folder / "README.md").write_text("# tiny\n\nA test model.\n")
    (folder / "metrics.json").write_text(json.dumps({"loss": 0.5}))
    return folder


def _config_version(snapshot: Path) -> int:
    return int(json.loads((snapshot / "config.json").read_text())["version"])


@pytest.fixture
def published(hub_server: HubServer, tmp_path: Path, weights: bytes) -> Published:
    api = HfApi(endpoint=hub_server.endpoint)
    api.create_repo(REPO, exist_ok=True)
    first = api.upload_folder(
        repo_id=REPO, folder_path=_model_folder(tmp_path, weights), commit_message="v1",
    ).oid
    second = api.upload_file(
        path_or_fileobj=json.dumps({"version": 2, "dim": 3}).encode(), path_in_repo="config.json",
        repo_id=REPO, commit_message="v2",
    ).oid
    return Published(api, hub_server.endpoint, tmp_path / "cache", first, second)


def test_commits_have_ids_parents_messages_and_snapshots(
    published: Published, hub_server: HubServer,
) -> None:
    api = published.api
    assert published.first != published.second
    assert hub_server.head(REPO) == published.second
    assert api.create_repo(REPO, exist_ok=True).repo_id == REPO

    history = api.list_repo_commits(REPO)
    assert [c.title for c in history] == ["v2", "v1", "initial commit"]
    assert [c.commit_id for c in history[:2]] == [published.second, published.first]

    files = {"README.md", "config.json", "metrics.json", "model.safetensors"}
    info = api.model_info(REPO, revision=published.first, files_metadata=True)
    assert info.sha == published.first
    assert {s.rfilename for s in info.siblings or []} == files
    assert all(s.size and s.blob_id and s.lfs is None for s in info.siblings or [])
    assert api.repo_info(REPO).sha == published.second
    assert set(api.list_repo_files(REPO)) == files

    refs = api.list_repo_refs(REPO)
    assert [(b.name, b.target_commit) for b in refs.branches] == [("main", published.second)]

    # Re-sending an unchanged file: preupload reports its oid, so the client makes no commit.
    same = api.upload_file(path_or_fileobj=b"# tiny\n\nA test model.\n", path_in_repo="README.md",
                           repo_id=REPO)
    assert same.oid == published.second == hub_server.head(REPO)


def test_snapshot_download_by_branch_and_by_commit(published: Published, weights: bytes) -> None:
    latest = published.snapshot("main")
    assert _config_version(latest) == 2
    assert (latest / "model.safetensors").read_bytes() == weights
    assert latest.name == published.second

    pinned = published.snapshot(published.first)
    assert _config_version(pinned) == 1
    assert sorted(p.name for p in pinned.iterdir()) == [
        "README.md", "config.json", "metrics.json", "model.safetensors",
    ]


def test_hf_hub_download_single_file(published: Published) -> None:
    assert json.loads(published.download("config.json").read_text())["version"] == 2
    pinned = published.download("config.json", revision=published.first)
    assert json.loads(pinned.read_text())["version"] == 1
    assert json.loads(published.download("metrics.json").read_text()) == {"loss": 0.5}


def test_cached_revisions_resolve_offline(
    published: Published, hub_server: HubServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    online_main, online_pinned = published.snapshot(), published.snapshot(published.first)
    hub_server.stop()

    # Server gone: the client falls back to its cache for branch names and commit ids.
    assert published.snapshot() == online_main
    assert published.snapshot(published.first) == online_pinned
    assert _config_version(published.download("config.json").parent) == 2
    assert published.download("README.md", revision=published.first).is_file()

    # Explicitly offline, by argument and by the (import-time) HF_HUB_OFFLINE constant.
    assert published.snapshot(local_files_only=True) == online_main
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert published.snapshot(published.first) == online_pinned
    assert _config_version(published.download("config.json", revision=published.first).parent) == 1
    with pytest.raises(LocalEntryNotFoundError):
        published.snapshot("dev")


def test_unknown_repo_revision_and_file_raise_the_clients_errors(published: Published) -> None:
    api = published.api
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download("xmodal/missing", "config.json", endpoint=published.endpoint,
                        cache_dir=published.cache)
    with pytest.raises(RepositoryNotFoundError):
        hf_snapshot_download("xmodal/missing", endpoint=published.endpoint,
                             cache_dir=published.cache)
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("xmodal/missing")

    for revision in ("nope", "0" * 40):
        with pytest.raises(RevisionNotFoundError):
            published.download("config.json", revision=revision)
    with pytest.raises(RevisionNotFoundError):
        published.snapshot("nope")
    with pytest.raises(RevisionNotFoundError):
        api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id=REPO, revision="nope")

    with pytest.raises(EntryNotFoundError):
        published.download("missing.bin")
    with pytest.raises(EntryNotFoundError):
        api.delete_file("missing.bin", repo_id=REPO)


def test_branches_tags_and_pull_request_refs(published: Published) -> None:
    api = published.api
    api.create_branch(REPO, branch="dev")
    api.create_branch(REPO, branch="dev", exist_ok=True)
    dev = api.upload_file(path_or_fileobj=b"dev only\n", path_in_repo="notes/dev.txt",
                          repo_id=REPO, revision="dev", commit_message="dev notes").oid
    assert (published.snapshot("dev") / "notes" / "dev.txt").read_bytes() == b"dev only\n"
    assert published.download("notes/dev.txt", revision="dev").read_bytes() == b"dev only\n"
    assert "notes/dev.txt" not in api.list_repo_files(REPO)
    assert [e.path for e in api.list_repo_tree(REPO, revision="dev")].count("notes") == 1

    # Names with a slash travel URL-quoted (feature%2Fx, refs%2Fpr%2F1).
    api.create_branch(REPO, branch="feature/x", revision=published.first)
    assert _config_version(published.snapshot("feature/x")) == 1
    api.create_tag(REPO, tag="v1.0", revision=published.first)
    assert _config_version(published.download("config.json", revision="v1.0").parent) == 1

    pr = api.create_commit(REPO, operations=[CommitOperationDelete("metrics.json")],
                           commit_message="drop metrics", create_pr=True)
    assert pr.pr_revision == "refs/pr/1"
    assert "metrics.json" not in api.list_repo_files(REPO, revision="refs/pr/1")
    assert "metrics.json" in api.list_repo_files(REPO)

    refs = api.list_repo_refs(REPO, include_pull_requests=True)
    assert {b.name: b.target_commit for b in refs.branches} == {
        "main": published.second, "dev": dev, "feature/x": published.first,
    }
    assert [t.name for t in refs.tags] == ["v1.0"]
    assert [p.target_commit for p in refs.pull_requests or []] == [pr.oid]


#: READMEs whose front matter the Hub cannot read: not YAML, not a mapping, a model-index
#: result without its dataset (what the bundled cards had before they were rebuilt).
UNREADABLE_READMES = {
    "not-yaml": "---\ntags: [unclosed\n---\n# x\n",
    "not-a-mapping": "---\n- just\n- a list\n---\n# x\n",
    "model-index-without-dataset": (
        "---\nmodel-index:\n- name: x\n  results:\n  - task: {type: t}\n"
        "    metrics: [{type: items, value: 3}]\n---\n# x\n"
    ),
}


@pytest.mark.parametrize("content", UNREADABLE_READMES.values(), ids=list(UNREADABLE_READMES))
def test_a_readme_the_hub_cannot_read_is_refused(
    hub_server: HubServer, content: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = HfApi(endpoint=hub_server.endpoint)
    api.create_repo(REPO)
    head = hub_server.head(REPO)
    # The client asks /api/validate-yaml first and reports the server's errors ...
    with pytest.raises(ValueError, match="Invalid metadata in README.md"):
        api.upload_file(path_or_fileobj=content.encode(), path_in_repo="README.md", repo_id=REPO)
    # ... and a commit that skips that check is refused by the server itself.
    monkeypatch.setattr(HfApi, "_validate_yaml", lambda *args, **kwargs: None)
    with pytest.raises(HfHubHTTPError, match="Invalid metadata in README.md") as refused:
        api.upload_file(path_or_fileobj=content.encode(), path_in_repo="README.md", repo_id=REPO)
    assert refused.value.response.status_code == 400
    assert hub_server.head(REPO) == head
    # The same file elsewhere in the repo is not the card, and is not read.
    api.upload_file(path_or_fileobj=content.encode(), path_in_repo="docs/README.md", repo_id=REPO)
    assert hub_server.head(REPO) != head


def test_a_readable_card_is_accepted(hub_endpoint: str, hub_server: HubServer) -> None:
    from engine.card import CardInfo, render_card

    text = render_card(name="tiny", plugin="p", model_type="m", task="audio -> image",
                       info=CardInfo(datasets=["fsdd"]), metrics={"score": 0.5, "items": 2})
    card = ModelCard(text)
    card.validate()  # the client's own check, answered by /api/validate-yaml
    HfApi(endpoint=hub_endpoint).create_repo(REPO)
    commit = card.push_to_hub(REPO)
    assert commit.endswith(hub_server.head(REPO))
    pushed = ModelCard.load(REPO)
    assert [(r.metric_type, r.metric_value) for r in pushed.data.eval_results] == [("score", 0.5)]


def test_writes_need_the_token_when_the_server_has_one(tmp_path: Path) -> None:
    with HubServer(token="hf_secret") as hub:
        anonymous = HfApi(endpoint=hub.endpoint)
        with pytest.raises(HfHubHTTPError) as refused:
            anonymous.create_repo(REPO)
        assert refused.value.response.status_code == 401

        owner = HfApi(endpoint=hub.endpoint, token="hf_secret")
        owner.create_repo(REPO)
        owner.upload_file(path_or_fileobj=b"{}", path_in_repo="config.json", repo_id=REPO)
        for api in (anonymous, HfApi(endpoint=hub.endpoint, token="hf_wrong")):
            with pytest.raises(HfHubHTTPError) as refused:
                api.upload_file(path_or_fileobj=b"[]", path_in_repo="config.json", repo_id=REPO)
            assert refused.value.response.status_code == 401
        assert anonymous.list_repo_files(REPO) == ["config.json"]  # reads stay open


def test_default_endpoint_in_process_and_in_a_child(
    hub_endpoint: str, hub_server: HubServer,
) -> None:
    huggingface_hub.create_repo(REPO)
    huggingface_hub.upload_file(path_or_fileobj=b"hello\n", path_in_repo="hello.txt", repo_id=REPO)
    assert Path(hf_hub_download(REPO, "hello.txt")).read_bytes() == b"hello\n"

    script = (
        "import sys, huggingface_hub as h\n"
        "print(open(h.hf_hub_download(sys.argv[1], 'hello.txt')).read())"
    )
    env = {**os.environ, **hub_server.client_env()}
    child = subprocess.run([sys.executable, "-c", script, REPO], env=env, capture_output=True,
                           text=True, timeout=60, check=False)
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "hello"


def test_stop_leaves_nothing_running_and_root_persists(tmp_path: Path) -> None:
    with HubServer(root=tmp_path / "hub") as hub:
        HfApi(endpoint=hub.endpoint).create_repo(REPO)
        head, port = hub.head(REPO), int(hub.endpoint.rsplit(":", 1)[1])
    assert not [t for t in threading.enumerate() if t.name.startswith("HubServer-")]
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0

    with HubServer(root=tmp_path / "hub") as hub:
        assert HfApi(endpoint=hub.endpoint).model_info(REPO).sha == head

"""Push and pull pipelines through the real huggingface_hub client and a local Hub."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from huggingface_hub import constants

import engine
from engine import CheckpointError, ModelNotFoundError, XmodalError
from engine.loading import load_folder, pull, push_folder
from engine.plugins import get_manager
from engine.testing import HubServer

import tinyplug
from cli_helpers import TESTS, run_xmodal
from plugin_fixtures import install_fake_plugin

REPO = "xmodal-tests/tiny-a2i"


@pytest.fixture(autouse=True)
def _tiny_registered() -> None:
    manager = get_manager()
    if "tinyplug" not in manager.infos():
        manager.register_module(tinyplug, name="tinyplug")


def _model(seed: int) -> tinyplug.TinyAudioToImage:
    torch.manual_seed(seed)
    cls = tinyplug.TinyAudioToImage
    return cls.build(cls.make_config("tiny-a2i", plugin="tinyplug"))


def _same(a: engine.Pipeline, b: engine.Pipeline) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def test_push_pull_revisions_and_offline(hub_server: HubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    ep = hub_server.endpoint
    first, second = _model(1), _model(2)
    c1 = first.push_to_hub(REPO, endpoint=ep, metrics={"score": 0.1})
    c2 = second.push_to_hub(REPO, endpoint=ep, metrics={"score": 0.2}, commit_message="retrain")
    assert c1 != c2 and len(c1) == len(c2) == 40
    assert hub_server.head(REPO) == c2
    # Branch (main), pinned commit ids, and the @rev shorthand all resolve.
    assert _same(engine.load(REPO, endpoint=ep), second)
    assert _same(engine.load(f"{REPO}@{c1}", endpoint=ep), first)
    assert _same(engine.load(REPO, revision=c2, endpoint=ep), second)
    assert _same(engine.load(f"{REPO}@main", endpoint=ep), second)
    # The folder is a complete pretrained folder with the card and metrics of its commit.
    folder = pull(f"{REPO}@{c1}", endpoint=ep)
    assert (folder / "README.md").read_text().startswith("---\nlibrary_name: xmodal")
    assert '"score": 0.1' in (folder / "metrics.json").read_text()
    # Offline: the cache answers for both revisions, even with the server gone.
    hub_server.stop()
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert _same(engine.load(f"{REPO}@{c1}", endpoint=ep), first)
    assert _same(engine.load(REPO, endpoint=ep), second)
    with pytest.raises(ModelNotFoundError, match="not in the local cache"):
        engine.load("xmodal-tests/never-pushed", endpoint=ep)


def test_branches_and_errors(hub_server: HubServer, tmp_path: Path) -> None:
    ep = hub_server.endpoint
    main = _model(3)
    main.push_to_hub(REPO, endpoint=ep)
    dev = _model(4)
    dev.push_to_hub(REPO, revision="dev", endpoint=ep)
    assert _same(engine.load(f"{REPO}@dev", endpoint=ep), dev)
    assert _same(engine.load(REPO, endpoint=ep), main)
    with pytest.raises(ModelNotFoundError, match="no such revision"):
        engine.load(f"{REPO}@nonexistent", endpoint=ep)
    with pytest.raises(ModelNotFoundError, match="no such model repo"):
        engine.load("xmodal-tests/nothing-here", endpoint=ep)
    broken = tmp_path / "broken"
    main.save_pretrained(broken)
    (broken / "model.safetensors").write_bytes(b"\x00" * 10)
    with pytest.raises(CheckpointError):
        push_folder(broken, "xmodal-tests/broken", endpoint=ep)  # refuses to publish junk


def test_token_required_for_writes(tmp_path: Path) -> None:
    with HubServer(token="s3cret") as hub:
        with pytest.raises(XmodalError, match="push to"):
            _model(5).push_to_hub("xmodal-tests/private", endpoint=hub.endpoint)
        commit = _model(5).push_to_hub("xmodal-tests/private", endpoint=hub.endpoint, token="s3cret")
        assert hub.head("xmodal-tests/private") == commit


def test_cli_push_pull(hub_server: HubServer, tmp_path: Path) -> None:
    site = tmp_path / "site"
    install_fake_plugin(site, "tinyplug", None, module="tinyplug")
    folder = _model(6).save_pretrained(tmp_path / "model")
    env = {k: v for k, v in os.environ.items() if k.startswith("HF_")} | hub_server.client_env()
    env["TINYPLUG_WEIGHTS"] = str(tmp_path / "none")
    pushed = run_xmodal("push", str(folder), REPO, path=[site, TESTS], env=env)
    assert pushed.returncode == 0, pushed.stderr
    commit = pushed.stdout.strip().splitlines()[-1]
    assert commit == hub_server.head(REPO)
    pulled = run_xmodal("pull", f"{REPO}@{commit}", path=[site, TESTS], env=env)
    assert pulled.returncode == 0, pulled.stderr
    local = Path(pulled.stdout.strip().splitlines()[-1])
    assert _same(load_folder(local), load_folder(folder))
    info = run_xmodal("info", f"{REPO}@{commit}", path=[site, TESTS], env=env)
    assert info.returncode == 0 and "tiny-a2i" in info.stdout
    missing = run_xmodal("pull", f"{REPO}@deadbeef", path=[site, TESTS], env=env)
    missing.assert_user_error("no such revision")
    offline = run_xmodal("pull", "xmodal-tests/other", path=[site, TESTS],
                         env={**env, "HF_HUB_OFFLINE": "1"})
    offline.assert_user_error("not in the local cache")

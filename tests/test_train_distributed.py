"""Two CPU processes (torchrun, gloo) train exactly what one process trains on the same global batch."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from engine.train import read_log, train

REPO = Path(__file__).resolve().parents[1]
SETTINGS = {"steps": 6, "eval_every": 0, "checkpoint_every": 3, "batch_size": 8}

WORKER = """
import sys
import torch.distributed as dist
from safetensors.torch import save_file
from engine.train import train

out = sys.argv[1]
settings = {"steps": 6, "eval_every": 0, "checkpoint_every": 3, "batch_size": 8}
result = train("toy-gan", out, preset="test", overrides=settings)
state = {f"{name}.{key}": value.detach().clone().contiguous()
         for name, module in result.modules.items() for key, value in module.state_dict().items()}
save_file(state, f"{out}/rank{dist.get_rank()}-of-{dist.get_world_size()}.safetensors")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_two_gloo_processes_match_one_process_over_the_same_global_batch(tmp_path: Path) -> None:
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    out = tmp_path / "ddp"
    env = {**os.environ, "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
           "--master_addr", "127.0.0.1", "--master_port", str(_free_port()), str(script), str(out)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]

    rank0 = load_file(str(out / "rank0-of-2.safetensors"))
    rank1 = load_file(str(out / "rank1-of-2.safetensors"))
    assert rank0.keys() == rank1.keys()
    assert all(torch.equal(rank0[k], rank1[k]) for k in rank0)  # DDP keeps replicas identical

    single = train("toy-gan", tmp_path / "single", preset="test", overrides=SETTINGS)
    reference = {f"{n}.{k}": v for n, m in single.modules.items() for k, v in m.state_dict().items()}
    assert reference.keys() == rank0.keys()
    worst = max(float((rank0[k] - reference[k]).abs().max()) for k in reference)
    print(f"2 processes vs 1: largest parameter difference {worst:.3g}")
    assert worst < 1e-4, f"largest parameter difference {worst:.3g}"

    def losses(run: Path) -> list[list[float]]:
        return [list(r["losses"].values()) for r in read_log(run / "log.jsonl") if r["event"] == "train"]

    assert torch.allclose(torch.tensor(losses(out)), torch.tensor(losses(tmp_path / "single")),
                          rtol=1e-4, atol=1e-5)
    start = next(r for r in read_log(out / "log.jsonl") if r["event"] == "start")
    assert start["processes"] == 2

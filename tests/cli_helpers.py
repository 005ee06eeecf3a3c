"""Run the real ``xmodal`` console script in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TESTS", "Result", "run_xmodal"]

TESTS = Path(__file__).resolve().parent
XMODAL = Path(sys.executable).parent / "xmodal"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    def assert_user_error(self, fragment: str = "") -> None:
        """Exit status 2 and exactly one clean line on stderr."""
        assert self.returncode == 2, (self.returncode, self.stdout, self.stderr)
        lines = self.stderr.strip().splitlines()
        assert len(lines) == 1, self.stderr
        assert lines[0].startswith("xmodal: error: ")
        assert "Traceback" not in self.stderr
        assert fragment in lines[0], lines[0]


def run_xmodal(
    *args: str, path: list[Path] | None = None, env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Result:
    """``xmodal ARGS`` with ``path`` prepended to PYTHONPATH."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("XMODAL_STRICT")}
    full_env.update(env or {})
    if path:
        full_env["PYTHONPATH"] = os.pathsep.join(str(p) for p in path)
    proc = subprocess.run(
        [str(XMODAL), *args], capture_output=True, text=True, env=full_env, timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)

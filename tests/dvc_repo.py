"""A fresh git + DVC repository made from this checkout, and `run` for the
commands the tests type in it (real git, real dvc, this venv first on PATH)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(
        HF_HUB_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        GIT_AUTHOR_NAME="ci",
        GIT_AUTHOR_EMAIL="ci@example.com",
        GIT_COMMITTER_NAME="ci",
        GIT_COMMITTER_EMAIL="ci@example.com",
    )
    return env


def run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        args, cwd=cwd, env=_env() | (env or {}), capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc.stdout


def attempt(cwd: Path, *args: str) -> tuple[int, str]:
    """(exit code, stdout + stderr) of a command that may fail."""
    proc = subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def deleted_tracked_files(cwd: Path) -> list[str]:
    status = run(cwd, "git", "status", "--porcelain")
    return [line for line in status.splitlines() if "D" in line[:2]]


def fresh_copy(dest: Path) -> Path:
    """This checkout's tracked and unignored files as a new one-commit git repository."""
    listed = run(ROOT, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    run(dest, "git", "init", "-q", "-b", "main")
    run(dest, "git", "add", "-A")
    run(dest, "git", "commit", "-q", "-m", "snapshot")
    return dest

"""Running the external quality tools: argument lists only, never a shell."""

from __future__ import annotations

import os
import subprocess  # nosec B404 - fixed argument lists of our own dev tools, no shell
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# pytest sets this for the test it is running, and child processes inherit it.
IN_TEST_ENV = "PYTEST_CURRENT_TEST"


class QualityError(RuntimeError):
    """A quality tool that could not produce a usable result, and why."""


def refuse_inside_tests(stage: str) -> None:
    """The quality stages run the test suite or reach the network: never from a test.

    A test that runs `dvc repro` or `dvc exp run` over every stage would start
    them, and the coverage stage would run the suite inside itself again.
    """
    if os.environ.get(IN_TEST_ENV):
        raise QualityError(
            f"refusing to run the {stage} stage inside a test: a test ran `dvc repro` or "
            "`dvc exp run` over every stage; target the data stages instead "
            "(e.g. `dvc exp run verify`)"
        )


@dataclass(frozen=True)
class ToolResult:
    returncode: int
    stdout: str
    stderr: str


def python_module(module: str, *args: str) -> list[str]:
    """The command that runs a tool module with this interpreter (the project's venv)."""
    return [sys.executable, "-m", module, *args]


def run_tool(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    capture: bool = True,
) -> ToolResult:
    """Run one tool to completion; a missing executable or a timeout is a QualityError."""
    merged = {**os.environ, **(env or {})}
    try:
        # The argument list is built by this package from fixed tool names, never a shell.
        proc = subprocess.run(  # noqa: S603  # nosec B603
            list(args),
            env=merged,
            capture_output=capture,
            text=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise QualityError(f"{args[0]}: not found ({exc.strerror})") from exc
    except subprocess.TimeoutExpired as exc:
        raise QualityError(f"{' '.join(args[:4])}: no result within {timeout} s") from exc
    return ToolResult(proc.returncode, proc.stdout or "", proc.stderr or "")

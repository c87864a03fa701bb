"""code.run against the real interpreters it emulates: CPython 3.11 and Node.js.

The runner never executes data; this test runs the runner's own program
family (templates from ``world.code_run``, never text from a dataset) under
``python`` and ``node`` and asserts that exit code, stdout and stderr are
the same, errors and edge inputs included. A sample at a fixed seed keeps
it to a few seconds; raise ``CASES`` to compare the whole family.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.world import tracebacks
from pipeline.world.code_run import OPS, WORD_OPS, Program, execute
from pipeline.world.suggest import suggestion

CASES = 160
EDGE_INPUTS = (["x"], ["0x10"], [" 4 "], ["4.0"], ["1e1"], ["-0"], [""], ["inf"], ["1_000"], [])
VALUES = ((), (5,), (1, 2, 3), (7, 4, 10, 3), (9007199254740993, 100000000000), (-4, 0, 3))
TYPOS = ("valuse", "vals", "mx", "total")


def _programs(rng: random.Random) -> list[tuple[str, str, dict[str, object]]]:
    cases: list[tuple[str, str, dict[str, object]]] = []
    for language in ("python", "javascript"):
        for op in OPS:
            if op in WORD_OPS:
                for word in ("make_key", "", "Hello_World"):
                    code = Program(language, "word", op, word=word, var="word").code
                    cases.append((language, code, {}))
                    head, _, last = code.rpartition("\n")
                    cases.append((language, f"{head}\n{last.replace('word', 'wrod', 1)}", {}))
                continue
            for source in ("literal", "args", "stdin"):
                for values in VALUES:
                    extra: dict[str, object] = {}
                    if source == "literal":
                        code = Program(language, source, op, values).code
                    else:
                        code = Program(language, source, op).code
                        raw = [str(v) for v in values] + rng.choice(EDGE_INPUTS)
                        extra = {"args": raw} if source == "args" else {"stdin": ",".join(raw)}
                    cases.append((language, code, extra))
                    head, _, last = code.rpartition("\n")
                    typo = rng.choice(TYPOS)
                    cases.append((language, f"{head}\n{last.replace('values', typo, 1)}", extra))
    return cases


def _real(tmp: Path, language: str, code: str, extra: dict[str, object]) -> tuple[int, str, str]:
    name = "main.py" if language == "python" else "main.js"
    (tmp / name).write_text(code + "\n")
    command = [sys.executable, name] if language == "python" else ["node", name]
    done = subprocess.run(
        [*command, *(str(a) for a in extra.get("args", ()))],  # type: ignore[attr-defined]
        input=str(extra.get("stdin", "")),
        capture_output=True,
        text=True,
        cwd=tmp,
        timeout=30,
    )
    shown = tracebacks.PYTHON_FILE if language == "python" else tracebacks.NODE_FILE
    stderr = done.stderr.replace(str(tmp / name), shown).rstrip("\n")
    return done.returncode, done.stdout.rstrip("\n"), stderr


needs_interpreters = pytest.mark.skipif(
    sys.version_info[:2] != (3, 11) or shutil.which("node") is None,
    reason="the runner emulates CPython 3.11 and Node.js 20; both must be here to compare",
)


@needs_interpreters
def test_code_run_matches_the_real_interpreters(tmp_path: Path) -> None:
    rng = random.Random(20261206)
    cases = rng.sample(_programs(rng), CASES)
    mismatches = []
    for language, code, extra in cases:
        ours = execute({"language": language, "code": code, **extra})
        if ours["exit_code"] == 2:  # refused as outside the family: nothing to compare
            continue
        real = _real(tmp_path, language, code, extra)
        if (ours["exit_code"], ours["stdout"], ours.get("stderr", "")) != real:
            mismatches.append((language, code, extra, ours, real))
    assert mismatches == []


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="the hint emulated is CPython 3.11's")
@pytest.mark.parametrize(
    "wrong", ["valuse", "vals", "wrod", "mx", "total", "Values", "sume", "woud", "Sys", "x"]
)
def test_name_error_hint_matches_cpython(tmp_path: Path, wrong: str) -> None:
    code = f"import sys\nvalues = [1]\nprint({wrong})"
    _, _, stderr = _real(tmp_path, "python", code, {})
    hint = suggestion(wrong, ("sys", "values"))
    expected = f"NameError: name '{wrong}' is not defined" + (
        f". Did you mean: '{hint}'?" if hint else ""
    )
    assert stderr.splitlines()[-1] == expected

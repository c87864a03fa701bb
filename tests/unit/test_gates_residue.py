"""template_residue: unfilled slots in prose are found; braces in code are not."""

from __future__ import annotations

import pytest

from pipeline.gates.residue import residue_problem
from pipeline.gates.session import Session, Turn


def page(text: str) -> Turn:
    return Turn("web.open", {"url": "https://example.org/a"}, {"ok": True, "content": text})


@pytest.mark.parametrize(
    ("session", "found"),
    [
        (Session("Compare them.", [], "Die Änderung: {f.pct} %."), "the answer"),
        (Session("Read {path} for me.", [], "Done."), "the request"),
        (Session("Open it.", [page("Nur die relative Änderung: {pct} %.")], "8 %."), "call 0"),
        (
            Session(
                "Search.",
                [Turn("web.search", {"q": "x"}, {"ok": True, "results": [{"snippet": "{x}"}]})],
                "None.",
            ),
            "call 0",
        ),
    ],
)
def test_unfilled_slots_are_found(session: Session, found: str) -> None:
    problem = residue_problem(session)
    assert problem is not None and problem.startswith(found)


@pytest.mark.parametrize(
    "session",
    [
        Session('Run this:\n```python\nprint(f"{total}")\n```', [], "It prints 3."),
        Session("What does `{name}` mean in a template?", [], "A slot called `{name}`."),
        Session("Expand it.", [], "The glob {a,b}.py matches a.py and b.py."),
        # Files and program output are not prose: their braces are their own.
        Session(
            "Read it.",
            [Turn("fs.read", {"path": "a.tpl"}, {"ok": True, "content": "Hello {name}"})],
            "It holds one line.",
        ),
    ],
)
def test_code_and_data_braces_are_left_alone(session: Session) -> None:
    assert residue_problem(session) is None

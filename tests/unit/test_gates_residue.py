"""template_residue: unfilled slots in prose are found; braces in code are not."""

from __future__ import annotations

import pytest

from pipeline.gates.residue import another_figure_problem, residue_problem, restated_problem
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


# R18 audit: the search's finding said, then the opened page's overview quoted saying it.
RESTATED = [
    "The only result, “Value compression for RocksDB” (https://example.net/g/1), reports "
    "that with value compression, the error rate of RocksDB fell by 20%. Its “Overview” "
    "section says: “With value compression, the error rate of RocksDB fell by 20% in our "
    "benchmark.”",
    "Der erste Treffer, „Parallele Kompilierung mit CMake“ (https://example.net/w/8), "
    "berichtet: Mit paralleler Kompilierung sank der Speicherbedarf von CMake um 62 %. "
    "Im Abschnitt „Überblick“ steht: „Mit paralleler Kompilierung sank der Speicherbedarf "
    "von CMake in unserem Benchmark um 62 %.“",
    "Le seul résultat indique que la consommation mémoire de YugabyteDB a baissé de 31 % "
    "avec le pooling de connexions. Sa section « Aperçu » dit : « Avec le pooling de "
    "connexions, la consommation mémoire de YugabyteDB a baissé de 31 % dans notre test. »",
]


@pytest.mark.parametrize("answer", RESTATED)
def test_a_finding_said_then_quoted_is_found(answer: str) -> None:
    problem = restated_problem(answer)
    assert problem is not None and "then quotes" in problem
    session = Session("Summarise it.", [], answer)
    assert residue_problem(session, generated=True) == problem
    # Only our generator's joins: a third-party answer may quote what supports a claim.
    assert residue_problem(session) is None


@pytest.mark.parametrize(
    "answer",
    [
        # Two sources that agree, each in the answer's own words: no quote says it.
        "The top result reports that the p95 latency of Nginx fell by 11%. Another source "
        "notes that the p95 latency of Nginx fell by 11%.",
        # A log line quoted beside a sentence about it: the figure, not the words.
        "The log has one WARN line, at 12:00:01: “WARN disk usage at 91% on /var/lib/db”. "
        "Disk usage is the only warning.",
        # The quote alone, or a sentence that shares its figure and little else.
        "Its “Results” section says: “With caching, the build time fell by 30% in our runs.”",
        "It measured 30 runs. The page says: “With caching, the build time fell by 30% in "
        "our runs.”",
        # A quote that says something else with the same words and another figure.
        "The build time fell by 12% with caching. The page says: “With caching, the build "
        "time fell by 30% in our runs.”",
    ],
)
def test_a_quote_beside_its_own_sentence_is_left_alone(answer: str) -> None:
    assert restated_problem(answer) is None


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        (
            "The top result reports 14%. By contrast, B reports 60%. C reports yet another "
            "figure: with pooling, the cost fell by 60%.",
            "60%",
        ),
        ("A meldet 62 %. Wieder anders meldet C: Die Kosten sanken um 62 %.", "62 %"),
        ("A indique 9 %. C donne encore un autre chiffre : la latence a baissé de 9 %.", "9 %"),
    ],
)
def test_yet_another_figure_that_was_given_is_found(answer: str, found: str) -> None:
    problem = another_figure_problem(answer)
    assert problem is not None and found in problem
    session = Session("Find sources.", [], answer)
    assert residue_problem(session, generated=True) == problem
    assert residue_problem(session) is None  # "wieder anders" is everyday German


@pytest.mark.parametrize(
    "answer",
    [
        "A reports 14%. By contrast, B reports 60%. C reports yet another figure: 35%.",
        # The figure came before the phrase only inside another number (145%, 4.5%).
        "A reports 145% and 4.5%. C reports yet another figure: 45%.",
        "C reports yet another figure, but gives no percentage.",
    ],
)
def test_yet_another_figure_that_is_new_is_left_alone(answer: str) -> None:
    assert another_figure_problem(answer) is None

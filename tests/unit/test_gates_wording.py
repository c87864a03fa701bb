"""request_incoherent: a sorted count and a one-file clause over two files are found."""

from __future__ import annotations

import pytest

from pipeline.gates.intent_words import detect
from pipeline.gates.session import Session, Turn
from pipeline.gates.wording import wording_problem

LISTING = {"ok": True, "dir": "src", "count": 2, "results": [{"path": "src/a.py"}]}


def listed(request: str, **args: object) -> Session:
    turn = Turn("fs.list", {"dir": "src", **args}, LISTING)
    return Session(request, [turn], "src has 2 files: a.py and b.py.")


def compared(template: str, encoding: str = "ascii") -> Session:
    """A comparison of `port` in two configs; the template's {a} and {b} are their paths."""
    paths = ("conf/a.yaml", "conf/b.yaml")
    reads = [Turn("fs.read", {"path": p, "encoding": encoding}, {"ok": True}) for p in paths]
    request = template.format(a=paths[0], b=paths[1])
    return Session(request, reads, "port is 80 in conf/a.yaml and 81 in conf/b.yaml.")


def problem(session: Session) -> str | None:
    return wording_problem(session, detect(session.request))


@pytest.mark.parametrize(
    "session",
    [
        listed("How many files are in src (sorted by name)?", sort="name"),
        listed("¿Cuántos archivos hay en src (ordenados por tamaño)?", sort="size"),
        listed("Wie viele Dateien liegen in src (sortiert nach Name)?", sort="name"),
        listed("Combien de fichiers y a-t-il dans src ?", sort="mtime"),  # a sort never asked
        compared("Compare the port setting of {a} and {b} (it is ascii encoded)."),
        compared("Compara el ajuste port de {a} y {b} (está codificado en ascii)."),
        compared("Compare le paramètre port de {a} et de {b} (il est encodé en ascii)."),
    ],
)  # fmt: skip
def test_an_incoherent_request_is_found(session: Session) -> None:
    assert problem(session) is not None


@pytest.mark.parametrize(
    "session",
    [
        listed("How many files are in src?"),
        listed("How many files are in src? List them (sorted by name).", sort="name"),
        listed("¿Cuántos archivos hay en src? Enuméralos (ordenados por tamaño).", sort="size"),
        listed("Which files are in src (sorted by size)?", sort="size"),
        compared("Compare the port setting of {a} and {b} (both are ascii encoded)."),
        compared("Wie unterscheidet sich port zwischen {a} und {b} (Kodierung: ascii)?"),
        # One file named: the clause is about it.
        Session("Read conf/a.yaml (it is ascii encoded).",
                [Turn("fs.read", {"path": "conf/a.yaml", "encoding": "ascii"}, {"ok": True})], "."),
    ],
)  # fmt: skip
def test_a_coherent_request_passes(session: Session) -> None:
    assert problem(session) is None

"""Correct third-party answers that today's new verify checks must pass (review s12,
H1-H6, M1): standalone verify runs on files our generator never wrote, every
threshold is 0, so one false positive fails a user's file. Each case sits next to
the defect the check exists for, which must still be found."""

from __future__ import annotations

import pytest

from pipeline.gates.residue import residue_problem
from pipeline.gates.session import Session, Turn

PAGE = {
    "ok": True,
    "url": "https://docs.python.org/3/tutorial/",
    "title": "Python documentation: The Python Tutorial",
    "content": "## Overview\nx\n## Examples\ny",
}
OPENED = Turn("web.open", {"url": PAGE["url"]}, PAGE)


# ---- template_residue: the page pronoun (H2)


@pytest.mark.parametrize(
    "answer",
    [
        "Ihre Frage betrifft die Seite zum Tutorial. Sie erklärt x.",
        "Su pregunta trata de x. Su valor es 3.",
        "The Python documentation page covers x. Its examples show y.",
        "The page on docs.python.org covers x. Its “Examples” section says: y.",
        "La documentation Python couvre x. Sa section « Exemples » précise : y.",
        "Sein Inhalt ist kurz. Ihr Ziel ist x.",
    ],
)
def test_formal_your_and_a_page_named_in_other_words_pass(answer: str) -> None:
    assert residue_problem(Session("Summarise it.", [OPENED], answer)) is None


@pytest.mark.parametrize(
    "answer",
    [
        "Its “Overview” section says: x.",
        "Su sección «Resumen» dice: x.",
        "Im Abschnitt „Überblick“ heißt es: x.",
        "Sein Abschnitt „Überblick“ sagt: x.",
        "Sa section « Aperçu » précise : x.",
    ],
)
def test_the_section_template_without_the_page_named_is_still_residue(answer: str) -> None:
    found = residue_problem(Session("Summarise it.", [OPENED], answer))
    assert found is not None and "not named" in found

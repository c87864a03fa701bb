"""figure_misattributed: a page quoted for a metric it does not report is found."""

from __future__ import annotations

from pipeline.gates.attribution import attribution_problem
from pipeline.gates.session import Session, Turn

LATENCY = "https://example.org/a"
COST = "https://example.org/b"
SEARCH = Turn(
    "web.search",
    {"q": "x"},
    {
        "ok": True,
        "count": 2,
        "results": [
            {
                "url": COST,
                "title": "B",
                "snippet": "With B, the monthly cost of Envoy fell by 44%.",
            },
            {
                "url": LATENCY,
                "title": "A",
                "snippet": "With A, the p95 latency of Envoy fell by 17%.",
            },
        ],
    },
)


def test_a_page_quoted_for_another_metric_is_found() -> None:
    answer = f"For Envoy, the p95 latency fell by 44% with B ({COST})."
    problem = attribution_problem(Session("Compare.", [SEARCH], answer))
    assert problem is not None and COST in problem and "reports cost" in problem


def test_a_page_quoted_for_its_own_metric_passes() -> None:
    answer = f"For Envoy, the p95 latency fell by 17% with A ({LATENCY})."
    assert attribution_problem(Session("Compare.", [SEARCH], answer)) is None


def test_other_languages_and_opened_pages_are_read() -> None:
    opened = Turn(
        "web.open",
        {"url": COST},
        {"ok": True, "url": COST, "content": "B\n\nDie monatlichen Kosten sanken um 44 %."},
    )
    answer = f"Laut B ({COST}) sank der Speicherbedarf um 44 %."
    assert attribution_problem(Session("Öffne.", [opened], answer)) is not None


def test_text_without_known_metrics_is_not_judged() -> None:
    page = Turn("web.open", {"url": COST}, {"ok": True, "url": COST, "content": "Prices went up."})
    answer = f"The page ({COST}) says the p95 latency fell."
    assert attribution_problem(Session("Open.", [page], answer)) is None


def test_a_page_named_by_its_title_after_a_listing_is_judged_too() -> None:
    """After a listing gave the addresses, the answer names the top page by title only;
    a figure misattributed there must not escape because no address is cited."""
    titled = Turn(
        "web.search",
        {"q": "x"},
        {
            "ok": True,
            "count": 2,
            "results": [
                {"url": COST, "title": "B for Envoy: notes", "snippet": "The monthly cost fell."},
                {"url": LATENCY, "title": "A for Envoy: a guide", "snippet": "p95 latency fell."},
            ],
        },
    )
    listing = f"The search found 2 pages: “B for Envoy: notes” ({COST}) and “A for Envoy: a guide”."
    wrong = f"{listing} The first of them, “B for Envoy: notes”, reports that p95 latency fell."
    problem = attribution_problem(Session("List.", [titled], wrong))
    assert problem is not None and COST in problem
    right = f"{listing} The first of them, “B for Envoy: notes”, reports that monthly cost fell."
    assert attribution_problem(Session("List.", [titled], right)) is None

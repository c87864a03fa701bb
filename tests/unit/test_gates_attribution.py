"""figure_misattributed: a page quoted for a metric it does not report is found."""

from __future__ import annotations

import pytest

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


# ---- file metadata (R12: a symlink target's date and size under the link's name)

LISTED = Turn(
    "fs.list",
    {"dir": "src/upload/thumbnails"},
    {
        "ok": True,
        "dir": "src/upload/thumbnails",
        "count": 2,
        "results": [
            {"path": "src/upload/thumbnails/current.ini", "size": 109, "modified": "2025-02-05"},
            {"path": "src/upload/thumbnails/loader.ini", "size": 109, "modified": "2024-10-24"},
        ],
    },
)
FOLLOWED = Turn(
    "fs.read",
    {"path": "src/upload/thumbnails/current.ini", "range": {"start": 4, "end": 7}},
    {
        "ok": True,
        "path": "src/upload/thumbnails/current.ini",
        "resolved": "src/upload/thumbnails/loader.ini",
        "lines": 7,
        "size": 109,
        "modified": "2024-10-24",
        "range": [4, 7],
        "content": "queue = jobs-high\nlog_level = warning\ntls = true\npool_size = 92",
    },
)
READ_R12 = (
    "src/upload/thumbnails enthält 2 Dateien: current.ini und loader.ini. "
    "src/upload/thumbnails/current.ini ist ein symbolischer Link auf "
    "src/upload/thumbnails/loader.ini. Die Zeilen 4 bis 7 von src/upload/thumbnails/loader.ini "
    "(einer Datei mit 7 Zeilen) setzen queue = jobs-high, log_level = warning, tls = true und "
    "pool_size = 92."
)


def test_r12_a_link_given_its_targets_date_is_found() -> None:
    """Item 35 of R12 (ctx-000913) as the reader saw it: the read followed current.ini
    to loader.ini, and the answer gave current.ini loader.ini's date."""
    wrong = (
        f"{READ_R12} Die Datei src/upload/thumbnails/current.ini wurde zuletzt am 24.10.2024 "
        "geändert und ist 109 Bytes groß."
    )
    problem = attribution_problem(Session("Zeig mir.", [LISTED, FOLLOWED], wrong))
    assert problem is not None
    assert "current.ini is said to be modified on 2024-10-24" in problem
    assert "2025-02-05" in problem


def test_the_target_named_with_its_own_date_passes() -> None:
    right = (
        f"{READ_R12} Das Linkziel src/upload/thumbnails/loader.ini wurde zuletzt am "
        "24.10.2024 geändert und ist 109 Bytes groß."
    )
    assert attribution_problem(Session("Zeig mir.", [LISTED, FOLLOWED], right)) is None


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("The file src/a.yaml was last modified on 2024-03-02 and is 90 bytes long.", "90 bytes"),
        ("The file src/a.yaml was last modified on 2024-03-09 and is 91 bytes long.", "2024-03-09"),
        ("El archivo src/a.yaml se modificó por última vez el 09/03/2024 y ocupa 91 bytes.", "09"),
        ("Le fichier src/a.yaml a été modifié pour la dernière fois le 02/03/2024 et fait "
         "1 091 octets.", "1091"),
        # a listing sorted by date names each file with its date in a parenthesis
        ("src has 2 files (sorted by date, newest first): a.yaml (2024-03-01) and "
         "b.yaml (2024-03-02).", "a.yaml"),
    ],
)  # fmt: skip
def test_a_wrong_date_or_size_under_a_file_name_is_found(sentence: str, found: str) -> None:
    listing = Turn(
        "fs.list",
        {"dir": "src", "sort": "mtime"},
        {
            "ok": True,
            "dir": "src",
            "count": 2,
            "results": [
                {"path": "src/a.yaml", "size": 91, "modified": "2024-03-02"},
                {"path": "src/b.yaml", "size": 50, "modified": "2024-03-01"},
            ],
        },
    )
    problem = attribution_problem(Session("List.", [listing], sentence))
    assert problem is not None and found in problem


def test_true_metadata_quoted_lines_and_unknown_files_pass() -> None:
    read = Turn(
        "fs.read",
        {"path": "logs/app.log"},
        {
            "ok": True,
            "path": "logs/app.log",
            "lines": 2,
            "size": 120,
            "modified": "2024-03-02",
            "content": "2024-03-01T10:00:00Z INFO sent payload of 87570 bytes\nx",
        },
    )
    answer = (
        "Lines 1-2 of logs/app.log read `2024-03-01T10:00:00Z INFO sent payload of 87570 "
        "bytes` and `x`. Die Datei logs/app.log wurde zuletzt am 02.03.2024 geändert und ist "
        "120 Bytes groß. The file other.log was last modified on 2020-01-01."
    )
    assert attribution_problem(Session("Read.", [read], answer)) is None


TWO_LOGS = Turn(
    "fs.list",
    {"dir": "logs"},
    {
        "ok": True,
        "dir": "logs",
        "count": 2,
        "results": [
            {"path": "logs/a.log", "size": 120, "modified": "2024-10-24"},
            {"path": "logs/b.log", "size": 90, "modified": "2024-10-21"},
        ],
    },
)


@pytest.mark.parametrize(
    "answer",
    [
        # differences and totals are not a file's size (review s12 H1)
        "a.log is 30 bytes larger than b.log.",
        "Together, a.log and b.log take 210 bytes.",
        "a.log ist 30 Bytes größer als b.log.",
        "a.log y b.log ocupan 210 bytes en total.",
        "a.log fait 30 octets de plus que b.log.",
        # a date the file's lines hold, or its creation, is not its modified date
        "a.log was last modified on 2024-10-24 and holds entries from 2024-10-20 onwards.",
        "a.log was created on 2024-01-02 and last modified on 2024-10-24.",
        "a.log wurde am 24.10.2024 geändert und enthält Einträge ab dem 20.10.2024.",
        "a.log se modificó el 24/10/2024 y tiene entradas desde el 20/10/2024.",
        "a.log a été modifié le 24/10/2024 et contient des entrées depuis le 20/10/2024.",
    ],
)
def test_comparisons_totals_and_content_dates_pass(answer: str) -> None:
    assert attribution_problem(Session("Compare.", [TWO_LOGS], answer)) is None


def test_a_date_that_is_not_iso_is_skipped_not_cut() -> None:
    listing = Turn(
        "fs.list",
        {"dir": "logs"},
        {"ok": True, "dir": "logs", "count": 1,
         "results": [{"path": "logs/a.log", "size": 120, "modified": "Oct 24, 2024"}]},
    )  # fmt: skip
    answer = "a.log was last modified on 2024-10-24 and is 120 bytes long."
    assert attribution_problem(Session("When?", [listing], answer)) is None


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        ("a.log (90 bytes, modified 2024-10-24) is the larger.", "90 bytes"),
        ("a.log (120 bytes, modified 2024-10-21) is the larger.", "2024-10-21"),
        ("a.log is 90 bytes.", "90 bytes"),
    ],
)
def test_a_claim_bound_to_the_name_is_still_found(answer: str, found: str) -> None:
    problem = attribution_problem(Session("Which?", [TWO_LOGS], answer))
    assert problem is not None and found in problem

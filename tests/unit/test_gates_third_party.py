"""Correct third-party answers that today's new verify checks must pass (review s12,
H1-H6, M1): standalone verify runs on files our generator never wrote, every
threshold is 0, so one false positive fails a user's file. Each case sits next to
the defect the check exists for, which must still be found."""

from __future__ import annotations

import pytest

from pipeline.gates import content_intents, intent_words, intents
from pipeline.gates.coherence import coherence_problem, dated_problem, pasted_problem
from pipeline.gates.history import history_problem
from pipeline.gates.residue import residue_problem
from pipeline.gates.session import Session, Turn
from pipeline.gates.wording import wording_problem

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


# ---- intent_unanswered: context, summarise, describe (H3)

SEARCH = Turn(
    "fs.search",
    {"pattern": "compute(", "options": {"context_lines": 2}},
    {"ok": True, "count": 1, "files": 1, "results": [
        {"path": "a.py", "line": 10, "text": "    total = compute(xs)",
         "before": ["def f(xs):", "    xs = sorted(xs)"], "after": ["    return total"]}]},
)  # fmt: skip


def test_a_context_search_the_user_did_not_ask_for_passes() -> None:
    answer = "compute() is called in a.py at line 10, inside f()."
    session = Session("Find where compute is called.", [SEARCH], answer)
    assert intents.problem(session)[1] is None
    asked = Session("Find where compute is called, with 2 lines of context.", [SEARCH], answer)
    assert (intents.problem(asked)[1] or "").startswith("context:")


def _page(truncated: bool, content: str) -> Turn:
    response = {"ok": True, "url": "https://blog.example.net/post", "title": "Post",
                "content": content, "truncated": truncated}  # fmt: skip
    return Turn("web.open", {"url": response["url"]}, response)


CUT_PAGE = _page(True, "Post\n\n## Setup\nWe ran it on 3 nodes.\n\n## Results\nLatency fe")


@pytest.mark.parametrize(
    "answer",
    [
        "The post ran on 3 nodes; the page was truncated, so this is only a part of it.",
        "The post ran on 3 nodes (the text I got is partial).",
        "Der Beitrag lief auf 3 Knoten; die Seite wurde gekürzt.",
        "El artículo usó 3 nodos; la página llegó truncada.",
        "L'article tourne sur 3 nœuds ; la page est tronquée.",
        "L'article tourne sur 3 nœuds ; la page a été coupée.",
    ],
)
def test_a_cut_page_said_cut_in_other_words_passes(answer: str) -> None:
    assert content_intents.summary_problem(Session("Summarise it.", [CUT_PAGE], answer)) is None


@pytest.mark.parametrize(
    "answer",
    [
        "The post ran on 3 nodes.",
        "Der Beitrag lief auf 3 Knoten, es wurde also nichts abgeschnitten.",
        "The post ran on 3 nodes and nothing was cut.",
    ],
)
def test_a_cut_page_summarised_as_whole_is_still_found(answer: str) -> None:
    found = content_intents.summary_problem(Session("Summarise it.", [CUT_PAGE], answer))
    assert found is not None and "was cut" in found


CAVEAT_PAGE = _page(
    False,
    "Post\n\n## Results\nLatency fell by a third.\n\n"
    "## Caveats\nThe measurements were taken on a single machine with a warm cache.",
)


def test_a_paraphrased_caveat_passes_and_a_dropped_one_is_found() -> None:
    paraphrase = (
        "Latency fell by a third, though the measurements were taken on a single "
        "machine whose cache was warm."
    )
    assert (
        content_intents.summary_problem(Session("Summarise it.", [CAVEAT_PAGE], paraphrase)) is None
    )
    dropped = Session("Summarise it.", [CAVEAT_PAGE], "Latency fell by a third.")
    assert (content_intents.summary_problem(dropped) or "").startswith("the caveat of")


@pytest.mark.parametrize(
    "request_text",
    ["Can you resume the download?", "Lade die Datei zusammen mit der Prüfsumme herunter."],
)
def test_resume_and_zusammen_mit_ask_for_no_summary(request_text: str) -> None:
    assert not intent_words.SUMMARY.search(request_text)


@pytest.mark.parametrize(
    "request_text", ["Resúmelo, por favor.", "Fasse die Seite kurz zusammen.", "Summarise it."]
)
def test_summary_requests_are_still_read(request_text: str) -> None:
    assert intent_words.SUMMARY.search(request_text)


@pytest.mark.parametrize(
    "request_text",
    [
        "Meter of 'Shall I compare thee to a summer's day?'",
        'Translate "Which one is larger?" into French.',
        "Übersetze „Wie viele sind es?“ ins Englische.",
        "Traduis « Combien ça coûte ? » en anglais.",
    ],
)
def test_words_inside_quotation_marks_ask_for_nothing(request_text: str) -> None:
    # The quoted text is material to work on (a verse, a text to translate).
    assert intents.detect(request_text) == set()


@pytest.mark.parametrize(
    ("request_text", "kind"),
    [
        ("Compare 'a.txt' and 'b.txt' by size.", "compare"),
        ("Qu'est-ce qui est plus grand, a ou b ?", "compare"),
        ('How many files does "docs" hold?', "count"),
    ],
)
def test_requests_around_quoted_words_are_still_read(request_text: str, kind: str) -> None:
    assert kind in intents.detect(request_text)


READ_CSV = Turn(
    "fs.read",
    {"path": "data.csv"},
    {"ok": True, "path": "data.csv", "lines": 3, "content": "id,name,price\n1,a,3\n2,b,4\n"},
)


def test_a_header_in_backticks_with_rows_in_words_passes() -> None:
    answer = "data.csv has the columns `id,name,price` and 2 rows, ids 1 and 2, prices 3 and 4."
    session = Session("Tell me what data.csv contains.", [READ_CSV], answer)
    assert content_intents.describe_problem(session) is None
    first_only = Session(
        session.request, [READ_CSV], "data.csv (3 lines) begins with `id,name,price`."
    )
    assert (content_intents.describe_problem(first_only) or "").startswith("only the first of")


# ---- result_incoherent: a log out of order, pasted logs (H4)

INTERLEAVED = Turn(
    "fs.read",
    {"path": "logs/worker.log"},
    {
        "ok": True,
        "path": "logs/worker.log",
        "lines": 2,
        "modified": "2024-07-01T05:00:00Z",
        "content": "2024-07-01T04:56:07Z [worker-2] INFO job 8 done\n"
        "2024-07-01T04:56:05Z [worker-1] INFO job 7 done",
    },
)


def test_a_third_party_log_with_writers_interleaved_passes() -> None:
    session = Session("Read logs/worker.log.", [INTERLEAVED], "Two jobs finished.")
    assert coherence_problem({}, session) is None
    # An item with a generated world wrote the log itself: out of order is its defect.
    assert "go back in time" in (dated_problem(session, generated=True) or "")


def test_pasted_logs_are_judged_only_against_a_generated_world_s_date() -> None:
    prompt = "Here is the log:\n2031-01-01T10:00:00Z ERROR disk full\nWhat happened?"
    session = Session(prompt, [], "The disk filled up.")
    assert coherence_problem({}, session, prompt=prompt) is None
    world = {"world": {"today": "2026-01-01"}}
    assert "after the item's date" in (pasted_problem(world, prompt) or "")


# ---- request_incoherent: a sorted count (H5)


@pytest.mark.parametrize(
    ("request_text", "sort"),
    [
        ("How many log files are in logs, and which one is the newest?", "mtime"),
        ("¿Cuántos archivos hay en logs y cuál es el más reciente?", "mtime"),
        ("Wie viele Dateien liegen in logs, und welche ist die größte?", "size"),
        ("Combien de fichiers y a-t-il dans logs, et quel est le plus récent ?", "mtime"),
    ],
)
def test_a_count_with_a_pick_the_order_serves_passes(request_text: str, sort: str) -> None:
    listing = Turn("fs.list", {"dir": "logs", "sort": sort}, {"ok": True, "count": 2})
    session = Session(request_text, [listing], "There are 2; b.log is the newest.")
    assert wording_problem(session, intent_words.detect(request_text)) is None


def test_a_failed_sorted_listing_and_a_path_inside_another_pass() -> None:
    request = "How many files are in logs?"
    failed = Turn("fs.list", {"dir": "logs", "sort": "size"}, {"ok": False, "error": "x"})
    assert wording_problem(Session(request, [failed], "."), intent_words.detect(request)) is None
    reads = [Turn("fs.read", {"path": p}, {"ok": True}) for p in ("a.yaml", "data.yaml")]
    request = "Compare port in data.yaml and conf/b.yaml (it is ascii encoded)."
    assert wording_problem(Session(request, reads, "."), set()) is None
    sorted_only = "How many files are in logs (sorted by size, largest first)?"
    listed = Turn("fs.list", {"dir": "logs", "sort": "size"}, {"ok": True, "count": 2})
    found = wording_problem(Session(sorted_only, [listed], "2."), intent_words.detect(sorted_only))
    assert found is not None and "sorts by 'size'" in found


# ---- history_absent: a pasted earlier answer, the last message (H6)


@pytest.mark.parametrize(
    "request_text",
    [
        'Here is your previous answer: "The port is 8080". Fix the typo.',
        "Tu última respuesta fue: «El puerto es 8080». Corrige la errata.",
        "Deine letzte Antwort war: „Der Port ist 8080“. Korrigiere den Tippfehler.",
        "Voici ta dernière réponse :\n> Le port est 8080.\nCorrige la faute.",
    ],
)
def test_a_request_that_pastes_the_earlier_answer_passes(request_text: str) -> None:
    item = {"messages": [{"role": "user", "content": request_text}]}
    assert history_problem(item, Session(request_text, [], "Fixed: the port is 8080.")) is None


def test_the_user_s_last_message_is_read() -> None:
    first, last = "What is the port?", "Please try again, I missed your last answer: the port?"
    item = {"messages": [{"role": "user", "content": first}, {"role": "user", "content": last}]}
    found = history_problem(item, Session(first, [], "8080."))
    assert found is not None and "your last answer" in found
    item = {"messages": [{"role": "user", "content": last}, {"role": "user", "content": first}]}
    assert history_problem(item, Session(last, [], "8080.")) is None


# ---- intent_unanswered: the asked date (M1)


def test_the_asked_date_is_the_read_file_s_not_any_listed_one() -> None:
    listing = Turn("fs.list", {"dir": "conf"}, {"ok": True, "dir": "conf", "count": 2, "results": [
        {"path": "conf/a.ini", "modified": "2024-03-01"},
        {"path": "conf/b.ini", "modified": "2024-05-09"}]})  # fmt: skip
    response = {"ok": True, "path": "conf/b.ini", "modified": "2024-05-09", "content": "x"}
    read = Turn("fs.read", {"path": "conf/b.ini"}, response)
    request = "Read conf/b.ini and tell me when it was last modified."
    assert "modified" in intent_words.detect(request)
    wrong = Session(request, [listing, read], "conf/b.ini holds x; it was modified on 2024-03-01.")
    assert (intents.problem(wrong)[1] or "").startswith("modified:")
    right = Session(request, [listing, read], "conf/b.ini holds x; it was modified on 2024-05-09.")
    assert intents.problem(right)[1] is None


def test_the_asked_published_date_is_the_top_result_s() -> None:
    search = Turn("web.search", {"query": "q"}, {"ok": True, "count": 2, "results": [
        {"url": "https://a.example/1", "title": "A", "published": "2023-01-02"},
        {"url": "https://b.example/2", "title": "B", "published": "2022-07-08"}]})  # fmt: skip
    request = "Search for q and tell me when the top result was published."
    assert "published" in intent_words.detect(request)
    wrong = Session(request, [search], "The top result, A, was published on 2022-07-08.")
    assert (intents.problem(wrong)[1] or "").startswith("published:")
    right = Session(request, [search], "The top result, A, was published on 2023-01-02.")
    assert intents.problem(right)[1] is None


def test_the_asked_date_is_the_named_file_s_when_two_are_read() -> None:
    """ctx-001235 at seed 7: two files read, the date asked of the first one."""
    reads = [
        Turn("fs.read", {"path": p}, {"ok": True, "path": p, "modified": d, "content": "x"})
        for p, d in (("a/config.toml", "2023-06-28"), ("a/results.yaml", "2023-05-13"))
    ]
    request = "Read a/config.toml and a/results.yaml. Tell me when a/config.toml was last modified."
    right = Session(request, reads, "It was last modified on 2023-06-28.")
    assert intents.problem(right)[1] is None
    wrong = Session(request, reads, "It was last modified on 2023-05-13.")
    assert (intents.problem(wrong)[1] or "").startswith("modified:")

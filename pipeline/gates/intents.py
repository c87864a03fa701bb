"""intent_unanswered: every operation the request asks for is performed and stated.

Intents are read from the request itself, in English, Spanish, German and
French, so the gate works on sets without intent metadata and on external
teacher data. The rules, on the final answer and the tool responses:

- compare: the answer states a relation ("larger than", "the same",
  "supera a", "größer als", "dépasse") and at least two values of the responses;
- list: the answer names every entry the listing or search returned, or says
  that it shows part of them ("the first 5", "3 of 14", "darunter") and names
  at least three; a list that only selects ("list ..., then read the first")
  needs the entry it selected and the count;
- count: the count the tool returned is stated;
- modified / published: a date a response gave under that key is stated ("when
  was it last modified?", "when was the page published?");
- compute: the output of the last successful program is stated;
- summarise: an answer to "summarise it" / "what does the page say" states the
  caveat section of every page it opened (a summary without it overstates the
  result), and says so when the limit cut the page or the requested lines
  stopped before it (where they stop, of how many);
- describe: an answer to "tell me what it contains" / "what is in" that quotes only
  the first line of what a read returned (a CSV row, a log entry) while more
  non-blank lines came back, and nothing else of them, has not said what they hold;
- links: a request to open a page "with its links" (``include_links``) that got
  links back has at least one of them named in the answer;
- context: a search that asked for context lines (``options.context_lines``)
  and got some back has, for one of its matches, the matching line and every
  non-blank line around it stated (the user asked for the context, not for the
  neighbouring line alone).

Items without calls are not judged here (their answers use no response).
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.gates.content_intents import (
    context_problem,
    describe_problem,
    links_problem,
    summary_problem,
)
from pipeline.gates.grounding import NUMBER, collapse, leaf_needles, matches, stated
from pipeline.gates.intent_words import (
    DESCRIBE,
    DETECT,
    LINKS,
    PARTIAL,
    RELATION,
    SELECTS,
    SUMMARY,
    detect,
    unquoted,
)
from pipeline.gates.session import Session, Turn, ok_turns

LISTING_TOOLS = ("fs.list", "fs.search", "web.search")


def _leaf_values(value: Any) -> list[Any]:
    """Every leaf of a response, and every number written inside its strings."""
    if isinstance(value, dict):
        return [x for v in value.values() for x in _leaf_values(v)]
    if isinstance(value, list):
        return [x for v in value for x in _leaf_values(v)]
    if isinstance(value, str):
        return [value, *NUMBER.findall(value)]
    return [value]


def _values_stated(session: Session) -> int:
    """How many response values the answer states: distinct values (numbers, strings;
    not addresses), or, when two responses hold equal values, one per response."""
    found = set()
    responses = 0
    answer = session.answer
    collapsed = collapse(answer)
    # Responses repeat values (a path in every match): each needle is looked for once.
    seen: dict[tuple[str, tuple[str, ...]], bool] = {}
    for turn in ok_turns(session, tuple({t.name for t in session.turns})):
        own = set()
        for leaf in _leaf_values(turn.response):
            for needle in leaf_needles("v", leaf):
                # Neither addresses nor a long value's sentences: values count stated whole.
                if needle.kind in ("url", "quote"):
                    continue
                look = (needle.kind, needle.variants)
                if look not in seen:
                    seen[look] = matches(needle, answer, collapsed)
                if seen[look]:
                    own.add(needle.variants)
        found |= own
        responses += bool(own)
    return max(len(found), responses)


def _entry_names(entry: Any) -> list[str]:
    if isinstance(entry, str):
        path = entry.rsplit(":", 1)[0] if re.search(r":\d+$", entry) else entry
        return [entry, path, path.rsplit("/", 1)[-1]]
    if isinstance(entry, dict):
        names = [str(entry[k]) for k in ("path", "url", "title") if entry.get(k)]
        if entry.get("path") and entry.get("line"):
            names.append(f"{entry['path']}:{entry['line']}")
        return names + [n.rsplit("/", 1)[-1] for n in names if "/" in n]
    return []


def _named(folded: str, entry: Any) -> bool:
    """Whether the casefolded answer names the entry."""
    return any(n and n.casefold() in folded for n in _entry_names(entry))


def list_problem(session: Session, request: str) -> str | None:
    turns = ok_turns(session, LISTING_TOOLS)
    if not turns:
        return None
    response = turns[0].response
    entries = list(response.get("results") or ())
    count = response.get("count") if isinstance(response.get("count"), int) else len(entries)
    folded = session.answer.casefold()  # once, not once per entry
    named = sum(_named(folded, e) for e in entries)
    partial = bool(PARTIAL.search(session.answer))
    if SELECTS.search(request) and len(session.turns) > session.turns.index(turns[0]) + 1:
        return (
            None
            if (named >= 1 and stated(session.answer, count)) or named == len(entries)
            else (
                f"the listing it selected from is not shown ({named} of {len(entries)} "
                f"entries named)"
            )
        )
    if named == len(entries) and (count <= len(entries) or partial):
        return None
    if partial and named >= min(3, len(entries)):
        return None
    return (
        f"{named} of {len(entries)} listed entries named ({count} in all), "
        "with no word that the list is partial"
    )


def _dates_given(session: Session, key: str) -> list[str]:
    """Every date the successful responses gave under `key`, however deep."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get(key), str):
                out.append(value[key])
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for turn in ok_turns(session, tuple({t.name for t in session.turns})):
        walk(turn.response)
    return list(dict.fromkeys(out))


def _named_in(turns: list[Turn], text: str) -> list[Turn]:
    """The calls whose path or address `text` names."""
    return [
        t
        for t in turns
        if any(isinstance(t.args.get(k), str) and t.args[k] in text for k in ("path", "url"))
    ]


def _asked_dates(session: Session, key: str, request: str) -> list[str]:
    """The dates of what a date question is about (review s12 M1): for `modified`, the
    file read that the request names, else the last one read (its own response: a
    followed link's target); for `published`, the page opened that the request names,
    else the last one, or a search's top result. Without such a call, every date the
    responses gave."""
    turns = ok_turns(session, ("fs.read" if key == "modified" else "web.open",))
    # The question's own sentence ("Tell me when a/config.toml was last modified.")
    # names it first, then the whole request.
    asked = " ".join(
        x for x in re.split(r"(?<=[.?!])\s+", request) if DETECT[key].search(unquoted(x))
    )
    named = _named_in(turns, asked) or _named_in(turns, request)
    own = [t.response.get(key) for t in named or turns]
    if own and isinstance(own[-1], str):
        return [own[-1]]
    searches = ok_turns(session, ("web.search",)) if key == "published" else []
    top = (searches[0].response.get("results") or [None])[0] if searches else None
    if isinstance(top, dict) and isinstance(top.get(key), str):
        return [top[key]]
    return _dates_given(session, key)


def problem(session: Session, request: str | None = None) -> tuple[set[str], str | None]:
    """(the intents read from the request, why one of them is unanswered or None)."""
    request = session.request if request is None else request
    kinds = detect(request)
    if not session.turns:
        return kinds, None
    answer = session.answer
    if "compare" in kinds:
        if not RELATION.search(answer):
            return kinds, "compare: the answer states no relation between the values"
        if _values_stated(session) < 2:
            return kinds, "compare: the answer does not state the compared values"
    if "list" in kinds:
        why = list_problem(session, request)
        if why:
            return kinds, f"list: {why}"
    why = context_problem(session, request)
    if why:
        return kinds, f"context: {why}"
    # Not kinds of their own (labels and wording read the kinds): checks of the answer.
    words = unquoted(request)
    if SUMMARY.search(words):
        why = summary_problem(session)
        if why:
            return kinds, f"summarise: {why}"
    if LINKS.search(words):
        why = links_problem(session)
        if why:
            return kinds, f"links: {why}"
    if DESCRIBE.search(words):
        why = describe_problem(session)
        if why:
            return kinds, f"describe: {why}"
    if "count" in kinds:
        turns = ok_turns(session, LISTING_TOOLS)
        if turns:
            count = turns[0].response.get("count", len(turns[0].response.get("results") or ()))
            if not stated(answer, count):  # a count of one may be said in words
                return kinds, f"count: the count {count} is not stated"
    for key in ("modified", "published"):
        dates = _asked_dates(session, key, request) if key in kinds else []
        if dates and not any(stated(answer, d) for d in dates):
            return kinds, f"{key}: none of the dates the responses gave ({dates[0]}, ...) is stated"
    if "compute" in kinds:
        runs = ok_turns(session, ("code.run",))
        if (
            runs
            and "stdout" in runs[-1].response
            and not stated(answer, str(runs[-1].response["stdout"]).strip())
        ):
            return (
                kinds,
                f"compute: the output {str(runs[-1].response['stdout'])[:40]!r} is not stated",
            )
    return kinds, None

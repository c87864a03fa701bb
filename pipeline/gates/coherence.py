"""result_incoherent: could each tool response really have come from its call?

With the item's world (`metadata.world`) every call is replayed and its
response must equal what the tool returns (APIGen's execution check, offline).
Without one (sets written before worlds, external data that uses our tools)
each successful response must honour its arguments: sort order, counts
within `top_k` / `max_results`, line windows and ranges, extension and site
filters, elapsed time within the timeout, and HTTP semantics (a 404 does not
say where a page went). In both cases a file read holds no line stamped after
the file's modified date, and logs pasted into the prompt none after the item's date.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import urlsplit

from pipeline.gates.session import Session, Turn
from pipeline.world import World, WorldError, execute, fs_list

_MOVED = re.compile(r"moved|redirect|relocated|new location", re.IGNORECASE)


def replay_problem(
    world_json: Any, session: Session, valid: Collection[int] = frozenset()
) -> str | None:
    """The first call whose recorded response is not what its tool returns in the world.

    `valid`: positions of calls the verifier already found schema-valid; the
    replay does not validate them again (a call not in it is validated, and an
    invalid one must have recorded the tool's refusal)."""
    try:
        world = World.from_json(world_json)
    except WorldError as exc:
        return f"world unreadable: {exc}"
    for at, turn in enumerate(session.turns):
        replayed = execute(world, turn.name, turn.arguments, at, checked=at not in valid)
        if replayed != turn.response and not _listed_before_2_2(world, turn, replayed):
            diff = _diff(turn.response, replayed)
            return f"call {at} ({turn.name}): the response is not what the tool returns {diff}"
    return None


def _listed_before_2_2(world: World, turn: Turn, replayed: Any) -> bool:
    """A listing as datasets before 2.2.0 recorded it: a symbolic link with its own date
    beside its target's size. Those files stay verifiable; the generator no longer
    writes it (R12 readers: the link's entry contradicted the read of its target)."""
    if turn.name != fs_list.NAME or not (isinstance(replayed, dict) and replayed.get("ok")):
        return False
    return fs_list.execute(world, turn.arguments, own_link_dates=True) == turn.response


def _diff(recorded: Any, replayed: Any, path: str = "$") -> str:
    if isinstance(recorded, dict) and isinstance(replayed, dict):
        for key in [*recorded, *(k for k in replayed if k not in recorded)]:
            if recorded.get(key, ...) != replayed.get(key, ...):
                return _diff(recorded.get(key), replayed.get(key), f"{path}.{key}")
    if isinstance(recorded, list) and isinstance(replayed, list) and len(recorded) == len(replayed):
        for i, (a, b) in enumerate(zip(recorded, replayed, strict=True)):
            if a != b:
                return _diff(a, b, f"{path}[{i}]")
    return f"(at {path}: recorded {str(recorded)[:60]!r}, replayed {str(replayed)[:60]!r})"


def _entries(response: dict[str, Any]) -> list[dict[str, Any]]:
    """Listing or search entries as dicts (old files list "path:line" strings)."""
    out = []
    for entry in response.get("results") or ():
        if isinstance(entry, dict):
            out.append(entry)
        elif isinstance(entry, str):
            path, _, line = entry.rpartition(":") if re.search(r":\d+$", entry) else (entry, "", "")
            out.append({"path": path, **({"line": int(line)} if line else {})})
    return out


def _count_ok(response: dict[str, Any], shown: int) -> str | None:
    count = response.get("count")
    if isinstance(count, int) and count < shown:
        return f"count {count} is below the {shown} entries returned"
    return None


def _fs_list(args: dict[str, Any], r: dict[str, Any]) -> str | None:
    entries = _entries(r)
    directory = str(args.get("dir", "")).strip("/")
    paths = [str(e.get("path", "")) for e in entries]
    if directory and any(not p.startswith(f"{directory}/") for p in paths):
        return f"an entry lies outside {directory}"
    names = [p.rsplit("/", 1)[-1] for p in paths]
    if "extensions" in args and any(n.rsplit(".", 1)[-1] not in args["extensions"] for n in names):
        return f"an entry has an extension outside {args['extensions']}"
    if "pattern" in args and any(not fnmatchcase(n, str(args["pattern"])) for n in names):
        return f"an entry does not match {args['pattern']}"
    size = args.get("size") or {}
    sizes = [e["size"] for e in entries if isinstance(e.get("size"), int)]
    if size and any(not size.get("min_bytes", 0) <= s <= size.get("max_bytes", s) for s in sizes):
        return "an entry's size is outside the requested range"
    # Only a requested order is checked: another tool's default order is its own.
    order = args.get("sort")
    if order == "name" and paths != sorted(paths):
        return "the listing is not sorted by name"
    if order == "size" and len(sizes) == len(entries) and sizes != sorted(sizes, reverse=True):
        return "the listing is not sorted by size"
    dates = [str(e["modified"]) for e in entries if "modified" in e]
    if order == "mtime" and len(dates) == len(entries) and dates != sorted(dates, reverse=True):
        return "the listing is not sorted by date"
    return _count_ok(r, len(entries))


def _fs_search(args: dict[str, Any], r: dict[str, Any]) -> str | None:
    entries = _entries(r)
    limit = args.get("max_results")
    if isinstance(limit, int) and len(entries) > limit:
        return f"{len(entries)} matches returned, max_results is {limit}"
    count = r.get("count")
    if isinstance(limit, int) and isinstance(count, int) and len(entries) < min(limit, count):
        return f"{len(entries)} matches returned of {count}, although max_results is {limit}"
    wanted = (args.get("options") or {}).get("context_lines")
    if (
        isinstance(wanted, int)
        and wanted > 0
        and any("before" not in e and "after" not in e for e in entries)
    ):
        return f"{wanted} lines of context asked for, and a match came back without any"
    scope = [str(p).strip("/") for p in args.get("paths") or ()]
    for e in entries:
        path = str(e.get("path", ""))
        if scope and not any(path == s or path.startswith(f"{s}/") for s in scope):
            return f"a match in {path} lies outside {scope}"
        text = e.get("text")
        pattern = str(args.get("pattern", ""))
        if isinstance(text, str) and args.get("mode", "literal") != "regex":
            sensitive = (args.get("options") or {}).get("case_sensitive", True)
            found = pattern in text if sensitive else pattern.casefold() in text.casefold()
            if not found:
                return f"a matched line does not contain {pattern!r}"
        context = (args.get("options") or {}).get("context_lines")
        for side in ("before", "after"):
            if isinstance(e.get(side), list) and len(e[side]) > (context or 0):
                return f"more context lines than the {context or 0} asked for"
    return _count_ok(r, len(entries))


def _fs_read(args: dict[str, Any], r: dict[str, Any]) -> str | None:
    content = r.get("content")
    shown = content.count("\n") + 1 if isinstance(content, str) and content else 0
    limit = args.get("max_lines")
    if isinstance(limit, int) and shown > limit:
        return f"{shown} lines returned, max_lines is {limit}"
    wanted = args.get("range")
    if isinstance(wanted, dict):
        span = wanted.get("end", 0) - wanted.get("start", 0) + 1
        got = r.get("range")
        if isinstance(got, list) and got and got[0] != wanted.get("start"):
            return f"range starts at {got[0]}, {wanted.get('start')} was asked for"
        if shown > span:
            return f"{shown} lines returned for a {span}-line range"
    values = r.get("values")
    if isinstance(values, dict) and "keys" in args and set(values) - set(args["keys"]):
        return "values for keys that were not asked for"
    total = r.get("lines")
    if isinstance(total, int) and shown > total:
        return f"{shown} lines returned from a {total}-line file"
    return None


def _web_search(args: dict[str, Any], r: dict[str, Any]) -> str | None:
    entries = _entries(r)
    limit = args.get("top_k")
    if isinstance(limit, int) and len(entries) > limit:
        return f"{len(entries)} results returned, top_k is {limit}"
    count = r.get("count")
    if isinstance(limit, int) and isinstance(count, int) and len(entries) < min(limit, count):
        return f"{len(entries)} results returned of {count} matches, although top_k is {limit}"
    site = (args.get("filters") or {}).get("site")
    for e in entries:
        url = str(e.get("url") or e.get("path") or "")
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        if site and host and host != site:
            return f"a result from {host}, the filter asked for {site}"
        shown = f"{e.get('title', '')} {e.get('snippet', '')}".casefold()
        if any(str(t).casefold() in shown for t in args.get("exclude") or ()):
            return "a result holds an excluded term"
    return _count_ok(r, len(entries))


def _web_open(args: dict[str, Any], r: dict[str, Any]) -> str | None:
    content = r.get("content")
    limit = args.get("max_chars")
    if isinstance(limit, int) and isinstance(content, str) and len(content) > limit:
        return f"{len(content)} characters returned, max_chars is {limit}"
    window = args.get("window")
    shown = content.count("\n") + 1 if isinstance(content, str) else 0
    if isinstance(window, dict) and shown > window.get("length", 0):
        return "more lines than the window asked for"
    if not args.get("include_links") and r.get("links"):
        return "links returned without include_links"
    if args.get("include_links") and "links" not in r:
        return "include_links asked for the links, and none came back"
    if r.get("redirected_from") is not None and r.get("redirected_from") == r.get("url"):
        return "a redirect to the same address"
    return None


def _code_run(args: dict[str, Any], r: dict[str, Any]) -> str | None:
    elapsed = r.get("elapsed_ms")
    limits = [args.get("timeout_s"), (args.get("limits") or {}).get("cpu_s")]
    for limit in limits:
        if (
            isinstance(elapsed, int | float)
            and isinstance(limit, int | float)
            and elapsed > limit * 1000
        ):
            return f"ran {elapsed} ms, past its {limit} s limit"
    return None


CHECKS: dict[str, Callable[[dict[str, Any], dict[str, Any]], str | None]] = {
    "fs.list": _fs_list,
    "fs.search": _fs_search,
    "fs.read": _fs_read,
    "web.search": _web_search,
    "web.open": _web_open,
    "code.run": _code_run,
}


def _status_problem(turn: Turn) -> str | None:
    """A response that contradicts itself about failing (judged before the arguments,
    since a failed call is not judged against them)."""
    r = turn.response
    if not isinstance(r, dict):
        return None
    if turn.failed and "404" in turn.error and _MOVED.search(turn.error):
        return "an HTTP 404 that says where the page went (a move is a redirect, not a 404)"
    if r.get("ok") is True and r.get("exit_code") not in (None, 0):
        return "ok with a non-zero exit code"
    return None


def honours_problem(session: Session) -> str | None:
    """The first response that does not honour its call's arguments, or None."""
    for at, turn in enumerate(session.turns):
        problem = _status_problem(turn)
        check = CHECKS.get(turn.name)
        if (
            problem is None
            and check is not None
            and isinstance(turn.response, dict)
            and not turn.failed
        ):
            problem = check(turn.args, turn.response)
        if problem is not None:
            return f"call {at} ({turn.name}): {problem}"
    return None


# An ISO timestamp at the start of a log line ("2023-09-26T04:12:55Z ...").
_STAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}", re.MULTILINE)
# The whole stamp to the second, for the order of a file's entries.
_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})", re.MULTILINE)


def _backwards(text: str) -> str | None:
    """The first pair of log stamps in `text` where time goes back: a log is written in
    order (R14 audit: 04:56:05 followed by 04:03:43 in one block)."""
    stamps = _TIME.findall(text)
    for before, after in itertools.pairwise(stamps):
        if after < before:
            return f"log lines go back in time ({before} then {after})"
    return None


def dated_problem(session: Session, generated: bool = True) -> str | None:
    """A file read whose lines are stamped after the file's own modified date, or whose
    stamps go back in time: the replay cannot see it (the world itself is wrong), a
    reader does. Only a `generated` item's log is judged for its order: real logs
    interleave their writers (threads, buffered handlers, merged files; review s12 H4)."""
    for at, turn in enumerate(session.turns):
        r = turn.response
        if turn.name != "fs.read" or not isinstance(r, dict) or turn.failed:
            continue
        modified, content = r.get("modified"), r.get("content")
        if not (isinstance(modified, str) and isinstance(content, str)):
            continue
        latest = max(_STAMP.findall(content), default="")
        if latest > modified[:10]:
            return f"call {at} (fs.read): lines dated {latest} in a file last modified {modified}"
        backwards = _backwards(content) if generated else None
        if backwards is not None:
            return f"call {at} (fs.read): {backwards}"
    return None


def pasted_problem(metadata: dict[str, Any], prompt: str) -> str | None:
    """Logs pasted into the prompt stamped after the item's own date (its world's
    today): the user cannot paste a log from the future (R13 audit)."""
    world = metadata.get("world")
    today = world.get("today") if isinstance(world, dict) else None
    if not isinstance(today, str) or "T" not in prompt:
        return None
    latest = max(_STAMP.findall(prompt), default="")
    if latest > today[:10]:
        return f"the prompt pastes log lines dated {latest}, after the item's date {today}"
    return None


def coherence_problem(
    metadata: dict[str, Any],
    session: Session,
    valid: Collection[int] = frozenset(),
    prompt: str = "",
) -> str | None:
    if "world" in metadata:
        problem = replay_problem(metadata["world"], session, valid)
    else:
        problem = honours_problem(session)
    return (
        problem
        or dated_problem(session, generated="world" in metadata)
        or pasted_problem(metadata, prompt)
    )

"""What a reader checks, as properties of generated items (issue 13's invariants).

Each property is a small check written here, independently of the verifier's
gates, and holds for every item the generator makes. Each also fails on the
earlier generator's items (commit 8e19759, tests/fixtures/earlier): a property
that its known defects would pass would prove nothing.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline.gates import intents
from pipeline.gates.session import Session, Turn
from pipeline.gen.item import iter_items
from pipeline.params import GenerateParams, Params
from pipeline.world import World, execute

PARAMS = Params(seed=23, generate=GenerateParams(total=1200))
EARLIER = (
    Path(__file__).resolve().parents[1] / "fixtures" / "earlier" / "generated-8e19759.jsonl.gz"
)
TRANSIENT = re.compile(r"rate.?limit|too many requests|busy|rebuilding|retry", re.IGNORECASE)
FAILURE = re.compile(
    r"does not exist|not found|no such|raises|wirft|lanza|lève|could not|no se pudo|ließ sich nicht"
    r"|impossible|no existe|existiert nicht|n'existe pas|redirect|redirig|weiter|error|404",
    re.IGNORECASE,
)
RELATION = re.compile(
    r"than|same|differ|supera|iguales|distint|misma|als|gleich|unterscheiden|dieselbe|dépasse"
    r"|identiques|même|diffèrent",
    re.IGNORECASE,
)
COMPARE = re.compile(r"compar|vergleich|differ|unterscheidet|diffère", re.IGNORECASE)
Item = dict[str, Any]


def request(item: Item) -> str:
    return item["prompt"].split("\n", 1)[1]


def answer(item: Item) -> str:
    return str(item["messages"][-1]["content"])


def calls(item: Item) -> list[tuple[str, Any, dict[str, Any]]]:
    meta = item["metadata"]
    return [
        (c["name"], c["arguments"], r)
        for c, r in zip(meta["call_sequence"], meta["tool_results"], strict=True)
    ]


def failures_disclosed(item: Item) -> bool:
    """Every non-transient failure of a path, page or snippet the user gave is told."""
    for _, args, result in calls(item):
        if result.get("ok") is not False or TRANSIENT.search(str(result.get("error", ""))):
            continue
        if not isinstance(args, dict):
            continue
        given = [v for k, v in args.items() if k in ("path", "dir", "url") and v in request(item)]
        code = args.get("code")
        if isinstance(code, str) and code.split("\n")[-1] in request(item):
            given.append(re.findall(r"\b\w+(?:Error|Exception)\b", result["error"])[0])
        if given and not (any(g in answer(item) for g in given) and FAILURE.search(answer(item))):
            return False
    return True


def listings_sorted(item: Item) -> bool:
    """Every listing asked to be sorted comes back in that order."""
    for name, args, result in calls(item):
        if (
            name != "fs.list"
            or not isinstance(args, dict)
            or "sort" not in args
            or not result.get("ok")
        ):
            continue
        entries = [e if isinstance(e, dict) else {"path": e} for e in result["results"]]
        key = {"name": "path", "size": "size", "mtime": "modified"}[args["sort"]]
        if all(key in e for e in entries):
            values = [e[key] for e in entries]
            if values != sorted(values, reverse=args["sort"] != "name"):
                return False
    return True


def _numbers(value: Any, digits: int = 2) -> set[str]:
    """Numbers of `digits` digits or more in every string and number of a value."""
    if isinstance(value, dict):
        return set().union(*(_numbers(v, digits) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_numbers(v, digits) for v in value))
    if isinstance(value, bool) or value is None:
        return set()
    return set(re.findall(rf"(?<![\w.])\d{{{digits},}}(?![\w])", str(value)))


def _data(result: dict[str, Any], digits: int = 2) -> set[str]:
    bookkeeping = {
        "elapsed_ms",
        "size",
        "lines",
        "count",
        "files",
        "line",
        "exit_code",
        "url",
        "path",
        "modified",
        "published",
        "window",
        "range",
        "returned",
        "status",
    }
    return _numbers({k: v for k, v in result.items() if k not in bookkeeping}, digits)


def chains_carry_values(item: Item) -> bool:
    """In a chain, the program's data comes from an earlier result, not from the request."""
    steps = calls(item)
    if item["metadata"]["scenario"] != "multi_step" or len(steps) < 2 or steps[-1][0] != "code.run":
        return True
    args = steps[-1][1]
    data = _numbers([args.get("args"), args.get("stdin"), args.get("code", "").split("\n")[0]], 1)
    earlier = set().union(*(_data(r, 1) for _, _, r in steps[:-1] if r.get("ok")))
    # What the user gave an earlier call (a searched setting) may well come back.
    echoed = _numbers([a for _, a, _ in steps[:-1]])
    carried = data & earlier
    return bool(carried) and not ((carried - echoed) & _numbers(request(item)))


def comparisons_related(item: Item) -> bool:
    """A requested comparison states a relation between the values it compares."""
    if not calls(item) or not COMPARE.search(re.sub(r"```.*?```", "", request(item), flags=re.S)):
        return True
    return bool(RELATION.search(answer(item)))


def no_prompt_leak(item: Item) -> bool:
    """No later call is given values (two or more) that the request states and only an
    earlier response holds."""
    steps = calls(item)
    stated = _numbers(request(item))
    for j, (_, args, _) in enumerate(steps):
        for value in args.values() if isinstance(args, dict) else ():
            if not isinstance(value, str | list):
                continue
            numbers = _numbers(value)
            for k in range(j):
                if len(numbers) >= 2 and numbers <= _data(steps[k][2]) and numbers <= stated:
                    return False
    return True


def labels_true(item: Item) -> bool:
    """The complexity describes the calls made."""
    results = [r for _, _, r in calls(item)]
    if not results:
        made = "none"
    else:
        failed = next((i for i, r in enumerate(results) if r.get("ok") is False), None)
        recovered = failed is not None and any(r.get("ok") for r in results[failed + 1 :])
        made = (
            "branching_error_recovery"
            if recovered
            else ("single_call" if len(results) == 1 else "multi_call")
        )
    return item["metadata"]["complexity"] == made


PROPERTIES: dict[str, Callable[[Item], bool]] = {
    "failures_disclosed": failures_disclosed,
    "listings_sorted": listings_sorted,
    "chains_carry_values": chains_carry_values,
    "comparisons_related": comparisons_related,
    "no_prompt_leak": no_prompt_leak,
    "labels_true": labels_true,
}


@pytest.fixture(scope="module")
def items() -> list[Item]:
    return list(iter_items(PARAMS, range(PARAMS.generate.total)))


@pytest.fixture(scope="module")
def earlier() -> list[Item]:
    lines = gzip.decompress(EARLIER.read_bytes()).decode("utf-8").splitlines()
    return [json.loads(line) for line in lines[1:]]


@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_every_generated_item_has_the_property(items: list[Item], name: str) -> None:
    broken = [i["id"] for i in items if not PROPERTIES[name](i)]
    assert broken == [], (name, broken[:5])


@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_the_earlier_generator_fails_the_property(earlier: list[Item], name: str) -> None:
    assert any(not PROPERTIES[name](i) for i in earlier), name


def test_the_properties_look_at_the_items_they_are_about(items: list[Item]) -> None:
    """Not vacuous: each kind of item a property judges is there in numbers."""
    kinds = {
        "user failures": sum(
            any(
                r.get("ok") is False and not TRANSIENT.search(r.get("error", ""))
                for _, _, r in calls(i)
            )
            for i in items
        ),
        "sorted listings": sum(
            any(n == "fs.list" and "sort" in a for n, a, _ in calls(i)) for i in items
        ),
        "chains": sum(i["metadata"]["scenario"] == "multi_step" and bool(calls(i)) for i in items),
        "comparisons": sum(bool(calls(i)) and bool(COMPARE.search(request(i))) for i in items),
    }
    # A sort is asked for in about one listing in 16, so 1,200 items hold about ten.
    assert all(n >= (5 if k == "sorted listings" else 10) for k, n in kinds.items()), kinds


def test_every_response_is_what_the_tool_returns_in_the_items_world(items: list[Item]) -> None:
    """Coherent by construction: replayed with checked arguments, every call gives back
    exactly the response the item records."""
    replayed = 0
    for item in items:
        meta = item["metadata"]
        if "world" not in meta:
            assert meta["call_sequence"] == []
            continue
        world = World.from_json(meta["world"])
        for at, (name, args, result) in enumerate(calls(item)):
            assert execute(world, name, args, at) == result, (item["id"], at)
            replayed += 1
    assert replayed > 1500


def test_intents_are_recorded_with_what_the_request_asks(items: list[Item]) -> None:
    kinds = {i["metadata"]["intent"]["kind"] for i in items if "intent" in i["metadata"]}
    assert kinds >= {
        "read",
        "values",
        "list",
        "count",
        "search",
        "compare",
        "compute",
        "summarise",
        "chain",
        "call",
    }
    for item in items:
        intent = item["metadata"].get("intent")
        if intent is not None:
            assert set(intent) == {"kind", "asks", "slots"} and intent["asks"]


@pytest.mark.parametrize(
    ("answer", "ok"),
    [
        ("src/a has one file with the extension .js: b.js.", True),
        ("`TODO` appears once, at src/a.py:3.", True),
        ("src/a tiene un solo archivo con la extensión .md: b.md.", True),
        ("`TODO` kommt nur einmal vor, in src/a.py:3.", True),
        ("src/a has 1 file: b.js.", True),
        ("src/a holds b.js.", False),  # the count is not said at all
    ],
)
def test_a_count_of_one_may_be_said_in_words(answer: str, ok: bool) -> None:
    listing = Turn("fs.list", {"dir": "src/a"}, {"ok": True, "count": 1, "results": ["b.js"]})
    session = Session("How many files are in src/a?", [listing], answer)
    kinds, why = intents.problem(session)
    assert "count" in kinds
    assert (why is None) is ok

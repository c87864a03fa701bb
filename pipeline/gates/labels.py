"""label_mismatch: the labels describe what the item does.

- complexity from the calls: ``none`` without a call, ``branching_error_recovery``
  when a failed call is followed by a successful one, ``single_call`` for one
  call, ``multi_call`` for several;
- structure from the calls: ``none`` without a call (a shape describes
  arguments), one of the argument shapes with calls (whether the arguments
  have that shape is structure_mismatch's question);
- scenario from the tools: one family (``fs.*`` file_ops, ``web.*``
  web_search, ``code.run`` code_exec) or several (multi_step); an item
  without calls is labelled after the tools it was offered, and never
  multi_step (a reader takes that for a chain);
- a recorded intent and the intents read from the request agree on what
  was asked (compare, list, count, compute, and a locale probe's modified or
  published date).
"""

from __future__ import annotations

from typing import Any

from pipeline.gates.session import Session

FAMILIES = {"fs": "file_ops", "web": "web_search", "code": "code_exec"}
STRONG = ("compare", "list", "count", "compute", "modified", "published")


def complexity_of(session: Session) -> str:
    turns = session.turns
    if not turns:
        return "none"
    first_failure = next((i for i, t in enumerate(turns) if t.failed), None)
    if first_failure is not None and any(not t.failed for t in turns[first_failure + 1 :]):
        return "branching_error_recovery"
    return "single_call" if len(turns) == 1 else "multi_call"


def _family(name: str) -> str | None:
    return FAMILIES.get(name.split(".", 1)[0])


def scenario_of(names: list[str]) -> str | None:
    families = {_family(n) for n in names}
    if not families or None in families:
        return None
    return families.pop() if len(families) == 1 else "multi_step"


def _offered(tools: Any) -> list[str]:
    names = []
    for tool in tools if isinstance(tools, list) else ():
        function = tool.get("function", tool) if isinstance(tool, dict) else None
        if isinstance(function, dict) and isinstance(function.get("name"), str):
            names.append(function["name"])
    return names


def label_problem(
    item: dict[str, Any], metadata: dict[str, Any], session: Session, asked: set[str]
) -> str | None:
    complexity = metadata.get("complexity")
    made = complexity_of(session)
    if complexity != made:
        return f"complexity {complexity!r}, the calls make it {made!r}"
    used = [t.name for t in session.turns]
    scenario = metadata.get("scenario")
    if not used and scenario == "multi_step":
        # Readers took it for a chain that never happened; a question without calls is
        # labelled with the family it concerns.
        return "scenario 'multi_step' on an item that makes no call"
    expected = scenario_of(used) if used else scenario_of(_offered(item.get("tools")))
    if expected is not None and scenario != expected:
        return (
            f"scenario {scenario!r}, the tools {'used' if used else 'offered'} make it {expected!r}"
        )
    structure = metadata.get("structure")
    if used and structure == "none":
        calls = f"{len(used)} calls" if len(used) > 1 else "a call"
        return f"structure 'none' on an item that makes {calls}"
    if not used and structure != "none":
        # Readers filtering on a shape picked up controls and clarifying questions.
        return f"structure {structure!r} on an item that makes no call"
    intent = metadata.get("intent")
    if isinstance(intent, dict) and isinstance(intent.get("asks"), list):
        recorded = {a for a in intent["asks"] if a in STRONG}
        read = {a for a in asked if a in STRONG}
        if recorded != read:
            return f"intent records {sorted(recorded)}, the request asks {sorted(read)}"
    return None

"""The conversation as the semantic gates read it: request, calls with responses, answer.

Built from `messages` alone (extract writes them for every record), so the
gates judge what the model is trained on and work on any data that uses our
tool names, generated here or not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pipeline.gates.checks import caws_parses
from pipeline.gates.grounding import parse_content

# A long-context prompt puts the request after a marker line ("Task:" ...).
_MARKER = re.compile(r"(?m)^(?:Task|Tarea|Aufgabe|Tâche)\s?:\s*$")
_TRANSIENT = re.compile(
    r"rate.?limit|too many requests|\bbusy\b|rebuilding|retry (?:after|in)|temporar|"
    r"timed? ?out|\b(?:429|502|503|504)\b|unavailable|try again",
    re.IGNORECASE,
)


@dataclass
class Turn:
    name: str
    arguments: Any  # a dict, or the raw text when it is not a JSON object
    response: Any  # parsed JSON when the tool message is JSON, else its text

    # Read by nearly every gate, for every turn: worked out once. `session_of` sets a
    # turn's response before any gate reads the session, and nothing changes it after.
    @cached_property
    def failed(self) -> bool:
        r = self.response
        if not isinstance(r, dict):
            return False
        status = r.get("status")
        exit_code = r.get("exit_code")
        return (
            r.get("ok") is False
            or (isinstance(status, int) and not isinstance(status, bool) and status >= 400)
            or (isinstance(exit_code, int) and not isinstance(exit_code, bool) and exit_code != 0)
        )

    @property
    def error(self) -> str:
        r = self.response
        if isinstance(r, dict):
            return str(r.get("error") or r.get("stderr") or "")
        return str(r) if self.failed else ""

    @property
    def transient(self) -> bool:
        return self.failed and bool(_TRANSIENT.search(self.error))

    @property
    def args(self) -> dict[str, Any]:
        return self.arguments if isinstance(self.arguments, dict) else {}


@dataclass
class Session:
    request: str  # the user's words (without a CAWS line or long-context filler)
    turns: list[Turn] = field(default_factory=list)
    answer: str = ""
    # Every tool message's content, parsed, in order (a response without a call too):
    # integration F1 reads them, parsed once for both.
    results: list[Any] = field(default_factory=list)


def ok_turns(session: Session, names: tuple[str, ...]) -> list[Turn]:
    """The turns of the named tools that succeeded with a JSON object."""
    return [
        t
        for t in session.turns
        if t.name in names and isinstance(t.response, dict) and not t.failed
    ]


def request_text(user: str) -> str:
    lines = user.split("\n", 1)
    if len(lines) == 2 and caws_parses(lines[0]):
        user = lines[1]
    marks = list(_MARKER.finditer(user))
    return user[marks[-1].end() :].strip() if marks else user.strip()


def session_of(item: dict[str, Any]) -> Session:
    messages = [m for m in item.get("messages") or () if isinstance(m, dict)]
    users = [m for m in messages if m.get("role") == "user" and isinstance(m.get("content"), str)]
    prompt = item.get("prompt")
    user = prompt if isinstance(prompt, str) else (users[0]["content"] if users else "")
    session = Session(request_text(user))
    pending: list[Turn] = []
    for m in messages:
        role = m.get("role")
        if role == "assistant":
            for call in m.get("tool_calls") or ():
                function = call.get("function", call) if isinstance(call, dict) else None
                if isinstance(function, dict):
                    args = parse_content(function.get("arguments"))
                    turn = Turn(str(function.get("name")), args, None)
                    session.turns.append(turn)
                    pending.append(turn)
            if not m.get("tool_calls") and isinstance(m.get("content"), str):
                session.answer = m["content"]
        elif role == "tool":
            response = parse_content(m.get("content"))
            session.results.append(response)
            if pending:
                pending.pop(0).response = response
    return session


def answers_a_result(item: dict[str, Any]) -> bool:
    """Whether assistant text follows a tool result: an answer that could integrate one
    (a conversation that ends at a call after an earlier result has none)."""
    seen = False
    for m in item.get("messages") or ():
        if not isinstance(m, dict):
            continue
        if m.get("role") == "tool":
            seen = True
        elif m.get("role") == "assistant" and seen:
            content = m.get("content")
            if isinstance(content, str) and content.strip():
                return True
    return False

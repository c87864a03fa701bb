"""error_undisclosed: a failure of something the user gave is told, not hidden.

A call failed on the user's own input when its path, directory, address or
code comes from the request. Unless the failure is transient (a rate limit, a
busy index: retrying it tells the user nothing), the final answer must name
that input or the error, and say that it failed, in any of our languages. A
redirect of a user's address is a change they must hear about too.
"""

from __future__ import annotations

import re

from pipeline.gates.session import Session, Turn

FAILURE = re.compile(
    r"does ?n[o']t exist|not found|no such|missing|fail|error|raises?|raised|could ?n[o']t|cannot"
    r"|can't|moved|redirect|404|typo|invalid|broken|no existe|no se (?:encontr|pudo)|falla|fall[óo]"
    r"|errata|lanza|redirig|inválid|existiert nicht|nicht gefunden|fehl|wirft|scheitert|verschoben"
    r"|weiter|ungültig|tippfehler|ließ sich nicht|n'existe "
    r"pas|introuvable|échou|erreur|lève|déplacé"
    r"|impossible|faute de frappe",
    re.IGNORECASE,
)
REDIRECT = re.compile(
    r"redirect|moved|redirig|weiter|verschoben|déplacé|nouvelle adresse", re.IGNORECASE
)
_ERROR_TYPE = re.compile(r"\b([A-Z][A-Za-z]*(?:Error|Exception))\b")


# Failures that are about the thing a path or address names, not about an option.
_MISSING = re.compile(
    r"not found|no such|does ?n[o']t exist|not a directory|is a directory|\b40[34]\b|\b410\b"
    r"|permission|denied",
    re.IGNORECASE,
)


def _user_input(turn: Turn, request: str) -> str | None:
    """The argument of a failed call that the user gave, as the request states it, when
    the failure is about it (the error names it, or says it is missing); a failure of
    an option the teacher chose is not the user's input failing."""
    args = turn.args
    for key in ("path", "dir", "url"):
        value = args.get(key)
        if (
            isinstance(value, str)
            and value
            and value in request
            and (value in turn.error or _MISSING.search(turn.error))
        ):
            return value
    code = args.get("code")
    if isinstance(code, str) and code.strip():
        lines = [x.strip() for x in code.split("\n") if x.strip()]
        if lines and all(x in request for x in lines):
            return code
    return None


def _disclosed(turn: Turn, given: str, answer: str) -> bool:
    folded = answer.casefold()
    if given == turn.args.get("code"):
        kinds = _ERROR_TYPE.findall(turn.error)
        bad = re.findall(r"'(\w+)'|\b(\w+) is not defined", turn.error)
        names = [k for k in kinds] + [a or b for a, b in bad]
        return any(n.casefold() in folded for n in names) and bool(FAILURE.search(answer))
    mentions = given.casefold().rstrip("/") in folded or (
        bool(turn.error) and turn.error[:40].casefold() in folded
    )
    return mentions and bool(FAILURE.search(answer))


def undisclosed_problem(session: Session) -> str | None:
    for at, turn in enumerate(session.turns):
        response = turn.response if isinstance(turn.response, dict) else {}
        moved_from = response.get("redirected_from")
        if turn.failed and not turn.transient:
            given = _user_input(turn, session.request)
            if given is not None and not _disclosed(turn, given, session.answer):
                return (
                    f"call {at} ({turn.name}) failed on the user's {given[:60]!r} "
                    f"({turn.error[:80]}); the answer does not say so"
                )
        elif isinstance(moved_from, str) and moved_from in session.request:
            target = str(response.get("url", ""))
            said = target.casefold() in session.answer.casefold() and REDIRECT.search(
                session.answer
            )
            if not said:
                return (
                    f"call {at} ({turn.name}): {moved_from} redirected to {target}; "
                    "the answer does not say so"
                )
    return None

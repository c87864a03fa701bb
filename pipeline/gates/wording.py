"""request_incoherent: the request's wording contradicts itself or the calls it asks for.

Readers found two such rules repeated across thousands of items:

- a count-only question ("How many files are in src?") whose listing is
  sorted: an order changes nothing in a count, so either the user asked for
  an order they cannot see, or the call carries an argument nobody asked for;
- one clause about the read options worded for one file in a request that
  names the two files it reads ("compare `port` in a.yaml and b.yaml (it is
  ascii encoded)").

Intents are read from the request (`intent_words.detect`), in en/es/de/fr, so the
check works on data without intent metadata.
"""

from __future__ import annotations

import re

from pipeline.gates.names import named
from pipeline.gates.session import Session

# An encoding stated for one file: "(it is ascii encoded)", "(está codificado en
# ascii)", "(il est encodé en ascii)". German words it impersonally ("Kodierung: x").
_ONE_FILE_ENCODING = re.compile(
    r"\((?:it is [\w-]+ encoded|está codificad[oa] en [\w-]+|il est encodé en [\w-]+)\)"
)


# A request the listing's order serves: "which one is the newest", "the largest",
# "the first three" (review s12 H5). The sort clause itself ("(sorted by size,
# largest first)") is the defect's own wording, so it is read without it.
_SORT_CLAUSE = re.compile(r"\((?:sorted|ordenad|sortiert|nach|triés)[^)]*\)", re.IGNORECASE)
_ORDER_WORDS = re.compile(
    r"\b(?:newest|oldest|latest|earliest|most recent|largest|smallest|biggest|first|last"
    r"|top|más (?:reciente|antigu[oa]|grande|pequeñ[oa])|primer[oa]?|últim[oa]|mayor|menor"
    r"|neuest\w*|ältest\w*|jüngst\w*|größt\w*|kleinst\w*|erst\w*|letzt\w*"
    r"|plus (?:récent|ancien|grand|petit)e?|premi(?:er|ère)|derni(?:er|ère)|récent\w*)\b",
    re.IGNORECASE,
)


def _count_sorted(session: Session, asked: set[str]) -> str | None:
    if "count" not in asked or asked & {"list", "top"}:
        return None
    if _ORDER_WORDS.search(_SORT_CLAUSE.sub(" ", session.request)):
        return None
    for at, turn in enumerate(session.turns):
        if turn.name == "fs.list" and "sort" in turn.args and not turn.failed:
            return (
                f"call {at} (fs.list) sorts by {turn.args['sort']!r} for a request that only "
                "asks how many: an order means nothing to a count"
            )
    return None


def _one_file_clause(session: Session) -> str | None:
    # The clause first: it is rare, and matching every read path builds a pattern each.
    clause = _ONE_FILE_ENCODING.search(session.request)
    if clause is None:
        return None
    paths = {str(t.args["path"]) for t in session.turns if t.name == "fs.read" and "path" in t.args}
    # A path named as a whole token: `a.yaml` is not named by `data.yaml`.
    said = [p for p in sorted(paths) if named(p, session.request)]
    if len(said) < 2:
        return None
    return f"the request names {len(said)} files it reads and says {clause.group()!r} of one"


def wording_problem(session: Session, asked: set[str]) -> str | None:
    """Why the request contradicts itself or its calls, or None. `asked`: its intents."""
    return _count_sorted(session, asked) or _one_file_clause(session)

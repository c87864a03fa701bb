"""The semantic checks of one item, each with its own reason code.

They read the conversation (`session_of`), never how the generator made it:
result_incoherent (replay against the item's world, or the argument checks),
intent_unanswered, error_undisclosed, prompt_leak, template_residue,
request_incoherent, history_absent, figure_misattributed, invalid_trained_call and,
where the generator's labels exist, label_mismatch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.gates import intents
from pipeline.gates.attribution import attribution_problem
from pipeline.gates.calls import CallVerdict
from pipeline.gates.codes import SEMANTIC_REASONS
from pipeline.gates.coherence import coherence_problem
from pipeline.gates.history import history_problem
from pipeline.gates.honesty import undisclosed_problem
from pipeline.gates.labels import label_problem
from pipeline.gates.leaks import leak_problem
from pipeline.gates.residue import residue_problem
from pipeline.gates.session import Session, session_of
from pipeline.gates.wording import wording_problem

__all__ = ["SEMANTIC_REASONS", "semantic_findings"]


def excluded_attempts(metadata: dict[str, Any]) -> set[int]:
    """Calls marked as failed attempts kept out of the loss."""
    out = set()
    for attempt in metadata.get("attempts") or ():
        if (
            isinstance(attempt, dict)
            and attempt.get("ok") is False
            and attempt.get("excluded") is True
            and isinstance(attempt.get("call_index"), int)
        ):
            out.add(attempt["call_index"])
    return out


def invalid_trained(
    verdicts: Sequence[CallVerdict], metadata: dict[str, Any], train_failed: bool
) -> str | None:
    """A teacher call that fails JSON or its schema and would be trained on."""
    excluded = set() if train_failed else excluded_attempts(metadata)
    for verdict in verdicts:
        if verdict.schema_valid or verdict.index in excluded:
            continue
        why = "not valid JSON" if not verdict.json_valid else verdict.schema_errors[0]
        return f"call {verdict.index} ({verdict.name}): {why}, and it is trained on"
    return None


def _valid_turns(verdicts: Sequence[CallVerdict], session: Session) -> set[int]:
    """Positions of turns whose call the verifier judged schema-valid (same name and
    arguments at the same position, so a mismatch is validated again, not trusted)."""
    return {
        v.index
        for v in verdicts
        if v.schema_valid
        and v.index < len(session.turns)
        and session.turns[v.index].name == v.name
        and session.turns[v.index].arguments == v.arguments
    }


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def semantic_findings(
    item: dict[str, Any],
    metadata: dict[str, Any],
    verdicts: Sequence[CallVerdict],
    *,
    labels: bool,
    train_failed: bool,
) -> tuple[Session, list[tuple[str, str]]]:
    session = session_of(item)
    asked, unanswered = intents.problem(session)
    problems = {
        "result_incoherent": coherence_problem(
            metadata, session, _valid_turns(verdicts, session), _text(item.get("prompt"))
        ),
        "intent_unanswered": unanswered,
        "error_undisclosed": undisclosed_problem(session),
        "prompt_leak": leak_problem(session),
        "template_residue": residue_problem(session, generated="world" in metadata),
        "request_incoherent": wording_problem(session, asked),
        "history_absent": history_problem(item, session),
        "figure_misattributed": attribution_problem(session),
        "label_mismatch": label_problem(item, metadata, session, asked) if labels else None,
        "invalid_trained_call": invalid_trained(verdicts, metadata, train_failed),
    }
    return session, [(code, why) for code, why in problems.items() if why is not None]

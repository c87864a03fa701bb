"""A teacher's session in a world: every call executed, every response kept as returned.

A call may differ from what the user asked for (a value clamped into the
tool's range, arguments repaired into JSON); the episode keeps both, so the
request quotes the user and the trace shows the teacher's valid call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline.world import World, execute


@dataclass
class Call:
    name: str
    arguments: dict[str, Any]
    result: dict[str, Any]
    asked: dict[str, Any]  # the arguments as the user worded them
    cause: str | None = None  # why a failure happened: user | transient | teacher

    @property
    def ok(self) -> bool:
        return self.result.get("ok") is True


# (tool, arguments as worded) -> (arguments the teacher sends, arguments as worded)
Adjust = Callable[[str, dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]]


@dataclass
class Episode:
    world: World
    calls: list[Call] = field(default_factory=list)
    # Applied to the first call: how the teacher corrects what the user asked for.
    adjust: Adjust | None = None

    def call(
        self,
        name: str,
        arguments: dict[str, Any],
        *,
        asked: dict[str, Any] | None = None,
        cause: str | None = None,
    ) -> dict[str, Any]:
        asked = asked or arguments
        if self.adjust is not None and not self.calls:
            arguments, asked = self.adjust(name, arguments)
        # The teacher's arguments are valid by construction; verify's replay checks them.
        result = execute(self.world, name, arguments, at=len(self.calls), checked=False)
        self.calls.append(Call(name, arguments, result, asked, cause))
        return result

    def attempts(self) -> list[dict[str, Any]]:
        """Each failed call, then the later call of the same tool that succeeded.

        A failed attempt is excluded from the loss by default (the export's
        `train_on_failed_attempts`); `cause` says whose input failed.
        """
        out: list[dict[str, Any]] = []
        for i, call in enumerate(self.calls):
            if call.ok:
                continue
            retry = next(
                (j for j in range(i + 1, len(self.calls))
                 if self.calls[j].name == call.name and self.calls[j].ok),
                None,
            )  # fmt: skip
            if retry is None:
                continue
            out.append({"call_index": i, "ok": False, "error": call.result.get("error"),
                        "cause": call.cause or "user", "excluded": True})  # fmt: skip
            out.append({"call_index": retry, "ok": True})
        return out

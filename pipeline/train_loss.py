"""Process-supervision loss over the export's span masks, and a `Trainer` that uses it.

    loss = CE(labels) + w_name * CE(tool_name_mask) + w_args * CE(tool_args_mask)
                      + w_int * CE(integration_mask)

Each term is a mean over its own tokens, so a weight says how much one span kind
counts whatever its length (a tool name is 1-3 tokens, its arguments dozens). As
in every causal LM, the logits at position t-1 predict token t: the mask at t
weights that prediction. A span token outside `labels` (a failed attempt the
export keeps out of the loss) takes no loss in any term, and a row or batch
without calls adds 0 for that term, never NaN.

Works on `data/train.parquet` and on the TRL export alike: it reads `input_ids`,
`labels`, `attention_mask` when present, and the three span masks. Needs the
`train` extra (`pip install "toolcall-data[train]"`); see docs/training.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from transformers import Trainer

IGNORE = -100
SPAN_MASKS = ("tool_name_mask", "tool_args_mask", "integration_mask")


@dataclass(frozen=True)
class SpanWeights:
    """The weight of each span term; all zero gives the plain label loss."""

    tool_name: float = 1.0
    tool_args: float = 1.0
    integration: float = 1.0

    def by_mask(self) -> dict[str, float]:
        return dict(
            zip(SPAN_MASKS, (self.tool_name, self.tool_args, self.integration), strict=True)
        )


def masked_mean(values: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Mean of `values` over the positions `weights` selects; 0 when it selects none."""
    # The clamp keeps an empty mask at 0 / 1 = 0 instead of 0 / 0 = NaN.
    return (values * weights).sum() / weights.sum().clamp(min=1)


def process_supervision_loss(
    logits: torch.Tensor,
    labels: torch.Tensor,
    masks: Mapping[str, torch.Tensor],
    weights: SpanWeights,
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """The weighted loss, and each unweighted term (`labels` and one per span mask)."""
    targets = labels[:, 1:]
    trained = targets != IGNORE
    # Cross-entropy in float32 whatever the model's dtype, as transformers' own loss does.
    per_token = F.cross_entropy(
        logits[:, :-1].float().transpose(1, 2), targets.masked_fill(~trained, 0), reduction="none"
    )
    terms = {"labels": masked_mean(per_token, trained.float())}
    loss = terms["labels"]
    for name, weight in weights.by_mask().items():
        selected = (masks[name][:, 1:] != 0) & trained
        terms[name] = masked_mean(per_token, selected.float())
        loss = loss + weight * terms[name]
    return loss, terms


@dataclass(frozen=True)
class ProcessCollator:
    """Pads a list of export rows into tensors: the ids, labels, attention and span masks."""

    pad_token_id: int

    def __call__(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, torch.Tensor]:
        def padded(key: str, value: int) -> torch.Tensor:
            columns = [torch.as_tensor(row[key], dtype=torch.long) for row in rows]
            return pad_sequence(columns, batch_first=True, padding_value=value)

        batch = {"input_ids": padded("input_ids", self.pad_token_id)}
        batch["labels"] = padded("labels", IGNORE)
        if "attention_mask" in rows[0]:
            batch["attention_mask"] = padded("attention_mask", 0)
        else:  # data/train.parquet has no such column: every token of a row is real
            ones = [torch.ones(len(row["input_ids"]), dtype=torch.long) for row in rows]
            batch["attention_mask"] = pad_sequence(ones, batch_first=True, padding_value=0)
        for name in SPAN_MASKS:
            batch[name] = padded(name, 0)
        return batch


class ProcessSupervisionTrainer(Trainer):
    """A `transformers.Trainer` whose loss adds the span terms of `process_supervision_loss`.

    Pass `remove_unused_columns=False` in the arguments (the span masks are not
    model inputs, so the default would drop them) and a `ProcessCollator`.
    """

    def __init__(self, *args: Any, span_weights: SpanWeights | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.span_weights = span_weights or SpanWeights()
        # The loss is a mean per micro-batch: the Trainer divides it by the
        # gradient accumulation steps, as it does for a model's own loss.
        self.model_accepts_loss_kwargs = False
        self._terms: dict[str, list[torch.Tensor]] = {}

    def compute_loss(
        self,
        model: Any,
        inputs: dict[str, torch.Tensor],
        return_outputs: bool = False,
        num_items_in_batch: Any = None,
    ) -> Any:
        missing = [name for name in ("labels", *SPAN_MASKS) if name not in inputs]
        if missing:
            raise KeyError(
                f"the batch has no {', '.join(missing)}: train with remove_unused_columns=False "
                "and a ProcessCollator"
            )
        masks = {name: inputs.pop(name) for name in SPAN_MASKS}
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        loss, terms = process_supervision_loss(outputs.logits, labels, masks, self.span_weights)
        if model.training:
            for name, value in terms.items():
                self._terms.setdefault(name, []).append(value.detach())
        return (loss, outputs) if return_outputs else loss

    def log(self, logs: dict[str, float], start_time: float | None = None) -> None:
        """The trainer's logs, plus each unweighted term's mean since the last log
        (`loss_labels`, `loss_tool_name`, `loss_tool_args`, `loss_integration`)."""
        if "loss" in logs and self._terms:
            means = {
                f"loss_{name.removesuffix('_mask')}": torch.stack(values).mean().item()
                for name, values in self._terms.items()
            }
            logs = {**logs, **means}
            self._terms = {}
        super().log(logs, start_time)

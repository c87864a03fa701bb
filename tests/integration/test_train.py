"""A real trainer on our export: TRL's SFTTrainer takes our labels as they are and
overfits a handful of items; the process-supervision loss of pipeline/train_loss.py
is the label loss plus the span terms, shifted like a causal LM.

Needs the `train` extra (torch, trl); `.ci/run` installs it and runs this module.
"""

from __future__ import annotations

import inspect
import math
import re
import runpy
import shutil
from pathlib import Path
from typing import Any

import pytest
from fixture_training import generated_export, tiny_qwen2, window

torch = pytest.importorskip("torch", reason="needs the train extra: pip install -e '.[train]'")
trl = pytest.importorskip("trl", reason="needs the train extra: pip install -e '.[train]'")

from datasets import Dataset, load_dataset  # noqa: E402
from transformers import AutoTokenizer, TrainerCallback  # noqa: E402

from pipeline import train_loss  # noqa: E402
from pipeline.train_loss import (  # noqa: E402
    SPAN_MASKS,
    ProcessCollator,
    ProcessSupervisionTrainer,
    SpanWeights,
    process_supervision_loss,
)

pytestmark = pytest.mark.train

DOCS = Path(__file__).parents[2] / "docs" / "training.md"
TOTAL = 16
ROWS = 4
WIDTH = 20
STEPS = 30


@pytest.fixture(scope="module")
def export_path(tmp_path_factory: pytest.TempPathFactory, qwen_dir: Path) -> Path:
    return generated_export(tmp_path_factory.mktemp("train"), qwen_dir, TOTAL)


@pytest.fixture(scope="module")
def export(export_path: Path) -> Dataset:
    """The generated TRL export as `datasets` loads it."""
    return load_dataset("parquet", data_files=str(export_path), split="train")


@pytest.fixture(scope="module")
def rows(export: Dataset) -> Dataset:
    """ROWS items with calls and integration spans, cut to windows at their first call or
    at their first integration span, of two widths (so batches pad)."""
    chosen = export.filter(lambda row: any(row["tool_name_mask"]) and any(row["integration_mask"]))
    anchors = ["tool_name_mask", "integration_mask"] * (ROWS // 2)
    widths = [WIDTH, WIDTH, WIDTH - 4, WIDTH - 4]

    def cut(row: dict[str, Any], n: int) -> dict[str, Any]:
        return window(row, widths[n], anchors[n])

    windows = chosen.select(range(ROWS)).map(cut, with_indices=True)
    assert all(any(map(any, windows[name])) for name in SPAN_MASKS)
    return windows


@pytest.fixture(scope="module")
def tokenizer(qwen_dir: Path) -> Any:
    return AutoTokenizer.from_pretrained(str(qwen_dir))


def model_for(tokenizer: Any) -> Any:
    return tiny_qwen2(len(tokenizer), tokenizer.pad_token_id)


class LossLog(TrainerCallback):
    """The training logs, and the loss, the trainer writes at every step."""

    def __init__(self) -> None:
        self.logs: list[dict[str, float]] = []

    def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any) -> None:
        if logs and "loss" in logs:
            self.logs.append({key: float(value) for key, value in logs.items()})

    @property
    def losses(self) -> list[float]:
        return [logs["loss"] for logs in self.logs]


def overfit_args(output_dir: Path) -> dict[str, Any]:
    """The training arguments both trainers overfit ROWS rows with, in STEPS steps of
    one batch each, a loss logged at every step, seeded, on the CPU, nothing saved."""
    return {
        "output_dir": str(output_dir),
        "remove_unused_columns": False,  # keeps the masks (and the ids the capture reads)
        "max_steps": STEPS,
        "per_device_train_batch_size": ROWS,
        "learning_rate": 1e-2,
        "lr_scheduler_type": "constant",
        "logging_steps": 1,
        "save_strategy": "no",
        "report_to": "none",
        "use_cpu": True,
        "seed": 0,
        "data_seed": 0,
    }


def assert_falls(losses: list[float], steps: int, first: float) -> None:
    """`steps` finite losses, the first one `first` (the untrained model's), then falling."""
    assert len(losses) == steps
    assert all(math.isfinite(loss) for loss in losses)
    assert losses[0] == pytest.approx(first, rel=1e-3)
    assert sum(losses[-3:]) / 3 < 0.5 * losses[0]


def start_loss(tokenizer: Any, rows: Dataset, weights: SpanWeights) -> float:
    """The loss of the untrained model (the same seed as the trainer's) on all rows."""
    batch = ProcessCollator(tokenizer.pad_token_id)(list(rows))
    with torch.no_grad():
        logits = forward(model_for(tokenizer), batch).logits
        return process_supervision_loss(logits, batch["labels"], batch, weights)[0].item()


def test_trained_tokens_are_the_labels(export: Dataset) -> None:
    # The export writes labels and both masks itself: they must agree token by token.
    for row in export:
        for token, label, assistant, completion in zip(
            row["input_ids"],
            row["labels"],
            row["assistant_masks"],
            row["completion_mask"],
            strict=True,
        ):
            assert label in (-100, token)
            assert completion == (label != -100)
            assert assistant or label == -100


def test_sft_trainer_keeps_our_labels_and_overfits(
    rows: Dataset, tokenizer: Any, tmp_path: Path
) -> None:
    from trl import SFTConfig, SFTTrainer
    from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

    by_id = {row["id"]: row for row in rows}
    batches: list[tuple[list[str], dict[str, Any]]] = []
    inner = DataCollatorForLanguageModeling(pad_token_id=tokenizer.pad_token_id)

    def collate(features: list[dict[str, Any]]) -> dict[str, Any]:
        batch = inner(features)
        batches.append(([f["id"] for f in features], {k: v.clone() for k, v in batch.items()}))
        return batch

    config = SFTConfig(
        **overfit_args(tmp_path),
        # Our rows are tokenised and labelled: TRL must neither re-tokenise nor re-mask them.
        dataset_kwargs={"skip_prepare_dataset": True},
        max_length=None,
        bf16=False,  # TRL's default: slow on CPU, and not the float32 reference loss below
    )
    log = LossLog()
    trainer = SFTTrainer(
        model=model_for(tokenizer),
        args=config,
        train_dataset=rows,
        processing_class=tokenizer,
        data_collator=collate,
        callbacks=[log],
    )
    prepared = trainer.train_dataset
    assert prepared["input_ids"] == rows["input_ids"] and prepared["labels"] == rows["labels"]
    trainer.train()

    assert len(batches) == STEPS
    for ids, batch in batches:
        assert sorted(ids) == sorted(by_id)
        for i, item_id in enumerate(ids):
            row, n = by_id[item_id], len(by_id[item_id]["input_ids"])
            assert batch["input_ids"][i, :n].tolist() == row["input_ids"]
            assert batch["labels"][i, :n].tolist() == row["labels"]
            assert batch["attention_mask"][i].tolist() == row["attention_mask"] + [0] * (
                batch["input_ids"].shape[1] - n
            )
            assert (batch["labels"][i, n:] == -100).all()
    # The first loss is the untrained model's cross-entropy over our labels (near
    # ln(151k) ~ 12, a random model); 30 steps on 4 rows memorise them.
    assert_falls(log.losses, STEPS, start_loss(tokenizer, rows, SpanWeights(0.0, 0.0, 0.0)))


def test_without_skip_prepare_trl_cuts_our_rows(
    rows: Dataset, tokenizer: Any, tmp_path: Path
) -> None:
    """Why the examples pass `skip_prepare_dataset`: TRL's preparation truncates."""
    from trl import SFTConfig, SFTTrainer

    cut = WIDTH // 2
    config = SFTConfig(
        output_dir=str(tmp_path), max_length=cut, bf16=False, use_cpu=True, report_to="none"
    )
    trainer = SFTTrainer(
        model=model_for(tokenizer), args=config, train_dataset=rows, processing_class=tokenizer
    )
    prepared = trainer.train_dataset
    assert all(len(ids) == cut for ids in prepared["input_ids"])
    assert prepared["labels"] != rows["labels"]


def forward(model: Any, batch: dict[str, Any]) -> Any:
    return model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])


def by_hand(logits: Any, batch: dict[str, Any], name: str) -> Any:
    """The mean of -log p(token t | tokens < t) over the tokens the mask `name` marks."""
    log_probs = torch.log_softmax(logits.float(), dim=-1)
    values = [
        -log_probs[b, t - 1, batch["input_ids"][b, t]]
        for b, t in batch[name].nonzero().tolist()
        if t > 0 and batch["labels"][b, t] != -100
    ]
    return torch.stack(values).mean()


def test_zero_weights_give_the_model_loss(rows: Dataset, tokenizer: Any) -> None:
    model = model_for(tokenizer)
    batch = ProcessCollator(tokenizer.pad_token_id)(list(rows))
    loss, terms = process_supervision_loss(
        forward(model, batch).logits, batch["labels"], batch, SpanWeights(0.0, 0.0, 0.0)
    )
    expected = model(**{k: batch[k] for k in ("input_ids", "attention_mask", "labels")}).loss
    assert torch.allclose(loss, expected) and torch.equal(loss, terms["labels"])


def test_span_terms_are_shifted_means_and_differentiable(rows: Dataset, tokenizer: Any) -> None:
    model = model_for(tokenizer)
    batch = ProcessCollator(tokenizer.pad_token_id)(list(rows))
    logits = forward(model, batch).logits
    weights = SpanWeights(tool_name=1.0, tool_args=0.5, integration=0.25)
    loss, terms = process_supervision_loss(logits, batch["labels"], batch, weights)
    for name in SPAN_MASKS:
        assert torch.allclose(terms[name], by_hand(logits, batch, name))
    combined = (
        terms["labels"]
        + terms["tool_name_mask"]
        + 0.5 * terms["tool_args_mask"]
        + 0.25 * terms["integration_mask"]
    )
    assert torch.allclose(loss, combined)
    loss.backward()
    grad = model.get_input_embeddings().weight.grad
    assert grad is not None and torch.isfinite(grad).all() and grad.abs().sum() > 0


def test_a_mask_changes_the_loss(rows: Dataset, tokenizer: Any) -> None:
    model = model_for(tokenizer)
    batch = ProcessCollator(tokenizer.pad_token_id)(list(rows))
    logits = forward(model, batch).logits
    weights = SpanWeights(tool_name=0.0, tool_args=1.0, integration=0.0)
    with_args, _ = process_supervision_loss(logits, batch["labels"], batch, weights)
    moved = {**batch, "tool_args_mask": torch.roll(batch["tool_args_mask"], 1, dims=1)}
    shifted, _ = process_supervision_loss(logits, batch["labels"], moved, weights)
    empty = {**batch, "tool_args_mask": torch.zeros_like(batch["tool_args_mask"])}
    without, terms = process_supervision_loss(logits, batch["labels"], empty, weights)
    assert with_args != shifted and with_args != without
    assert torch.equal(without, terms["labels"])


def test_rows_without_calls_add_zero_not_nan(export: Dataset, tokenizer: Any) -> None:
    control = export.filter(lambda row: not any(row["tool_name_mask"])).select(range(1))
    cut = control.map(lambda row: window(row, WIDTH, "assistant_masks"))
    batch = ProcessCollator(tokenizer.pad_token_id)(list(cut))
    assert not any(batch[name].any() for name in SPAN_MASKS)
    loss, terms = process_supervision_loss(
        forward(model_for(tokenizer), batch).logits, batch["labels"], batch, SpanWeights()
    )
    assert all(terms[name].item() == 0.0 for name in SPAN_MASKS)
    assert torch.isfinite(loss) and torch.equal(loss, terms["labels"])


def test_process_trainer_trains_on_the_span_terms(
    rows: Dataset, tokenizer: Any, tmp_path: Path
) -> None:
    from transformers import TrainingArguments

    args = TrainingArguments(**overfit_args(tmp_path))
    log = LossLog()
    weights = SpanWeights(tool_name=1.0, tool_args=0.5, integration=0.5)
    trainer = ProcessSupervisionTrainer(
        model=model_for(tokenizer),
        args=args,
        train_dataset=rows,
        data_collator=ProcessCollator(tokenizer.pad_token_id),
        callbacks=[log],
        span_weights=weights,
    )
    trainer.train()
    # The logged loss is ours (span terms included), not the model's own.
    assert_falls(log.losses, STEPS, start_loss(tokenizer, rows, weights))
    # Beside it, each term: the weighted sum of the first step's terms is its loss.
    first = log.logs[0]
    terms = [first[f"loss_{name}"] for name in ("labels", "tool_name", "tool_args", "integration")]
    assert all(math.isfinite(term) and term > 0 for term in terms)
    combined = terms[0] + terms[1] + 0.5 * terms[2] + 0.5 * terms[3]
    assert first["loss"] == pytest.approx(combined, rel=1e-3)
    assert log.logs[-1]["loss_tool_args"] < 0.5 * first["loss_tool_args"]


def test_process_trainer_names_the_missing_masks(
    rows: Dataset, tokenizer: Any, tmp_path: Path
) -> None:
    from transformers import TrainingArguments, default_data_collator

    args = TrainingArguments(output_dir=str(tmp_path), report_to="none", use_cpu=True)
    trainer = ProcessSupervisionTrainer(
        model=model_for(tokenizer),
        args=args,
        data_collator=default_data_collator,
    )
    batch = ProcessCollator(tokenizer.pad_token_id)(list(rows))
    del batch["tool_args_mask"]
    with pytest.raises(KeyError, match=r"tool_args_mask.*remove_unused_columns=False"):
        trainer.compute_loss(trainer.model, batch)


def test_training_doc_runs_and_shows_the_real_loss(
    export_path: Path, qwen_dir: Path, tokenizer: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text("utf-8"), re.DOTALL)
    excerpts = [block for block in blocks if block.startswith("def ")]
    assert len(blocks) == 3 and len(excerpts) == 1
    assert excerpts[0] in inspect.getsource(train_loss)
    # The layout the doc assumes, from today's export itself (its own column names).
    (tmp_path / "data" / "exports" / "trl").mkdir(parents=True)
    shutil.copytree(qwen_dir, tmp_path / "data" / "tokenizer")
    original = load_dataset("parquet", data_files=str(export_path), split="train")
    chosen = original.filter(lambda row: any(row["tool_name_mask"])).select(range(2))
    chosen.map(lambda row: window(row, WIDTH, "tool_name_mask")).to_parquet(
        str(tmp_path / "data" / "exports" / "trl" / "train.parquet")
    )
    model_for(tokenizer).save_pretrained(str(tmp_path / "models" / "student"))
    script = tmp_path / "example.py"
    script.write_text("\n".join(b for b in blocks if b not in excerpts), "utf-8")
    monkeypatch.chdir(tmp_path)
    names = runpy.run_path(str(script))
    state = names["trainer"].state
    assert state.global_step == 3 * 2  # the default three epochs of two rows, batches of one
    assert math.isfinite(state.log_history[-1]["train_loss"])

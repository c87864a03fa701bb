"""Training-test helpers: a small export from the real pipeline, cut to short windows,
and a tiny randomly initialised Qwen2 over the student vocabulary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fixture_items import generate_and_extract

# Generated items are long (median ~1,200 tokens, mostly the system prompt with the
# tool schemas), and each token's logits span the 151k-id vocabulary (0.6 MB in
# float32, several passes per step on a memory-bound CPU): every row is cut to one
# short window, LEAD tokens before the first token of one of its masks (a call's
# name, or the first integration span of its answer), so that CPU training takes
# seconds. All per-token columns are cut alike, so they stay aligned.
LEAD = 4


def generated_export(tmp: Path, qwen_dir: Path, total: int) -> Path:
    """`total` items through the real generate and extract stages; the TRL export's path."""
    # Every row in train: a handful of items is all there is.
    generate_and_extract(tmp, qwen_dir, total, exports=["trl"], validation_share=0.0)
    return tmp / "exports" / "trl" / "train.parquet"


def window(row: dict[str, Any], width: int, anchor: str) -> dict[str, Any]:
    """Every per-token column cut alike: `width` tokens from LEAD before `anchor`'s first 1."""
    start = max(0, row[anchor].index(1) - LEAD)
    return {
        name: value[start : start + width] if isinstance(value, list) else value
        for name, value in row.items()
    }


def tiny_qwen2(vocab_size: int, pad_token_id: int, seed: int = 0) -> Any:
    """A randomly initialised two-layer Qwen2 whose embedding covers `vocab_size` ids."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(seed)
    config = Qwen2Config(
        vocab_size=vocab_size,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=512,
        pad_token_id=pad_token_id,
        tie_word_embeddings=True,
    )
    return Qwen2ForCausalLM(config)

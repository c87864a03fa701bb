"""Negative controls: decoy or empty tool results make integration F1 fall by their share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from fixture_items import repo_params_under, run_stages


def build(root: Path, tokenizer: Path, probability: float) -> dict[str, Any]:
    data = repo_params_under(root, tokenizer)
    data["generate"].update({"total": 120, "negative_control_prob": probability})
    run_stages(root, data)
    report: dict[str, Any] = orjson.loads((root / "data" / "verify_report.json").read_bytes())
    return report


def test_lax_f1_falls_by_the_share_of_negative_controls(tmp_path: Path, qwen_dir: Path) -> None:
    clean = build(tmp_path / "clean", qwen_dir, 0.0)["integration_f1"]
    report = build(tmp_path / "negative", qwen_dir, 0.3)
    noisy = report["integration_f1"]
    assert clean["negative_controls"] == 0
    share = noisy["negative_controls"] / noisy["items"]
    assert 0.15 < share < 0.45, "about 30% of the eligible normal items"
    drop = clean["lax_macro"] - noisy["lax_macro"]
    assert drop == pytest.approx(share, abs=0.05)
    assert noisy["strict_macro"] < clean["strict_macro"]
    assert noisy["lax_micro"] < clean["lax_micro"]
    assert noisy["misses"] >= noisy["negative_controls"]
    assert "integration_f1" in report["summary"]["failed_gates"]
    failing = {e["id"] for e in report["items"] if "ungrounded_lax" in e["reasons"]}
    assert len(failing) == noisy["misses"]

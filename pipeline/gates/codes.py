"""Every reason code the verifier can give, in report order.

Metrics carry a count for each of them, zeros included, so the key set of
`metrics/reasons.json` never changes with the data.
"""

from __future__ import annotations

# The families of item codes that one gate each sums up.
PRIVACY_REASONS = (
    "pii_email",
    "pii_uuid",
    "pii_phone",
    "pii_card",
    "secret",
    "url_not_allowlisted",
)
SAFETY_REASONS = ("unsafe_path", "shell_injection")
# A fast path that differs from the implementation it stands in for: tiktoken
# from `tokenizers` (on the items verify re-encodes), the Python port of the
# chat template from Jinja (on every item, by the sequence's sha256).
REFERENCE_REASONS = ("tokenizer_mismatch", "rendering_mismatch")
# What a reader checks: meaning, honesty and labels (pipeline.gates.meaning).
SEMANTIC_REASONS = (
    "result_incoherent",
    "intent_unanswered",
    "error_undisclosed",
    "prompt_leak",
    "template_residue",
    "request_incoherent",
    "history_absent",
    "figure_misattributed",
    "label_mismatch",
    "invalid_trained_call",
)
# Codes given to single items (counted as items).
ITEM_REASONS = (
    "record_invalid",
    "targets_invalid",
    "extraction_incomplete",
    "json_invalid",
    "schema_invalid",
    # An offered tool schema verify cannot use: its calls are counted as unknown.
    "schema_unusable",
    "ungrounded_lax",
    "ungrounded_strict",
    "gold_span_mismatch",
    "control_tool_call",
    "control_integration",
    "caws_unparsable",
    "caws_too_long",
    *PRIVACY_REASONS,
    *SAFETY_REASONS,
    "misaligned_teacher",
    "misaligned_sequence",
    *REFERENCE_REASONS,
    "multicall_missing_args",
    "structure_mismatch",
    "adversarial_behaviour",
    "attempts_inconsistent",
    "integration_over_cap",
    "reasoning_content",
    "call_like_text",
    "long_context_short",
    "locale_probe_format",
    "tool_definition_mismatch",
    *SEMANTIC_REASONS,
    "duplicate_id",
    "duplicate_prompt",
)
# Codes of set-level gates (counted as the number of shortfalls they found).
SET_REASONS = (
    "stratification_cell",
    "structure_coverage",
    "control_mix",
    "multilingual_mix",
    "locale_probes",
    "adversarial_quota",
    "long_context_quota",
    "long_context_gap",
    "multilingual_extraction",
    "tokenizer_fingerprint",
    "registry_fingerprint",
)
REASONS = ITEM_REASONS + SET_REASONS

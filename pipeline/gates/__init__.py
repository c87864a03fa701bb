"""Verification gates: per-item checks, set-level gates, report, metrics, card and plots.

Per-item checks return a reason code or nothing (`checks`, `privacy`,
`safety`, `calls`, `grounding`, `spans`, gathered per item by `judge` and
per chunk by `item`); `stats` folds them, `itemgates` and `setgates` turn the
figures into gates, `report`, `card` and `plots` write what a reviewer reads.
`run.verify` is the whole stage as one function.
"""

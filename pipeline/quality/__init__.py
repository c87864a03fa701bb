"""Quality figures kept as DVC metrics: test coverage, security scans, mutation score.

Each figure is computed by running the real tool (pytest-cov, bandit,
pip-audit, mutmut) and reduced by a pure function to a small JSON file of
numbers with a fixed key set, so `dvc metrics diff` can show it in review.
"""

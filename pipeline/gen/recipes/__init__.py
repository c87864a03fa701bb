"""Recipes: one per (scenario, complexity), each a whole item from request to answer."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.gen.context import Ctx
from pipeline.gen.recipes import code, files, multi, web
from pipeline.gen.recipes.base import Outcome

Recipe = Callable[[Ctx], Outcome]
RECIPES: dict[tuple[str, str], Recipe] = {
    ("file_ops", "single_call"): files.single,
    ("file_ops", "multi_call"): files.multi,
    ("file_ops", "branching_error_recovery"): files.recover,
    ("web_search", "single_call"): web.single,
    ("web_search", "multi_call"): web.multi,
    ("web_search", "branching_error_recovery"): web.recover,
    ("code_exec", "single_call"): code.single,
    ("code_exec", "multi_call"): code.multi,
    ("code_exec", "branching_error_recovery"): code.recover,
    ("multi_step", "single_call"): multi.multi,
    ("multi_step", "multi_call"): multi.multi,
    ("multi_step", "branching_error_recovery"): multi.recover,
}

__all__ = ["RECIPES", "Outcome", "Recipe"]

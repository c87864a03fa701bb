"""The project's template environment looks attributes up exactly as Jinja's own."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import pytest
from jinja2 import Environment, Undefined

from pipeline.student import chat_template, compile_template


class _Obj:
    role = "attribute"


@pytest.mark.parametrize(
    ("obj", "name"),
    [
        ({"role": "user"}, "role"),
        ({"items": "a key"}, "items"),  # a dict method wins over a key, as in Jinja
        ({"get": 1}, "get"),
        ({}, "function"),
        (OrderedDict(role="x"), "role"),
        (_Obj(), "role"),
        ([1, 2], "append"),
    ],
)
def test_getattr_matches_jinja(obj: Any, name: str) -> None:
    ours = compile_template(chat_template()).environment.getattr(obj, name)
    theirs = Environment().getattr(obj, name)
    if isinstance(theirs, Undefined):
        # The same undefined: its name and object make the message of a failed use.
        assert type(ours) is type(theirs)
        assert ours._undefined_name == theirs._undefined_name == name
        assert ours._undefined_obj is theirs._undefined_obj is obj
    else:
        assert ours == theirs

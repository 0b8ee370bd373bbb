"""The 37 accepting institutions (PROCESS.md), shipped as reference data."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from pydantic import BaseModel


class Office(BaseModel, frozen=True):
    """One accepting institution; ``code`` is the two letters that start its tracking codes."""

    code: str
    name_zh: str
    name_en: str

    def name(self, language: str) -> str:
        """The office's name in ``language``."""
        return self.name_zh if language == "zh" else self.name_en


@cache
def all_offices() -> tuple[Office, ...]:
    """Every accepting institution, in the order of the published list."""
    text = resources.files("data").joinpath("reference/offices.json").read_text("utf-8")
    return tuple(Office.model_validate(row) for row in json.loads(text))


def find_office(code_or_name: str) -> Office | None:
    """The office whose code (any case) or Chinese name is ``code_or_name``, or None."""
    wanted = code_or_name.strip()
    for office in all_offices():
        if office.code == wanted.upper() or office.name_zh == wanted:
            return office
    return None

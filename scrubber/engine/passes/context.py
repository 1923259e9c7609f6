"""Context pass (text mode): placeholder until measured; see module docstring of passes."""

from __future__ import annotations

from ..state import State


def run(state: State) -> None:
    return None

"""Scans of the passes' per-block lists (verdicts, body flags) by identity or truth.

``list.index``, ``count`` and ``in`` compare every item by ``==``: for a Verdict against
``None`` that is two rich comparisons, and the passes scan lists of hundreds of blocks
several times a document (~5% of text mode's instructions). Verdicts compare by identity
anyway, and body flags are ``True``/``False``/``None``. The native core has these loops
in C (``_passes``); the functions below are the same in Python.
"""

from __future__ import annotations

from typing import Any

__all__ = ["count_is", "find_is", "truthy_bounds"]


def _find_is(seq: list[Any], obj: object, start: int = 0) -> int:
    """The first index from ``start`` on whose item is ``obj`` (by identity), else -1."""
    return next((i for i in range(max(start, 0), len(seq)) if seq[i] is obj), -1)


def _count_is(seq: list[Any], obj: object) -> int:
    """How many items of ``seq`` are ``obj`` (by identity)."""
    return sum(1 for item in seq if item is obj)


def _truthy_bounds(seq: list[Any]) -> tuple[int, int]:
    """``(first, last)``: the indices of the first and the last true item, ``(-1, -1)``
    when none is."""
    first = next((i for i, item in enumerate(seq) if item), -1)
    if first < 0:
        return -1, -1
    return first, next(i for i in range(len(seq) - 1, first - 1, -1) if seq[i])


try:
    from ._passes import count_is, find_is, truthy_bounds
except ImportError:  # no compiler at install
    count_is, find_is, truthy_bounds = _count_is, _find_is, _truthy_bounds

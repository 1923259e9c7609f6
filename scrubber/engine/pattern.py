"""A rule's regex, compiled when it is first used.

``regex.compile`` parses in Python: the built-in packs' 94 patterns cost ~80 ms, a quarter of
a ``Scrubber()``. Compiled on first use instead, a short run compiles only the patterns its
lines reach, and the workers of a ``--jobs`` run, forked from a parent that compiled none,
compile theirs in parallel instead of waiting for the parent to compile them one after
another. (Patterns are validated -- compiled and probed -- when a user pack is loaded, and
the built-in packs' by the test suite: a pattern that reaches here compiles.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import regex


class LazyPattern:
    """``regex.compile(pattern)``, made on first use; ``search`` and ``finditer`` as the
    compiled pattern's. The first use binds them on the instance, so later calls are the
    compiled pattern's own methods (no wrapper: span rules call ``finditer`` on every
    candidate block). Threads racing to the first use each compile: the same pattern."""

    __slots__ = ("__dict__", "_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: regex.Pattern[str] | None = None

    @property
    def compiled(self) -> regex.Pattern[str]:
        compiled = self._compiled
        if compiled is None:
            compiled = regex.compile(self.pattern)
            self.__dict__.update(search=compiled.search, finditer=compiled.finditer)
            self._compiled = compiled
        return compiled

    @property
    def is_compiled(self) -> bool:
        return self._compiled is not None

    def search(self, string: str, *args: Any, **kwargs: Any) -> regex.Match[str] | None:
        return self.compiled.search(string, *args, **kwargs)  # (first call only)

    def finditer(self, string: str, *args: Any, **kwargs: Any) -> Iterator[regex.Match[str]]:
        return self.compiled.finditer(string, *args, **kwargs)  # (first call only)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"

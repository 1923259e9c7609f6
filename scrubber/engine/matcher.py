"""Multi-phrase matching: one automaton for every prefix/contains phrase of every rule.

``ahocorasick_rs`` (a Rust Aho-Corasick wheel) is the fast path; :class:`PurePhraseMatcher`
is the pure-Python fallback used when the wheel is not installed. Both report the same
set of ``(phrase_index, start)`` pairs (pinned by tests/test_matcher_conformance.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

try:  # pragma: no cover - exercised by whichever path the machine has
    import ahocorasick_rs as _ac
except ImportError:  # pragma: no cover
    _ac = None


_SURROGATE = re.compile("[\ud800-\udfff]")


class PurePhraseMatcher:
    """All occurrences of a set of phrases, by a dict of phrases keyed by their first char."""

    def __init__(self, phrases: Sequence[str]) -> None:
        self._by_first: dict[str, list[tuple[str, int]]] = {}
        for i, phrase in enumerate(phrases):
            self._by_first.setdefault(phrase[0], []).append((phrase, i))

    def find(self, text: str) -> list[tuple[int, int]]:
        """``(phrase_index, start)`` of every (overlapping) occurrence."""
        return [(i, start) for i, start, _ in self.occurrences(text)]

    def occurrences(self, text: str) -> list[tuple[int, int, int]]:
        """``(phrase_index, start, end)`` of every (overlapping) occurrence."""
        out: list[tuple[int, int, int]] = []
        by_first = self._by_first
        for pos, ch in enumerate(text):
            candidates = by_first.get(ch)
            if candidates:
                for phrase, i in candidates:
                    if text.startswith(phrase, pos):
                        out.append((i, pos, pos + len(phrase)))
        return out


class RustPhraseMatcher:
    """All occurrences of a set of phrases with ``ahocorasick_rs``."""

    def __init__(self, phrases: Sequence[str]) -> None:
        assert _ac is not None
        self._ac = _ac.AhoCorasick(list(phrases), matchkind=_ac.MatchKind.Standard)

    def find(self, text: str) -> list[tuple[int, int]]:
        """``(phrase_index, start)`` of every (overlapping) occurrence."""
        return [(i, start) for i, start, _ in self.occurrences(text)]

    def occurrences(self, text: str) -> list[tuple[int, int, int]]:
        """``(phrase_index, start, end)`` of every (overlapping) occurrence."""
        try:
            return self._ac.find_matches_as_indexes(text, overlapping=True)
        except UnicodeEncodeError:  # lone surrogates: same-length stand-ins keep offsets
            return self._ac.find_matches_as_indexes(_SURROGATE.sub("\ufffd", text), overlapping=True)


def phrase_matcher(phrases: Sequence[str], *, pure: bool = False) -> PurePhraseMatcher | RustPhraseMatcher:
    """The fastest available matcher for ``phrases`` (``pure=True`` forces the fallback)."""
    if pure or _ac is None or not phrases:
        return PurePhraseMatcher(phrases)
    return RustPhraseMatcher(phrases)

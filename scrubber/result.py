"""Removal and Result: what was removed, why, and how to replay it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from operator import itemgetter
from typing import Any, overload

from .fronts.text import BLANK

try:
    from .engine._lines import layout as _NATIVE_LAYOUT
except ImportError:  # no compiler at install: layout_py
    _NATIVE_LAYOUT = None

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BLANK_RUN = re.compile(r"\n\n+")


@dataclass(frozen=True, slots=True)
class Removal:
    """One removal: ``source[start:end]`` (== ``text``) went, by rule ``rule_id``.

    ``replacement`` is empty except where a broken paragraph was re-joined (category
    ``repair``): the whitespace between the two halves is replaced by it (``""`` or ``" "``).
    """

    rule_id: str
    category: str
    start: int
    end: int
    text: str
    replacement: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of scrubbing one document.

    ``text`` is the clean body; ``title`` the title where one was found (it is not part of
    ``text``); ``removals`` every removal in source order (a :class:`Removals`, which reads
    as a tuple of :class:`Removal`; a tuple is accepted too); ``flags`` notes such as
    ``over_removal_guard`` or ``regex_timeout:RULE-ID``. ``replay(source, removals) == text``.
    """

    text: str
    title: str | None
    source: str
    removals: Sequence[Removal]
    flags: tuple[str, ...] = ()

    def explain(self) -> str:
        """One line per removal: rule id, category, where, and the text removed."""
        lines = []
        for r in self.removals:
            where = _line_of(self.source, r.start)
            if r.category == "repair":
                lines.append(f"{r.rule_id:<12} {r.category:<11} line {where}: re-joined with the next line")
            else:
                lines.append(f"{r.rule_id:<12} {r.category:<11} line {where}: {_show(r.text)}")
        lines.extend(f"flag: {flag}" for flag in self.flags)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``source`` omitted; removals as dicts)."""
        return {
            "text": self.text,
            "title": self.title,
            "removals": [asdict(r) for r in self.removals],
            "flags": list(self.flags),
        }

    def replay(self) -> str:
        """Apply ``removals`` to ``source`` again; equals ``text``."""
        return replay(self.source, self.removals)


#: One removal as the engine records it: ``(start, end, rule_id, category, replacement)``.
Row = tuple[int, int, str, str, str]
#: Sort key of rows: source order.
POSITION = itemgetter(0, 1)


class Removals(Sequence[Removal]):
    """``Result.removals``: every removal in source order, as an immutable sequence of
    :class:`Removal` that compares equal to the tuple of the same removals.

    The engine records a removal as a row (offsets, rule, category, replacement); most
    callers read only ``Result.text``, so the :class:`Removal` objects and their text
    slices are made when the sequence is first read, once. Pickles as its rows.
    """

    __slots__ = ("_items", "_kinds", "_pending", "_rows", "_source")

    def __init__(self, source: str, rows: Iterable[Row], *, ordered: bool = False) -> None:
        self._source = source
        self._rows: tuple[Row, ...] | None = tuple(rows if ordered else sorted(rows, key=POSITION))
        self._pending: Callable[[], Iterable[Row]] | None = None
        self._items: tuple[Removal, ...] | None = None
        self._kinds: Sequence[Any] | None = None

    @classmethod
    def deferred(cls, source: str, make_rows: Callable[[], Iterable[Row]],
                 kinds: Sequence[Any] | None = None) -> Removals:
        """Removals whose rows, already in source order, ``make_rows()`` makes when they are
        first read (the engine's case: most callers read only ``Result.text``). ``kinds``:
        per row, an object whose ``category`` is the row's (shared objects: one per rule), so
        that :meth:`categories` needs no rows."""
        self = cls(source, ())
        self._rows, self._pending, self._kinds = None, make_rows, kinds
        return self

    def categories(self) -> dict[str, int]:
        """How many removals there are of each category -- without making the rows where
        they are not made yet (an ETL run counts every document's removals: making the
        rows for that cost a tenth of the cleaning)."""
        kinds = self._kinds
        if self._rows is None and kinds is not None:
            # (Few removals: a loop; many: counted by identity in C first, one per rule.)
            pairs = Counter(kinds).items() if len(kinds) > 8 else ((kind, 1) for kind in kinds)
            counts: dict[str, int] = {}
            for kind, n in pairs:
                counts[kind.category] = counts.get(kind.category, 0) + n
            return counts
        counts = {}
        for row in self.rows:
            counts[row[3]] = counts.get(row[3], 0) + 1
        return counts

    @property
    def rows(self) -> tuple[Row, ...]:
        """The removals as ``(start, end, rule_id, category, replacement)`` rows, without
        building :class:`Removal` objects (the cheap way to count or filter them)."""
        rows = self._rows
        if rows is None:  # (two threads may both make them: the same rows)
            rows = self._rows = tuple(self._pending())  # type: ignore[misc]
            self._pending = None
        return rows

    def _built(self) -> tuple[Removal, ...]:
        items = self._items
        if items is None:
            source = self._source
            items = self._items = tuple([
                Removal(rule_id, category, start, end, source[start:end], replacement)
                for start, end, rule_id, category, replacement in self.rows
            ])
        return items

    @overload
    def __getitem__(self, index: int) -> Removal: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Removal, ...]: ...
    def __getitem__(self, index: int | slice) -> Removal | tuple[Removal, ...]:
        return self._built()[index]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Removal]:
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Removals):
            return self.rows == other.rows and (not self.rows or self._source == other._source)
        if isinstance(other, tuple):
            return self._built() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._built())

    def __repr__(self) -> str:
        return repr(self._built())

    def __reduce__(self) -> tuple[Any, ...]:
        return (_removals, (self._source, self.rows))


def _removals(source: str, rows: tuple[Row, ...]) -> Removals:
    return Removals(source, rows, ordered=True)


def replay_rows(source: str, rows: Iterable[Row]) -> str:
    """:func:`replay` of removals given as :data:`Row` s already in source order."""
    pieces = []
    pos = 0
    for start, end, _, _, replacement in rows:
        if start < pos:
            raise ValueError(f"overlapping removals at offset {start}")
        if start > pos:  # (removed lines are mostly adjacent: nothing kept between them)
            pieces.append(source[pos:start])
        if replacement:
            pieces.append(replacement)
        pos = end
    pieces.append(source[pos:])
    return layout("".join(pieces))


def replay(source: str, removals: Iterable[Removal], *, ordered: bool = False) -> str:
    """Cut every removal out of ``source`` (inserting repair replacements), then lay out.

    Layout is the only other step: each line stripped, runs of blank lines collapsed to one,
    leading and trailing blank lines dropped. ``ordered``: the removals are already sorted
    by ``(start, end)``.
    """
    pieces = []
    pos = 0
    for r in removals if ordered else sorted(removals, key=lambda r: (r.start, r.end)):
        if r.start < pos:
            raise ValueError(f"overlapping removals at offset {r.start}")
        pieces.append(source[pos : r.start])
        pieces.append(r.replacement)
        pos = r.end
    pieces.append(source[pos:])
    return layout("".join(pieces))


def layout(text: str) -> str:
    """Strip each line, collapse blank-line runs to one blank line, trim the ends.

    Lines and blanks are those of the text front end: ``\n``, ``\r\n`` and ``\r`` end a
    line, and :data:`~scrubber.fronts.text.BLANK` characters are stripped. (In the native
    core when it is built: the same text, in one pass.)
    """
    if _NATIVE_LAYOUT is not None:
        return _NATIVE_LAYOUT(text)
    return layout_py(text)


def layout_py(text: str) -> str:
    """:func:`layout` in Python (installs without the native core; the conformance tests)."""
    lines = _LINE_BREAK.split(text) if "\r" in text else text.split("\n")
    # Stripped lines joined by "\n": a run of blank lines is a run of "\n"s (C-level steps,
    # not a Python loop per line: this runs over every output text).
    joined = "\n".join([line.strip(BLANK) for line in lines])
    return _BLANK_RUN.sub("\n\n", joined).strip("\n")


def _line_of(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


def _show(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")

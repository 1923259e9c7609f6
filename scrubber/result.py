"""Removal and Result: what was removed, why, and how to replay it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from .fronts.text import BLANK

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
    ``text``); ``removals`` every removal in source order; ``flags`` notes such as
    ``over_removal_guard`` or ``regex_timeout:RULE-ID``. ``replay(source, removals) == text``.
    """

    text: str
    title: str | None
    source: str
    removals: tuple[Removal, ...]
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
    line, and :data:`~scrubber.fronts.text.BLANK` characters are stripped.
    """
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

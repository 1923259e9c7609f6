"""Config: the one object that holds every option, frozen, hashable and documented."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

BUILTIN_PACKS: tuple[str, ...] = ("common", "zh", "en", "de", "fr", "es", "pt", "it", "ru", "pl", "ja", "ko")
#: The values of ``Config.main_content``.
MAIN_CONTENT: tuple[str, ...] = ("auto", "scorer", "trafilatura")


_MAX_INT = 2**62
_MAX_BUDGET = 1e9


def _real(value: object) -> bool:
    """An int or float (not a bool, a str or a Decimal)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Config:
    """Every option of a :class:`~scrubber.Scrubber`.

    Build one and pass it explicitly; ``scrub(text, **options)`` builds one from its keyword
    arguments. Unknown option names are a ``TypeError``.
    """

    #: Built-in packs to load, by name (``common``, ``zh``, ``en``, ``de``, ``fr``, ``es``, ``pt``,
    #: ``it``, ``ru``, ``pl``, ``ja``, ``ko``).
    packs: tuple[str, ...] = BUILTIN_PACKS
    #: Extra user packs: paths of TOML files, loaded after the built-in ones.
    extra_packs: tuple[str, ...] = ()
    #: If not empty, only rules matching one of these selectors run. A selector is a rule id
    #: glob (``ZH-NAV-*``), a rule name glob (``breadcrumb.*``) or a category (``share``).
    select: tuple[str, ...] = ()
    #: Rules matching one of these selectors (same forms as ``select``) never run.
    ignore: tuple[str, ...] = ()

    #: Remove repeated blocks (exact, normalised and contained repeats), keeping the first copy.
    dedup: bool = True
    #: A repeated block shorter than this many characters is kept (list items, short labels).
    dup_min_chars: int = 24
    #: A block that is only a prefix or suffix of an earlier block is removed from this length.
    contained_min_chars: int = 40
    #: Re-join paragraphs broken mid-sentence (after a comma, CJK or Latin).
    repair: bool = True
    #: Move a heading-like first line into ``Result.title`` (text mode; in HTML mode, a first
    #: line that repeats the page's title).
    title: bool = True
    #: Remove runs of short non-prose lines (menus, link lists) around the body (text mode).
    context: bool = True

    #: A block "looks like body text" from this many CJK characters ...
    body_min_cjk: int = 15
    #: ... or this many words in other scripts (and it has sentence punctuation).
    body_min_words: int = 10

    #: ``cut_rest`` rules fire only when at least this share of the body precedes them.
    cut_rest_min_share: float = 0.6
    #: Over-removal guard: if more than this share of the non-space characters would be
    #: removed, the document is returned untouched with the flag ``over_removal_guard``.
    max_removed_share: float = 0.9

    #: Maximum input size in characters (text) or bytes (HTML); larger input raises LimitError.
    max_input_chars: int = 64_000_000
    #: Time budget for the regex rules on one document, in seconds per million characters
    #: (at least this much for any document). A rule that times out is skipped for the rest
    #: of the document and named in ``Result.flags`` (``regex_timeout:ID``); once the budget
    #: is spent no regex runs (flag ``regex_budget_exhausted``).
    regex_budget: float = 1.0
    #: Text matching (native core): how many distinct lines' match results a Scrubber keeps
    #: across documents -- a site repeats its menus and footers on every page. Results are
    #: the same with any value; 0 turns it off. At most twice this many lines are held (two
    #: generations: the older is dropped when the newer fills), a few MB at the default.
    line_cache: int = 20_000

    #: HTML mode: a page with more elements than this is read as plain text (tags stripped,
    #: no main-content selection) and flagged ``html:too_many_elements``; bounds memory.
    max_html_elements: int = 200_000
    #: Keep reader comments under an article (they are not body by default): in HTML mode
    #: the comment elements stay in the main content; in both modes a comment thread's
    #: header (``COM-CMT-*``: '12 thoughts on “…”', 'Leave a Reply') removes only itself,
    #: not the thread below it.
    include_comments: bool = False
    #: HTML mode: how the main content is chosen. ``"auto"``: our scorer, with trafilatura
    #: consulted only on pages where the scorer is unsure (about one page in ten);
    #: ``"scorer"``: the scorer alone (fastest); ``"trafilatura"``: both on every page
    #: (2-3x the time per page; see the README for measured accuracy of each).
    main_content: Literal["auto", "scorer", "trafilatura"] = "auto"

    def __post_init__(self) -> None:
        for name in ("packs", "extra_packs", "select", "ignore"):
            value = getattr(self, name)
            if isinstance(value, (str, os.PathLike)):
                value = (value,)
            # (bytes iterate as integers: b"share" became ('115', '104', ...); None became 'None')
            if isinstance(value, (bytes, bytearray)) or not isinstance(value, Iterable):
                raise TypeError(f"{name} must be a str or a sequence of str, got {value!r}")
            items = tuple(value)
            paths = name == "extra_packs"
            for item in items:
                if not (isinstance(item, str) or (paths and isinstance(item, os.PathLike))):
                    kind = "str or path" if paths else "str"
                    raise TypeError(f"{name} must hold {kind} items, got {item!r}")
            object.__setattr__(self, name, tuple(os.fspath(v) if paths else v for v in items))
        for name in ("max_removed_share", "cut_rest_min_share"):
            share = getattr(self, name)
            if not _real(share) or not 0.0 <= share <= 1.0:
                raise ValueError(f"{name} must be a number between 0 and 1, got {share!r}")
            object.__setattr__(self, name, float(share))
        if self.main_content not in MAIN_CONTENT:
            choices = ", ".join(MAIN_CONTENT)
            raise ValueError(f"main_content must be one of {choices}, got {self.main_content!r}")
        # (An upper bound: a budget of 1e400 seconds overflowed the timer inside scrub.)
        if not _real(self.regex_budget) or not 0 < self.regex_budget <= _MAX_BUDGET:  # (rejects NaN)
            raise ValueError(f"regex_budget must be a number of seconds in (0, {_MAX_BUDGET:g}], "
                             f"got {self.regex_budget!r}")
        object.__setattr__(self, "regex_budget", float(self.regex_budget))
        # (Integers are read as C 64-bit ones by the native core: bounded here, not there.)
        for name in ("max_input_chars", "max_html_elements", "dup_min_chars", "contained_min_chars",
                     "body_min_cjk", "body_min_words"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= _MAX_INT:
                raise ValueError(f"{name} must be a positive integer up to 2**62, got {value!r}")
        if (not isinstance(self.line_cache, int) or isinstance(self.line_cache, bool)
                or not 0 <= self.line_cache <= _MAX_INT):
            raise ValueError(f"line_cache must be an integer from 0 to 2**62, got {self.line_cache!r}")
        for name in ("dedup", "repair", "title", "context", "include_comments"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")

    def replace(self, **changes: Any) -> Config:
        """A copy with some options changed (unknown names are a TypeError)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Config:
        """Build a Config from keyword options, rejecting unknown names with a clear message."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise TypeError(f"unknown option(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**options)

"""Scrubber: a compiled, reusable, thread-safe and picklable cleaner."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .config import Config
from .document import Document
from .engine.compile import Budget, CompiledRules, load_packs, select_rules
from .engine.passes import context, dedup, junk, repair, title
from .engine.state import State, Verdict
from .errors import InputTypeError, LimitError
from .fronts.text import split_text
from .result import POSITION, Removals, Result, Row, replay, replay_rows

try:
    from .engine._lines import cut as _CUT
    from .engine._lines import removal_rows as _REMOVAL_ROWS
    from .engine._lines import removed_lines as _REMOVED_LINES
except ImportError:  # no compiler at install: _result's Python path
    _REMOVED_LINES = None

if TYPE_CHECKING:
    from .batch import Scrubbed

GUARD_FLAG = "over_removal_guard"


class Scrubber:
    """Rules compiled once from a :class:`Config`; call :meth:`scrub` as often as you like.

    A Scrubber holds no per-document state, so one instance may serve many threads. It
    pickles as its Config and recompiles on unpickling (cheap, and never per document).
    """

    def __init__(self, config: Config | None = None, *, _pure: bool = False, _native: bool = True) -> None:
        self.config = config if config is not None else Config()
        self._pure = _pure
        self._native = _native
        self.packs = tuple(load_packs(self.config))
        self.rules = CompiledRules(
            select_rules(self.packs, self.config.select, self.config.ignore), pure=_pure, native=_native,
            line_cache=self.config.line_cache,
        )

    @property
    def native(self) -> bool:
        """Whether the compiled core (``scrubber.engine._native``) runs this Scrubber's text
        matching; False when it is not built (same results, slower) or was turned off."""
        return self.rules.line_matcher is not None

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.config, self._pure, self._native))

    def __repr__(self) -> str:
        return f"Scrubber({len(self.rules.rules)} rules, packs={[p.name for p in self.packs]})"

    def scrub(self, text: str) -> Result:
        """Clean plain text: remove boilerplate, repeats and stray characters, repair paragraphs."""
        _check_text(text, self.config)
        return self._passes(self._state(split_text(text, native=self.native)), True)

    def scrub_document(self, doc: Document, *, text_mode: bool) -> Result:
        """Run every pass on a Document built by a front end and build the Result."""
        state = self._state(doc)
        # DOM verdicts (the HTML front end's): one comprehension, as text documents have none.
        for block in [b for b in doc.blocks if b.dom_verdict is not None]:
            state.verdict[block.index] = Verdict(*block.dom_verdict, exempt=True)
        return self._passes(state, text_mode)

    def _state(self, doc: Document) -> State:
        # The budget scales with the input: regex_budget seconds per million characters.
        budget = Budget(self.config.regex_budget * max(1.0, len(doc.source) / 1e6))
        return State(doc=doc, config=self.config, rules=self.rules, budget=budget)

    def _passes(self, state: State, text_mode: bool) -> Result:
        """Every pass, then the Result (:meth:`scrub` comes here directly: split_text makes
        no block with a DOM verdict, and the walk over the blocks to find one cost ~0.8% of
        text mode's instructions)."""
        cfg = self.config
        state.flags.extend(state.doc.flags)
        junk.run(state)
        if cfg.dedup:
            dedup.run(state)
        if cfg.title:
            (title.run if text_mode else title.run_html)(state)
        if cfg.context and text_mode:
            context.run(state)
        if cfg.repair:
            repair.run(state)
        return _result(state)


    def scrub_html(self, html: bytes | str, url: str | None = None, *, charset: str | None = None) -> Result:
        """Extract and clean the main text of an HTML page (bytes in any encoding, or str).

        ``Result.source`` is the page's visible text, one block per line; DOM-level removals
        (navigation, share bars, comments, text outside the main content) and text-rule
        removals are both in ``Result.removals``, so one explanation covers both layers.

        ``charset``: the charset the bytes came with, if you have it (the HTTP response's, e.g.
        ``requests``' ``response.encoding``, or the whole ``Content-Type`` value): it goes before the
        page's own ``<meta>`` declaration, as in a browser; without either, the charset is
        detected, which short pages can defeat.
        """
        if not isinstance(html, (bytes, bytearray, str)):
            raise InputTypeError(f"scrub_html() takes bytes or str, got {type(html).__name__}")
        for name, value in (("url", url), ("charset", charset)):
            if value is not None and not isinstance(value, str):
                raise InputTypeError(f"scrub_html()'s {name} is a str or None, got {type(value).__name__}")
        if len(html) > self.config.max_input_chars:
            raise LimitError(
                f"input of {len(html):,} bytes exceeds max_input_chars={self.config.max_input_chars:,}"
            )
        from .fronts.html import parse_html

        return self.scrub_document(parse_html(html, url=url, config=self.config, charset=charset),
                                   text_mode=False)

    def scrub_many(
        self, items: Iterable[object], *, jobs: int | None = None, ordered: bool = True,
        html: bool = False, **options: Any,
    ) -> Iterator[Scrubbed]:
        """Clean many documents, streaming; see :func:`scrubber.batch.scrub_many`."""
        from .batch import scrub_many

        return scrub_many(self, items, jobs=jobs, ordered=ordered, html=html, **options)


def _rebuild(config: Config, pure: bool, native: bool = True) -> Scrubber:
    return Scrubber(config, _pure=pure, _native=native)


def _check_text(text: object, config: Config) -> None:
    if not isinstance(text, str):
        raise InputTypeError(
            f"scrub() takes str, got {type(text).__name__}; decode bytes first or use scrub_html()"
        )
    if len(text) > config.max_input_chars:
        raise LimitError(
            f"input of {len(text):,} characters exceeds max_input_chars={config.max_input_chars:,}"
        )


def _result(state: State) -> Result:
    source = state.doc.source
    verdict = state.verdict
    flags = [f"regex_timeout:{rid}" for rid in state.budget.timed_out] + state.flags
    if state.budget.exhausted:
        flags.append("regex_budget_exhausted")
    if _REMOVED_LINES is not None and state.rules.line_matcher is not None:
        return _lines_result(state, flags)
    # The guard first: a gutted document keeps its source, and its removals are never built.
    if _over_removed(state):
        return Result(replay(source, ()), None, source, Removals(source, ()), tuple([GUARD_FLAG, *flags]))
    blocks = state.doc.blocks
    # Removed blocks in index order, which is source order (one removal a block, also for a
    # block whose spans were found before a later pass took it whole) ...
    rows: list[Row] = [(b.line_start, b.line_end, v.rule_id, v.category, "")
                       for b, v in zip(blocks, verdict, strict=True) if v is not None]
    # ... then the spans of kept blocks and the joins, merged in by one sort when there are any.
    extra = [(start, end, v.rule_id, v.category, repl) for start, end, v, repl in _extra(state)]
    if extra:
        rows += extra
        rows.sort(key=POSITION)
    title = state.doc.blocks[state.title].text if state.title is not None else state.doc.title
    removals = Removals(source, rows, ordered=True)
    return Result(replay_rows(source, removals.rows), title, source, removals, tuple(flags))


def _lines_result(state: State, flags: list[str]) -> Result:
    """:func:`_result` in the native core: the removed lines and the guard's counts in one
    walk over the blocks, the text cut from the source in C, and the rows of
    ``Result.removals`` made when first read. Spans and joins (a few a document, in a
    tenth of the documents) are merged into the removed lines' ranges in order."""
    source = state.doc.source
    ranges, verdicts, gone, total = _REMOVED_LINES(source, state.doc.blocks, state.verdict)
    replacements = None
    if state.spans or state.joins:
        ranges, verdicts, replacements = _merge_extra(state, ranges, verdicts)
        gone += _spans_gone(state)
    if gone and total > 0 and gone > state.config.max_removed_share * total:
        return Result(replay(source, ()), None, source, Removals(source, ()), tuple([GUARD_FLAG, *flags]))
    title = state.doc.blocks[state.title].text if state.title is not None else state.doc.title
    removals = Removals.deferred(source, functools.partial(_REMOVAL_ROWS, ranges, verdicts, replacements),
                                 verdicts)
    return Result(_CUT(source, ranges, replacements), title, source, removals, tuple(flags))


def _extra(state: State) -> list[tuple[int, int, Verdict, str]]:
    """The removals that are not whole lines: ``(start, end, verdict, replacement)`` of the
    spans of kept blocks (a block a later pass took whole has no span removals), then of the
    joins."""
    verdict = state.verdict
    extra = [(start, end, v, "") for index, found in state.spans.items() if verdict[index] is None
             for start, end, v in found]
    extra += [(start, end, v, repl) for start, end, repl, v in state.joins]
    return extra


def _spans_gone(state: State) -> int:
    """The guard's count of the span removals of kept blocks: their stripped lengths, the
    guarded ones only (a block a later pass took whole counts as a line)."""
    source, verdict = state.doc.source, state.verdict
    return sum(len(source[start:end].strip()) for index, found in state.spans.items()
               if verdict[index] is None for start, end, v in found if v.guarded)


def _merge_extra(state: State, ranges: np.ndarray, verdicts: list[Verdict]
                 ) -> tuple[np.ndarray, list[Verdict], list[str]]:
    """The removed lines' ``ranges`` and ``verdicts`` with :func:`_extra` merged in, in
    :data:`POSITION` order (a removed line before a span or join at the same position, as
    :func:`_result`'s stable sort puts them), with each row's replacement."""
    extra = _extra(state)
    extra.sort(key=POSITION)
    flat = ranges.tolist()
    starts = flat[0::2]
    kinds, replacements = list(verdicts), [""] * len(verdicts)
    for shift, (start, end, v, repl) in enumerate(extra):
        k = bisect.bisect_left(starts, start)  # (removed lines, before the insertions)
        while k < len(starts) and starts[k] == start and flat[2 * (k + shift) + 1] <= end:
            k += 1
        flat[2 * (k + shift) : 2 * (k + shift)] = (start, end)
        kinds.insert(k + shift, v)
        replacements.insert(k + shift, repl)
    return np.array(flat, dtype=np.int64), kinds, replacements


def _over_removed(state: State) -> bool:
    """Would the line rules and dedup gut the document?

    Counted: removals of single lines by pack rules and repeats. Not counted: DOM-level and
    main-content removals (HTML pages are mostly boilerplate), the context pass and
    ``cut_rest`` sections, whose own preconditions (a body cluster; enough body before the
    marker) guard them, and repairs (joins) and the title.
    """
    blocks, source = state.doc.blocks, state.doc.source
    gone = 0
    for block, v in zip(blocks, state.verdict, strict=True):
        if v is not None and v.guarded:  # (not DOM-level removals: their verdicts are exempt)
            gone += len(source[block.line_start : block.line_end].strip())
    gone += _spans_gone(state)
    if not gone:
        return False
    total = sum([len(b.text) for b in blocks if b.dom_verdict is None])
    return total > 0 and gone > state.config.max_removed_share * total


@functools.lru_cache(maxsize=8)
def _default_scrubber(config: Config) -> Scrubber:
    # Immutable compiled rules keyed by an immutable Config: a pure speed-up for the
    # one-shot functions, invisible in results.
    return Scrubber(config)


def scrubber_for(options: dict[str, Any]) -> Scrubber:
    """The (cached) Scrubber for keyword options of the one-shot functions."""
    return _default_scrubber(Config.from_options(options))


def scrub(text: str, **options: Any) -> Result:
    """Clean plain text; ``options`` are :class:`Config` fields. See :meth:`Scrubber.scrub`."""
    return scrubber_for(options).scrub(text)


def scrub_html(html: bytes | str, url: str | None = None, *, charset: str | None = None,
               **options: Any) -> Result:
    """Extract and clean an HTML page; see :meth:`Scrubber.scrub_html`."""
    return scrubber_for(options).scrub_html(html, url, charset=charset)


def clean(text: str, **options: Any) -> str:
    """Clean plain text and return just the body text (``scrub(text, **options).text``)."""
    return scrub(text, **options).text

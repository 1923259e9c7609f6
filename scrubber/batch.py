"""Batch cleaning: many documents, streamed, optionally over worker processes.

:func:`scrub_many` (also ``Scrubber.scrub_many``) takes an iterable of items and yields one
:class:`Scrubbed` per item. An item is

* ``str`` -- plain text (``html=False``) or an HTML page (``html=True``);
* ``bytes`` -- an HTML page in any encoding (``html=True``), or UTF-8 text (``html=False``);
* a mapping (a dict record) -- the document is ``record[field]`` (``field`` defaults to
  ``"html"`` when ``html=True``, else ``"text"``), and with ``html=True`` the page URL is
  ``record.get("url")`` and the charset its bytes came with ``record.get("charset")``.

Memory stays bounded: at most ``window`` chunks of ``chunksize`` items are in flight, whatever
the length of the input. Workers (``jobs > 1``) are forked where the platform allows, so they
inherit the compiled rules; elsewhere the Scrubber travels as its Config and is rebuilt once
per worker -- never per item. Output is the same for any ``jobs`` and ``ordered`` setting
apart from order (``ordered=False`` yields as chunks finish; use ``Scrubbed.index``).

A failing item never stops the run: its :class:`Scrubbed` carries an :class:`ItemError`
(``on_error="raise"`` raises it instead, as the scrubber exception it stands for).

Sending documents to workers costs pickling both ways, so ``scrub_many`` is serial unless
``jobs`` is given. A worker sends a text result back without its source where the caller holds
it (a ``str`` item or record field: the parent puts its own object back) and with the removals
as integers, made into rows when first read: the parent's share is then a third of what whole
Results cost it. The command line (``scrubber clean --jobs N``) goes further: workers read
their share of a file themselves and hand back output bytes.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from . import errors
from .pool import resolve_jobs, run_chunks
from .result import Removals, Result

if TYPE_CHECKING:
    from ._core import Scrubber

T = TypeVar("T")
R = TypeVar("R")

#: Why an item failed (``ItemError.reason``).
REASONS = ("wrong-type", "missing-field", "undecodable", "too-large", "invalid-input", "internal",
           "invalid-json", "unreadable", "unwritable")


@dataclass(frozen=True, slots=True)
class ItemError:
    """Why one item failed: a short ``reason`` (see :data:`REASONS`), the exception class
    name and its message. Plain data, so it pickles and serialises cheaply."""

    reason: str
    type: str
    message: str

    def __str__(self) -> str:
        return f"{self.reason}: {self.type}: {self.message}"

    def to_exception(self, index: int | None = None) -> Exception:
        """The exception this error stands for (a ScrubberError subclass where it was one)."""
        cls = getattr(errors, self.type, None)
        if not (isinstance(cls, type) and issubclass(cls, errors.ScrubberError)) or cls is errors.PackError:
            cls = errors.InputError if self.reason != "internal" else RuntimeError
        where = f"item {index}: " if index is not None else ""
        return cls(f"{where}{self.message}")

    @classmethod
    def from_exception(cls, exc: BaseException, reason: str | None = None) -> ItemError:
        """Classify ``exc`` (LimitError -> too-large, TypeError -> wrong-type, ...)."""
        if reason is None:
            if isinstance(exc, errors.LimitError):
                reason = "too-large"
            elif isinstance(exc, TypeError):
                reason = "wrong-type"
            elif isinstance(exc, UnicodeDecodeError):
                reason = "undecodable"
            elif isinstance(exc, errors.ScrubberError):
                reason = "invalid-input"
            else:
                reason = "internal"
        return cls(reason, type(exc).__name__, str(exc))


@dataclass(frozen=True, slots=True)
class Scrubbed:
    """The outcome for the item at ``index`` (0-based position in the input): a ``result``,
    or an ``error`` saying why there is none."""

    index: int
    result: Result | None
    error: ItemError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def scrub_item(scrubber: Scrubber, item: object, *, html: bool = False, field: str | None = None) -> Result:
    """Clean one item as :func:`scrub_many` defines it; raises on bad input."""
    url = charset = None
    if isinstance(item, Mapping):
        name = field or ("html" if html else "text")
        if name not in item:
            raise MissingFieldError(f"record has no field {name!r}")
        if html:  # (the page's URL, and the charset its bytes came with, when the record has them)
            url, charset = item.get("url"), item.get("charset")
        item = item[name]
    if html:
        if not isinstance(item, (str, bytes, bytearray)):
            raise errors.InputTypeError(f"expected HTML as str or bytes, got {type(item).__name__}")
        return scrubber.scrub_html(item, None if url is None else str(url),
                                   charset=charset if isinstance(charset, str) else None)
    if isinstance(item, (bytes, bytearray)):
        item = bytes(item).decode("utf-8-sig")
    return scrubber.scrub(item)  # type: ignore[arg-type]  # scrub() rejects non-str, typed


class MissingFieldError(errors.InputError, KeyError):
    """A record lacks the field holding the document."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _attempt(scrubber: Scrubber, index: int, item: object, html: bool, field: str | None) -> Scrubbed:
    try:
        return Scrubbed(index, scrub_item(scrubber, item, html=html, field=field))
    except MissingFieldError as exc:
        return Scrubbed(index, None, ItemError("missing-field", "InputError", str(exc)))
    except Exception as exc:  # one bad document never stops the run
        return Scrubbed(index, None, ItemError.from_exception(exc))


def _scrub_chunk(
    scrubber: Scrubber, start: int, items: list[object], html: bool, field: str | None
) -> list[Scrubbed]:
    return [_attempt(scrubber, start + i, item, html, field) for i, item in enumerate(items)]


# --- the bounded pipeline ------------------------------------------------------------------

#: A result as a worker sends it when the parent holds its source: (index, text, title,
#: flags, removals as ``array("q", [start, end, kind, ...])`` with ``kind`` an index into the
#: chunk's table of ``(rule_id, category, replacement)``).
_Shipped = tuple[int, str, "str | None", tuple[str, ...], array]


def _text_of(item: object, html: bool, field: str | None) -> str | None:
    """The str that ``scrub_item`` hands to ``Scrubber.scrub`` for ``item`` as it is (None:
    HTML, bytes to decode, or no such field -- anything whose source the parent lacks)."""
    if html:
        return None
    if isinstance(item, Mapping):
        item = item.get(field or "text")
    return item if isinstance(item, str) else None


def _scrub_chunk_shipped(
    scrubber: Scrubber, start: int, items: list[object], html: bool, field: str | None
) -> tuple[list[Scrubbed | _Shipped], list[tuple[str, str, str]]]:
    """:func:`_scrub_chunk` in a worker, packed for the trip back: a result whose source is
    the item's own text goes without it (the parent holds the item; the source is half a
    result's pickle) and with its removals as integers (tuples of five cost more to unpickle
    than the text)."""
    out: list[Scrubbed | _Shipped] = []
    kinds: dict[tuple[str, str, str], int] = {}
    for i, item in enumerate(items):
        done = _attempt(scrubber, start + i, item, html, field)
        r = done.result
        if r is not None and isinstance(r.removals, Removals) and r.source is _text_of(item, html, field):
            flat = array("q")
            for a, b, rule_id, category, replacement in r.removals.rows:
                kind = kinds.setdefault((rule_id, category, replacement), len(kinds))
                flat.extend((a, b, kind))
            out.append((done.index, r.text, r.title, r.flags, flat))
        else:
            out.append(done)
    return out, list(kinds)


def _crashed_chunk(task: tuple[Any, ...]) -> tuple[list[Scrubbed], list[Any]]:
    """The outcome of a chunk whose worker died cleaning it, even alone (:mod:`.pool`): each
    item an ``internal`` failure, the run goes on."""
    start, items = task[0], task[1]
    error = ItemError("internal", "WorkerCrashed", "the worker process died cleaning this item's chunk")
    return [Scrubbed(start + i, None, error) for i in range(len(items))], []


def _unship(shipped: tuple[list[Scrubbed | _Shipped], list[tuple[str, str, str]]],
            sources: list[str | None], start: int) -> Iterator[Scrubbed]:
    """The Scrubbed of a chunk from :func:`_scrub_chunk_shipped`, sources put back (the
    removal rows are made when first read, as the engine's own are)."""
    chunk, kinds = shipped
    for done in chunk:
        if isinstance(done, Scrubbed):
            yield done
            continue
        index, text, title, flags, flat = done
        source = sources[index - start]
        assert source is not None
        removals = Removals.deferred(source, functools.partial(_rows, flat, kinds))
        yield Scrubbed(index, Result(text, title, source, removals, flags))


def _rows(flat: array, kinds: list[tuple[str, str, str]]) -> list[tuple[int, int, str, str, str]]:
    return [(a, b, *kinds[k]) for a, b, k in zip(flat[0::3], flat[1::3], flat[2::3], strict=True)]


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items; an iterable that raises part way gives the items it gave
    before as a last, shorter chunk, and then its exception."""
    it = iter(items)
    while True:
        chunk: list[T] = []
        try:
            chunk.extend(islice(it, size))
        except Exception:
            if chunk:
                yield chunk
            raise
        if not chunk:
            return
        yield chunk


def scrub_many(
    scrubber: Scrubber,
    items: Iterable[object],
    *,
    jobs: int | None = None,
    ordered: bool = True,
    html: bool = False,
    field: str | None = None,
    on_error: Literal["yield", "raise"] = "yield",
    chunksize: int | None = None,
    window: int | None = None,
) -> Iterator[Scrubbed]:
    """Clean every item (see the module docs for what an item is); yield :class:`Scrubbed`.

    ``jobs``: ``None``/1 in this process, ``n`` worker processes, 0 one per CPU.
    ``ordered``: yield in input order (else as chunks finish). ``on_error``: ``"yield"`` a
    Scrubbed carrying an :class:`ItemError`, or ``"raise"`` it (the rest is not cleaned).
    ``chunksize``: items per task (default 4 HTML pages or 64 texts); ``window``: tasks in
    flight (default ``2 * jobs``). An option of the wrong type or range raises TypeError or
    ValueError at the call, before any item is read.
    """
    if chunksize is None:
        chunksize = 4 if html else 64
    if on_error not in ("yield", "raise"):
        raise ValueError(f"on_error must be 'yield' or 'raise', got {on_error!r}")
    if not isinstance(ordered, bool):
        raise TypeError(f"ordered must be True or False, got {ordered!r}")
    for name, value in (("chunksize", chunksize), ("window", window)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise TypeError(f"{name} must be an int, got {value!r}")
        if value is not None and value < 1:
            raise ValueError(f"{name} must be at least 1, got {value!r}")
    resolve_jobs(jobs)  # (its checks, here: the call, not the first next(), raises)
    return _scrub_many(scrubber, items, jobs, ordered, (html, field), on_error, chunksize, window)


def _scrub_many(scrubber: Scrubber, items: Iterable[object], jobs: int | None, ordered: bool,
                how: tuple[bool, str | None], on_error: str, chunksize: int,
                window: int | None) -> Iterator[Scrubbed]:
    html, field = how
    chunks = _chunks(items, chunksize)
    if resolve_jobs(jobs) == 1:
        tasks = ((i * chunksize, chunk, html, field) for i, chunk in enumerate(chunks))
        results: Iterator[Iterable[Scrubbed]] = run_chunks(_scrub_chunk, tasks, state=scrubber, jobs=1)
    else:
        results = _over_workers(scrubber, chunks, chunksize, how, jobs, ordered, window)
    for chunk in results:
        for done in chunk:
            if done.error is not None and on_error == "raise":
                raise done.error.to_exception(done.index)
            yield done


def _over_workers(scrubber: Scrubber, chunks: Iterator[list[object]], chunksize: int,
                  how: tuple[bool, str | None], jobs: int | None, ordered: bool,
                  window: int | None) -> Iterator[Iterable[Scrubbed]]:
    """Chunks cleaned by worker processes; the texts of the chunks in flight are kept here
    (taken when a chunk is sent), so that results come back without their sources."""
    html, field = how
    sources: dict[int, list[str | None]] = {}

    def tasks() -> Iterator[tuple[Any, ...]]:
        for i, chunk in enumerate(chunks):
            start = i * chunksize
            sources[start] = [_text_of(item, html, field) for item in chunk]
            yield start, chunk, html, field

    for shipped in run_chunks(_scrub_chunk_shipped, tasks(), state=scrubber, jobs=jobs, ordered=ordered,
                              window=window, crashed=_crashed_chunk):
        first = shipped[0][0]  # (the chunk's first item: its index is the chunk's start)
        start = first[0] if isinstance(first, tuple) else first.index
        yield _unship(shipped, sources.pop(start), start)


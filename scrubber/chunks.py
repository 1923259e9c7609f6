"""What an ETL worker does with one task (:mod:`.etl` runs them): clean a block of JSON
lines, a byte range of a JSONL file, a chunk of WARC pages or a list of files, and hand back
the output (bytes, or a :class:`Spooled` file in a ``--jobs`` run) with its :class:`Stats`."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from ._core import Scrubber
from .batch import ItemError, Scrubbed, _attempt
from .io import looks_like_html, open_input, open_output, read_line_range, split_block
from .jsonout import dumps_line, loads_record, rewritten, spliced
from .pool import Task
from .result import Removals, Result
from .warc import charset_of


@dataclass
class Stats:
    """Counters of an ETL run; chunks' Stats are merged with ``+=``."""

    docs: int = 0
    bytes: int = 0
    failed: int = 0
    removals: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    #: Lines of JSONL read (a task's block, or the run's).
    lines: int = 0
    #: The first failures: (where, line or None, ``reason: message``).
    examples: list[tuple[str, int | None, str]] = field(default_factory=list)
    #: ``fail_fast`` stopped the run at a failure.
    stopped: bool = False

    MAX_EXAMPLES = 10

    def fail(self, where: str, error: ItemError, line: int | None = None) -> None:
        """Count a failure at ``where`` (and ``line`` of a JSONL task, numbered from 1 in
        the task's own block until :meth:`after_lines` moves it to the file's)."""
        self.failed += 1
        self.reasons[error.reason] += 1
        if len(self.examples) < self.MAX_EXAMPLES:
            self.examples.append((where, line, str(error)))

    def after_lines(self, lines: int) -> Stats:
        """These Stats with their examples' line numbers moved down by ``lines`` (the lines
        of the file before the task's block)."""
        self.examples = [(w, None if n is None else n + lines, e) for w, n, e in self.examples]
        return self

    def example_lines(self) -> list[str]:
        return [f"{w}:{n}: {e}" if n is not None else f"{w}: {e}" for w, n, e in self.examples]

    def count(self, result: Result) -> None:
        removals = result.removals
        counts = self.removals
        if isinstance(removals, Removals):  # counted without Removal objects (or rows)
            for category, n in removals.categories().items():
                counts[category] += n
        else:
            counts.update(r.category for r in removals)

    def __iadd__(self, other: Stats) -> Stats:
        self.docs += other.docs
        self.bytes += other.bytes
        self.failed += other.failed
        self.lines += other.lines
        self.removals += other.removals
        self.reasons += other.reasons
        self.examples.extend(other.examples[: self.MAX_EXAMPLES - len(self.examples)])
        self.stopped = self.stopped or other.stopped
        return self


@dataclass(frozen=True)
class EtlOptions:
    """What the ETL tasks produce (see ``scrubber clean --help``)."""

    field: str = "text"
    html: bool = False
    with_removals: bool = False
    fail_fast: bool = False
    title: bool = True
    json: bool = False
    explain: bool = False
    encoding: str = "utf-8-sig"
    #: Where workers leave their chunks' output (:class:`Spooled`); set by :func:`run` for a
    #: ``--jobs`` run, None: output is handed back as bytes.
    spool: str | None = None


@dataclass(frozen=True)
class Spooled:
    """A chunk's output, left by a worker in a file of the run's spool directory."""

    path: str


def _spooled(spool: str, data: bytes) -> bytes | Spooled:
    """``data`` in a new file under ``spool``, or ``data`` itself where that file cannot be
    written (a full temporary disk: the pipe still works)."""
    try:
        fd, path = tempfile.mkstemp(dir=spool, suffix=".part")
    except OSError:
        return data
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(path)
        return data
    return Spooled(path)


def unreadable(exc: BaseException) -> ItemError:
    """An input that could not be read: a missing file, or a damaged or truncated compressed
    stream (gzip raises EOFError or zlib.error, xz LZMAError, zstd ZstdError)."""
    return ItemError("unreadable", type(exc).__name__, str(getattr(exc, "strerror", None) or exc))


def _annotate(record: dict[str, Any], result: Result | None, error: ItemError | None,
              opts: EtlOptions) -> None:
    record.update(_added(result, error, opts))


def _added(result: Result | None, error: ItemError | None, opts: EtlOptions) -> dict[str, Any]:
    """The fields a JSONL record gets: clean_text, title (removals, error)."""
    added: dict[str, Any] = {"clean_text": result.text if result else None,
                             "title": result.title if result else None}
    if opts.with_removals:
        added["removals"] = [asdict(r) for r in result.removals] if result else None
    if error is not None:
        added["error"] = str(error)
    return added


def jsonl_chunk(state: tuple[Scrubber, EtlOptions], where: str, block: bytes) -> tuple[bytes, Stats]:
    """Clean a block of JSONL lines (:func:`~scrubber.io.iter_line_blocks`): each object gets
    ``clean_text``, ``title`` (and ``removals``); a record that fails keeps its fields and
    gets ``error``. Lines that are not JSON objects are dropped and counted. Failures are
    numbered by their line in the block (see :meth:`Stats.after_lines`)."""
    scrubber, opts = state
    out: list[bytes] = []
    stats = Stats()
    lines = split_block(block)
    stats.lines = len(lines)
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        stats.docs += 1
        stats.bytes += len(line)
        utf8 = False
        try:
            try:  # (decoded here: a line that is UTF-8 can be written back as it is)
                text = line.decode("utf-8")  # (then the BOM off: "utf-8-sig" decodes in Python)
                record, utf8 = loads_record(text[1:] if text.startswith("\ufeff") else text), True
            except UnicodeDecodeError:  # UTF-16/32, or surrogates: json.loads reads those
                record, utf8 = loads_record(line), False
        except (ValueError, RecursionError) as exc:  # (RecursionError: nested too deeply)
            error = ItemError("invalid-json", type(exc).__name__, str(exc))
            record = None
        else:
            error = None if isinstance(record, dict) else ItemError(
                "invalid-json", "InputError", f"a line is a JSON {type(record).__name__}, not an object")
        if error is None:
            done = _attempt(scrubber, 0, record, opts.html, opts.field)
            error = done.error
            if done.result is not None:
                stats.count(done.result)
            added = _added(done.result, error, opts)
            written = spliced(line, record, added) if utf8 else None
            if written is None:
                written = rewritten(line, record, added)
            out.append(written)
        if error is not None:
            stats.fail(where, error, n)
            if opts.fail_fast:
                stats.stopped = True
                break
    return b"".join(out), stats


def jsonl_range(state: tuple[Scrubber, EtlOptions], path: str, start: int, end: int) -> tuple[bytes, Stats]:
    """:func:`jsonl_chunk` of the lines of the plain file ``path`` that start in the byte
    range ``[start, end)`` (:func:`~scrubber.io.read_line_range`), read by the worker."""
    try:
        block, _ = read_line_range(path, start, end)
    except OSError as exc:
        stats = Stats(docs=1)
        stats.fail(path, unreadable(exc))
        stats.stopped = state[1].fail_fast
        return b"", stats
    return jsonl_chunk(state, path, block)


def warc_chunk(state: tuple[Scrubber, EtlOptions], where: str, pages: list[Any]) -> tuple[bytes, Stats]:
    """Clean a chunk of :class:`~scrubber.warc.WarcPage`: one JSON line per page with ``url``,
    ``date``, ``record_id``, ``clean_text``, ``title`` (and ``removals``, or ``error``)."""
    scrubber, opts = state
    out: list[bytes] = []
    stats = Stats()
    for page in pages:
        stats.docs += 1
        stats.bytes += len(page.body)
        if page.error is None:  # (with its URL and its HTTP charset: the page's decoding goes first by it)
            record = {"html": page.body, "url": page.url, "charset": charset_of(page.content_type)}
            done = _attempt(scrubber, 0, record, True, "html")
        else:  # its HTTP body could not be decoded (warc.WarcPage.error)
            kind, _, message = page.error.partition(": ")
            done = Scrubbed(0, None, ItemError("undecodable", kind, message))
        record: dict[str, Any] = {"url": page.url, "date": page.date, "record_id": page.record_id}
        _annotate(record, done.result, done.error, opts)
        out.append(dumps_line(record))
        if done.result is not None:
            stats.count(done.result)
        if done.error is not None:
            stats.fail(f"{where}: {page.url or page.record_id}", done.error)
            if opts.fail_fast:
                stats.stopped = True
                break
    return b"".join(out), stats


def files_chunk(state: tuple[Scrubber, EtlOptions], paths: list[str], outputs: list[str | None],
                given: list[bytes | ItemError | None] | None = None,
                ) -> tuple[list[tuple[str, bytes, str]], Stats]:
    """Clean whole files (text or HTML): each to its output file where one is given, else
    back as bytes; with the ``--explain`` text of each. ``given[k]``: the content of
    ``paths[k]`` read by the parent (stdin, which a worker process cannot read), or the
    failure of that read; None: the file is read here."""
    scrubber, opts = state
    done_files: list[tuple[str, bytes, str]] = []
    stats = Stats()
    for k, (path, target) in enumerate(zip(paths, outputs, strict=True)):
        stats.docs += 1
        content = given[k] if given is not None else None
        try:
            if isinstance(content, ItemError):
                raise _ReadFailed(content)
            if content is None:
                with open_input(path) as stream:
                    content = stream.read()
            data = content
            stats.bytes += len(data)
            html = opts.html or looks_like_html(path, data)  # (as one file alone is read)
            item: str | bytes = data if html else data.decode(opts.encoding)
            done = _attempt(scrubber, 0, item, html, None)
        except (UnicodeDecodeError, LookupError) as exc:
            done = Scrubbed(0, None, ItemError("undecodable", type(exc).__name__, str(exc)))
        except _ReadFailed as exc:
            done = Scrubbed(0, None, exc.error)
        except Exception as exc:  # reading or decompressing (a truncated .gz: EOFError)
            done = Scrubbed(0, None, unreadable(exc))
        if done.result is None:
            assert done.error is not None
            stats.fail(path, done.error)
            done_files.append((path, b"", ""))
            if opts.fail_fast:
                stats.stopped = True
                break
            continue
        stats.count(done.result)
        body = render(done.result, opts, path)
        if target is not None:
            try:
                with open_output(target) as sink:
                    sink.write(body)
            except OSError as exc:  # (this file's output: the others may still be written)
                reason = f"{target}: {exc.strerror or exc}"
                stats.fail(path, ItemError("unwritable", type(exc).__name__, reason))
                done_files.append((path, b"", ""))
                if opts.fail_fast:
                    stats.stopped = True
                    break
                continue
            body = b""
        done_files.append((path, body, done.result.explain() if opts.explain else ""))
    return done_files, stats


class _ReadFailed(Exception):
    """The parent's read of a file (stdin) failed: its :class:`ItemError`."""

    def __init__(self, error: ItemError) -> None:
        super().__init__(str(error))
        self.error = error


def render(result: Result, opts: EtlOptions, name: str | None = None) -> bytes:
    """One document as the CLI prints it: title, blank line, body -- or a JSON line."""
    if opts.json:
        record = result.to_dict()
        if name is not None:
            record = {"file": name, **record}
        return dumps_line(record)
    head = f"{result.title}\n\n" if result.title and opts.title else ""
    return f"{head}{result.text}\n".encode()


def run_task(state: tuple[Scrubber, EtlOptions], kind: str, index: int,
             *payload: Any) -> tuple[int, Any, Stats]:
    """Task ``index`` of ``kind`` (as :mod:`.etl` makes them): its output and Stats."""
    fn = {"jsonl": jsonl_chunk, "jsonl_range": jsonl_range, "warc": warc_chunk, "files": files_chunk,
          "failed": failed_input}[kind]
    out, stats = fn(state, *payload)
    spool = state[1].spool
    if spool is not None and isinstance(out, bytes) and out:
        out = _spooled(spool, out)
    return index, out, stats


def failed_input(state: tuple[Scrubber, EtlOptions], name: str, error: ItemError,
                  stop: bool) -> tuple[bytes, Stats]:
    """The outcome of an input that could not be read (or not to its end)."""
    stats = Stats(docs=1, stopped=stop)
    stats.fail(name, error)
    return b"", stats


def crashed_task(task: Task) -> tuple[int, Any, Stats]:
    """The outcome of a task whose worker died running it, even alone (:mod:`.pool`): each
    of its records or files an ``internal`` failure (nothing written for them), the run goes
    on."""
    kind, index, *payload = task
    if kind == "failed":
        return index, *failed_input((None, None), *payload)  # type: ignore[arg-type]
    error = ItemError("internal", "WorkerCrashed", "the worker process died cleaning this task's records")
    stats = Stats()
    if kind in ("jsonl", "jsonl_range"):
        name = payload[0]
        block = payload[1] if kind == "jsonl" else read_line_range(name, payload[1], payload[2])[0]
        lines = split_block(block)
        stats.lines = len(lines)
        places = [(name, n) for n, line in enumerate(lines, 1) if line.strip()]
    elif kind == "warc":
        places = [(f"{payload[0]}: {page.url or page.record_id}", None) for page in payload[1]]
    else:
        places = [(path, None) for path in payload[0]]
    for where, line in places:
        stats.docs += 1
        stats.fail(where, error, line)
    return index, [] if kind == "files" else b"", stats

"""Batch runs of ``scrubber clean``: many files, JSON lines or WARC files, over worker processes.

Workers never receive parsed documents: they get file names, byte ranges of plain JSONL
files (which they read themselves), or raw input the parent read (blocks of JSONL lines from
stdin or a compressed file, WARC HTML payloads); each worker parses, cleans and serialises
its chunk itself and hands back its output plus counters (:class:`Stats`). In a ``--jobs``
run the output is a file the worker leaves in the run's spool directory (:class:`Spooled`),
which the parent appends to the output in the kernel (``sendfile``): no chunk goes through
the pool's pipe, so the parent stays a light writer (and reader, where it must be), and the
workers never wait on it. Chunks are written in input order, whatever ``--jobs``: output is
byte-identical for every ``--jobs``. At most ``2 * jobs`` chunks (about 1 MB each) are in
flight, so memory does not grow with the input.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import os
import re
import stat
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from ._core import Scrubber
from .batch import ItemError, Scrubbed, _attempt
from .config import Config
from .io import (
    Output,
    compression_by_magic,
    iter_line_blocks,
    looks_like_html,
    open_input,
    open_output,
    read_line_range,
    split_block,
)
from .pool import Task, resolve_jobs, run_chunks, usable_cpus
from .result import Removals, Result
from .warc import charset_of, iter_warc_pages


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


def _dumps(obj: object) -> bytes:
    """One JSON line, UTF-8. A lone surrogate (a record's ``"\\ud800"`` escape, common in
    scraped text) cannot be UTF-8: that record is written with ``\\u`` escapes instead.
    ValueError for a number JSON cannot write (infinite or NaN: see :func:`_rewritten`)."""
    try:
        return (_ENCODER.encode(obj) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(obj, allow_nan=False) + "\n").encode("ascii")


#: json.dumps(obj, ensure_ascii=False) builds an encoder a call: one, kept (stateless).
#: (allow_nan=False: Python would write 1e999 read from a record as Infinity, not JSON.)
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def _rewritten(line: bytes, record: dict[str, Any], added: dict[str, Any]) -> bytes:
    """The record with ``added`` (replacing fields of the same names), serialised again. A
    number a float cannot hold (``1e999``; or ``NaN``, ``Infinity``, which Python reads
    though JSON has none) is written back as the line had it, not as ``Infinity``."""
    record.update(added)
    try:
        return _dumps(record)
    except ValueError:
        pass
    raw: list[str] = []

    def number(text: str) -> object:
        value = float(text)
        if math.isfinite(value):
            return value
        raw.append(text)
        return _RawNumber(len(raw) - 1)

    try:
        source: str | bytes = line.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:  # (UTF-16/32: json.loads reads the bytes, as jsonl_chunk did)
        source = line
    exact = json.loads(source, parse_float=number, parse_constant=number)
    exact.update(added)
    token = f"\x00{os.getpid()}:{id(raw)}:"
    text = json.dumps(exact, ensure_ascii=False, default=lambda o: f"{token}{o.index}")
    quoted = re.escape(json.dumps(token, ensure_ascii=False)[:-1])
    text = re.sub(quoted + r'(\d+)"', lambda m: raw[int(m.group(1))], text)
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:  # (a lone surrogate: \u escapes, as _dumps writes it)
        return (re.sub(r"[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text) + "\n").encode("utf-8")


class _RawNumber:
    """A record's number that a float cannot hold, by its index in the list of their texts."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


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


def _spliced(line: bytes, record: dict[str, Any], added: dict[str, Any]) -> bytes | None:
    """``line`` (a JSON object, valid UTF-8) with ``added`` written in before its closing
    brace: the record's own fields stay byte for byte as the input had them (numbers, escapes
    and spacing included) and are not serialised again -- half of the output's bytes. None
    where a field to add is already in the record (it is replaced in place instead)."""
    if not added.keys().isdisjoint(record):
        return None
    body = line.rstrip(b" \t\r\n").removeprefix(b"\xef\xbb\xbf")
    return body[:-1] + (b", " if record else b"") + _members(added) + b"}\n"


def _members(fields: dict[str, Any]) -> bytes:
    """``_dumps(fields)`` without its braces and newline, strings written by json's own
    string encoder directly (the encoder object's set-up cost more than short records' text)."""
    parts = []
    for key, value in fields.items():  # (our own keys: plain ASCII names)
        if value is None:
            parts.append(f'"{key}": null')
        elif type(value) is str:
            parts.append(f'"{key}": {encode_basestring(value)}')
        else:
            parts.append(f'"{key}": {_ENCODER.encode(value)}')
    try:
        return ", ".join(parts).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: as _dumps writes it
        return _dumps(fields)[1:-2]


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
                record, utf8 = json.loads(text[1:] if text.startswith("\ufeff") else text), True
            except UnicodeDecodeError:  # UTF-16/32, or surrogates: json.loads reads those
                record, utf8 = json.loads(line), False
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
            written = _spliced(line, record, added) if utf8 else None
            if written is None:
                written = _rewritten(line, record, added)
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
        out.append(_dumps(record))
        if done.result is not None:
            stats.count(done.result)
        if done.error is not None:
            stats.fail(f"{where}: {page.url or page.record_id}", done.error)
            if opts.fail_fast:
                stats.stopped = True
                break
    return b"".join(out), stats


def files_chunk(state: tuple[Scrubber, EtlOptions], paths: list[str],
                outputs: list[str | None]) -> tuple[list[tuple[str, bytes, str]], Stats]:
    """Clean whole files (text or HTML): each to its output file where one is given, else
    back as bytes; with the ``--explain`` text of each."""
    scrubber, opts = state
    done_files: list[tuple[str, bytes, str]] = []
    stats = Stats()
    for path, target in zip(paths, outputs, strict=True):
        stats.docs += 1
        try:
            with open_input(path) as stream:
                data = stream.read()
            stats.bytes += len(data)
            html = opts.html or looks_like_html(path, data)  # (as one file alone is read)
            item: str | bytes = data if html else data.decode(opts.encoding)
            done = _attempt(scrubber, 0, item, html, None)
        except (UnicodeDecodeError, LookupError) as exc:
            done = Scrubbed(0, None, ItemError("undecodable", type(exc).__name__, str(exc)))
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


def render(result: Result, opts: EtlOptions, name: str | None = None) -> bytes:
    """One document as the CLI prints it: title, blank line, body -- or a JSON line."""
    if opts.json:
        record = result.to_dict()
        if name is not None:
            record = {"file": name, **record}
        return _dumps(record)
    head = f"{result.title}\n\n" if result.title and opts.title else ""
    return f"{head}{result.text}\n".encode()


# --- the run -------------------------------------------------------------------------------

#: Files per task, WARC pages per task, and JSONL bytes per task (a few hundredths of a
#: second of cleaning: small enough to balance the workers, large enough that the pool's
#: cost per task -- futures, wake-ups, pickling -- stays under 1% of the parent's time).
FILES_PER_TASK, PAGES_PER_TASK, CHUNK_BYTES = 16, 16, 1 << 20


def _task(state: tuple[Scrubber, EtlOptions], kind: str, index: int, *payload: Any) -> tuple[int, Any, Stats]:
    fn = {"jsonl": jsonl_chunk, "jsonl_range": jsonl_range, "warc": warc_chunk, "files": files_chunk,
          "failed": _failed_input}[kind]
    out, stats = fn(state, *payload)
    spool = state[1].spool
    if spool is not None and isinstance(out, bytes) and out:
        out = _spooled(spool, out)
    return index, out, stats


def _failed_input(state: tuple[Scrubber, EtlOptions], name: str, error: ItemError,
                  stop: bool) -> tuple[bytes, Stats]:
    """The outcome of an input that could not be read (or not to its end)."""
    stats = Stats(docs=1, stopped=stop)
    stats.fail(name, error)
    return b"", stats


def _crashed_task(task: Task) -> tuple[int, Any, Stats]:
    """The outcome of a task whose worker died running it, even alone (:mod:`.pool`): each
    of its records or files an ``internal`` failure (nothing written for them), the run goes
    on."""
    kind, index, *payload = task
    if kind == "failed":
        return index, *_failed_input((None, None), *payload)  # type: ignore[arg-type]
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


def _byte_ranges(name: str, size: int) -> list[tuple[int, int]] | None:
    """``[start, end)`` ranges of about ``size`` bytes tiling the plain (uncompressed, regular)
    file ``name`` as it is now, or None for stdin, a pipe or a compressed file."""
    if name == "-":
        return None
    st = os.stat(name)
    if not stat.S_ISREG(st.st_mode):
        return None
    with open(name, "rb") as f:
        if compression_by_magic(f.read(8)) is not None:
            return None
    return [(start, min(start + size, st.st_size)) for start in range(0, st.st_size, size)]


def _stream_tasks(kind: str, names: list[str], fail_fast: bool,
                  ranged: bool = False) -> Iterator[Task]:
    """The tasks of JSONL or WARC inputs. ``ranged``: workers read plain JSONL files
    themselves, by byte ranges (the parent's share of a ``--jobs`` run is then the output
    alone); else the parent reads and ships blocks of lines."""
    for index, name in enumerate(names):
        try:
            if kind == "warc":
                chunk: list[Any] = []
                failure: Exception | None = None
                try:
                    for page in iter_warc_pages(name):
                        chunk.append(page)
                        if len(chunk) >= PAGES_PER_TASK:
                            yield ("warc", index, name, chunk)
                            chunk = []
                except Exception as exc:  # (a file that fails part way: the pages before it are done too)
                    failure = exc
                if chunk:
                    yield ("warc", index, name, chunk)
                if failure is not None:
                    raise failure
                continue
            ranges = _byte_ranges(name, CHUNK_BYTES) if ranged else None
            if ranges is not None:
                for start, end in ranges:
                    yield ("jsonl_range", index, name, start, end)
                continue
            with open_input(name) as stream:
                for block, _ in iter_line_blocks(stream, CHUNK_BYTES):
                    yield ("jsonl", index, name, block)
        except Exception as exc:  # reading or decompressing: the input's failure, the run goes on
            # (a task of its own: counted in its place among the tasks' failures, not ahead
            # of those of the tasks still in flight)
            yield ("failed", index, name, unreadable(exc), fail_fast)
            if fail_fast:
                return


def _file_tasks(names: list[str], out_dir: str | None, suffix: str | None) -> Iterator[Task]:
    for start in range(0, len(names), FILES_PER_TASK):
        group = names[start : start + FILES_PER_TASK]
        targets = [_target(out_dir, n, suffix) if out_dir else None for n in group]
        yield ("files", start, group, targets)


#: A page's name under ``--out DIR/``: its HTML extension becomes the output's (``.txt``, or
#: ``.json`` with ``--json``), a compression suffix kept: ``page.html.gz`` -> ``page.txt.gz``.
_HTML_NAME = re.compile(r"\.[xs]?html?(?=(?:\.(?:gz|zst|bz2|xz))?$)", re.IGNORECASE)


def _target(out_dir: str, name: str, suffix: str | None) -> str:
    """Input ``name``'s output under ``out_dir``: WARC ``name.warc.gz`` -> ``name.jsonl.gz``
    (``suffix`` ``.jsonl``); files keep their names but an HTML extension (``suffix``
    ``.txt`` or ``.json``; text files cleaned stay text files of the same name)."""
    base = "stdin" if name == "-" else Path(name).name
    if suffix == ".jsonl":
        packed = base.endswith((".gz", ".zst"))
        base = base.split(".warc")[0] + suffix + (".gz" if packed else "")
    elif suffix is not None:
        base = _HTML_NAME.sub(suffix, base, count=1)
    return os.path.join(out_dir, base)


def _suffix(kind: str, opts: EtlOptions) -> str | None:
    """What :func:`_target` puts in place of an input's extension, for this kind of run
    (JSONL inputs: none, the output is JSONL of the same name)."""
    if kind == "jsonl":
        return None
    return ".jsonl" if kind == "warc" else (".json" if opts.json else ".txt")


class _Unwritable(Exception):
    """The output cannot be opened or written (a full disk, a missing directory): the run
    stops with this message."""

    def __init__(self, name: str, exc: OSError) -> None:
        super().__init__(f"cannot write {name}: {exc.strerror or exc}")


class _Sinks:
    """Where output goes: one stream, or one file per input under a directory. OSErrors come
    out as :class:`_Unwritable`, naming the output."""

    def __init__(self, out: str | None, out_dir: str | None, names: list[str], suffix: str | None) -> None:
        self.dir, self.names, self.suffix = out_dir, names, suffix
        self.index = -1
        self.name = out or "-"
        self.sink: Output | None = None if out_dir else self._open(self.name)

    def _open(self, name: str) -> Output:
        try:
            return open_output(name)
        except OSError as exc:
            raise _Unwritable(name, exc) from None

    def write(self, index: int, data: bytes | Spooled) -> None:
        """Write ``data`` (or a spooled chunk's bytes, removing its file) to input ``index``'s
        output."""
        if self.dir and index != self.index:
            self.close()
            self.name = _target(self.dir, self.names[index], self.suffix)
            self.sink = self._open(self.name)
            self.index = index
        assert self.sink is not None
        try:
            if isinstance(data, Spooled):
                self.sink.write_from(data.path)
            else:
                self.sink.write(data)
        except BrokenPipeError:  # `scrubber clean --jsonl x | head`: the reader is done
            raise
        except OSError as exc:
            raise _Unwritable(self.name, exc) from None
        finally:
            if isinstance(data, Spooled):
                with contextlib.suppress(OSError):
                    os.unlink(data.path)

    def close(self) -> None:
        if self.sink is not None:
            sink, self.sink = self.sink, None
            try:
                sink.close()
            except BrokenPipeError:
                raise
            except OSError as exc:
                raise _Unwritable(self.name, exc) from None


def run(args: argparse.Namespace, config: Config) -> int:
    """Run ``scrubber clean`` in batch mode; print the summary; return the exit code."""
    html = args.html or args.warc or (args.jsonl and args.field == "html")
    opts = EtlOptions(field=args.field, html=html, with_removals=args.with_removals,
                      fail_fast=args.fail_fast, title=not args.no_title, json=args.json,
                      explain=args.explain, encoding=_encoding(args.encoding))
    if html:
        try:
            from .fronts import html as _front  # noqa: F401
        except ImportError as exc:
            print(f"scrubber: error: HTML input is not available: {exc}", file=sys.stderr)
            return 2
    cpus = usable_cpus()
    if args.jobs > cpus and not args.quiet:
        print(f"scrubber: note: --jobs {args.jobs} on {cpus} CPUs: workers beyond one a CPU add memory, "
              "not speed", file=sys.stderr)
    scrubber = Scrubber(config)
    names = list(args.files)
    total = Stats()
    started = time.perf_counter()
    kind = "warc" if args.warc else "jsonl" if args.jsonl else "files"
    out: str | None = args.out
    out_dir = out if out and (os.path.isdir(out) or out.endswith(("/", os.sep))) else None
    suffix = _suffix(kind, opts)
    clash = _overwritten(kind, names, out, out_dir, suffix)
    if clash is not None:
        print(f"scrubber: error: the output would overwrite the input {clash} before it is read "
              "(choose another --out)", file=sys.stderr)
        return 2
    shared = _shared_target(names, out_dir, suffix)
    if shared is not None:
        print(f"scrubber: error: inputs {shared[0]} and {shared[1]} would both be written to "
              f"{shared[2]} (same file name; run them separately)", file=sys.stderr)
        return 2
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    pooled = resolve_jobs(args.jobs) > 1
    if kind == "files":
        tasks: Iterator[Task] = _file_tasks(names, out_dir, suffix)
    else:
        tasks = _stream_tasks(kind, names, opts.fail_fast, ranged=pooled)
    try:
        with _spool_dir(pooled and kind != "files") as spool:
            _drain(tasks, _Sinks(out, out_dir, names, suffix), kind,
                   (scrubber, dataclasses.replace(opts, spool=spool)), total, args)
    except _Unwritable as exc:
        print(f"scrubber: error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(summary(total, time.perf_counter() - started), file=sys.stderr)
    return 2 if total.stopped else 1 if total.failed else 0


@contextlib.contextmanager
def _spool_dir(wanted: bool) -> Iterator[str | None]:
    """A temporary directory for the workers' output (:class:`Spooled`), removed with what
    is left in it; None when not ``wanted`` or when it cannot be made (the output then
    comes back through the pool's pipe, as bytes)."""
    if not wanted:
        yield None
        return
    try:
        spool = tempfile.TemporaryDirectory(prefix="scrubber-", ignore_cleanup_errors=True)
    except OSError:
        yield None
        return
    with spool as path:
        yield path


def _drain(tasks: Iterator[Task], sinks: _Sinks, kind: str, state: tuple[Scrubber, EtlOptions], total: Stats,
           args: argparse.Namespace) -> None:
    """Run the tasks, write their output in input order and add their Stats to ``total``."""
    bar = _progress(args)
    first_doc = True
    lines_before = [0] * len(sinks.names)  # per JSONL input: the lines of the tasks done so far
    results = run_chunks(_task, tasks, state=state, jobs=args.jobs, crashed=_crashed_task)
    try:
        for index, chunk, stats in results:
            if kind == "jsonl":
                lines_before[index] += stats.after_lines(lines_before[index]).lines
            total += stats
            if bar is not None:
                bar.update(stats.docs)
            if kind != "files":
                sinks.write(index, chunk)
            else:
                for path, body, explanation in chunk:
                    if body and sinks.sink is not None:
                        if not first_doc and not state[1].json:
                            sinks.write(0, b"\f\n")
                        sinks.write(0, body)
                        first_doc = False
                    if explanation:
                        print(f"==> {path} <==\n{explanation}", file=sys.stderr)
            if stats.stopped:
                break
    finally:
        results.close()  # (the pool shut down, its workers done with the spool)
        if bar is not None:
            bar.close()
        sinks.close()


def _overwritten(kind: str, names: list[str], out: str | None, out_dir: str | None,
                 suffix: str | None) -> str | None:
    """An input that the output file would truncate before it is read (``--out`` naming an
    input, or a JSONL/WARC input's file under ``--out DIR/``), or None. Files cleaned one to
    one into their own directory are fine: each is read whole before its output is written."""
    for name in names:
        if name == "-" or not os.path.exists(name):
            continue
        if out_dir:
            if kind == "files":
                continue
            target = _target(out_dir, name, suffix)
        elif out and out != "-":
            target = out
        else:
            continue
        if os.path.exists(target) and os.path.samefile(target, name):
            return name
    return None


def _shared_target(names: list[str], out_dir: str | None, suffix: str | None) -> tuple[str, str, str] | None:
    """Two inputs whose outputs under ``--out DIR/`` have the same path (``a/x.jsonl`` and
    ``b/x.jsonl``, or ``x.html`` and ``x.txt``: the second would overwrite the first's), or None."""
    if not out_dir:
        return None
    seen: dict[str, str] = {}
    for name in dict.fromkeys(names):  # (an input named twice is one input)
        target = os.path.normpath(_target(out_dir, name, suffix))
        if target in seen:
            return seen[target], name, target
        seen[target] = name
    return None


def _encoding(name: str) -> str:
    return "utf-8-sig" if name.lower().replace("-", "") in ("utf8", "utf8sig") else name


def _progress(args: argparse.Namespace) -> Any:
    if args.quiet or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(unit=" docs", file=sys.stderr, dynamic_ncols=True)


def summary(stats: Stats, seconds: float) -> str:
    """The end-of-run report: documents, MB, seconds, docs/s, removals, failures."""
    mb = stats.bytes / 1e6
    rate = stats.docs / seconds if seconds > 0 else 0.0
    lines = [f"scrubber: {stats.docs:,} documents, {mb:,.1f} MB in {seconds:,.1f} s "
             f"({rate:,.1f} docs/s, {mb / seconds if seconds > 0 else 0:,.2f} MB/s); "
             f"{stats.failed:,} failed"]
    if stats.removals:
        by_category = stats.removals.most_common()
        lines.append("scrubber: removals: " + ", ".join(f"{c} {n:,}" for c, n in by_category))
    if stats.failed:
        lines.append("scrubber: failures: " + ", ".join(f"{r} {n:,}" for r, n in stats.reasons.most_common()))
        lines.extend(f"scrubber:   {example}" for example in stats.example_lines())
        if stats.failed > len(stats.examples):
            lines.append(f"scrubber:   ... and {stats.failed - len(stats.examples):,} more")
    if stats.stopped:
        lines.append("scrubber: stopped at the first failure (--fail-fast)")
    return "\n".join(lines)

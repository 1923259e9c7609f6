"""Batch runs of ``scrubber clean``: many files, JSON lines or WARC files, over worker processes.

Workers never receive parsed documents: they get file names, byte ranges of plain JSONL
files (which they read themselves), or raw input the parent read (blocks of JSONL lines from
stdin or a compressed file, WARC HTML payloads); each worker parses, cleans and serialises
its chunk itself (:mod:`.chunks`) and hands back its output plus counters
(:class:`~.chunks.Stats`). In a ``--jobs`` run the output is a file the worker leaves in the
run's spool directory (:class:`~.chunks.Spooled`),
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
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._core import Scrubber
from .batch import ItemError
from .chunks import EtlOptions, Spooled, Stats, crashed_task, run_task, unreadable
from .config import Config
from .io import (
    Output,
    compression_by_magic,
    iter_line_blocks,
    open_input,
    open_output,
)
from .pool import Task, resolve_jobs, run_chunks, usable_cpus
from .warc import iter_warc_pages

# --- the run -------------------------------------------------------------------------------

#: Files per task, WARC pages per task, and JSONL bytes per task (a few hundredths of a
#: second of cleaning: small enough to balance the workers, large enough that the pool's
#: cost per task -- futures, wake-ups, pickling -- stays under 1% of the parent's time).
FILES_PER_TASK, PAGES_PER_TASK, CHUNK_BYTES = 16, 16, 1 << 20


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
    """Tasks of FILES_PER_TASK files. Stdin (``-``) is read here, in the parent, and its
    content goes with its task: a worker process's stdin is not the run's (it read as an
    empty file, and the input was lost). Named again, ``-`` is a failure (unreadable)."""
    stdin_read = False
    for start in range(0, len(names), FILES_PER_TASK):
        group = names[start : start + FILES_PER_TASK]
        targets = [_target(out_dir, n, suffix) if out_dir else None for n in group]
        given: list[bytes | ItemError | None] | None = None
        if "-" in group:
            given = []
            for name in group:
                if name != "-":
                    given.append(None)
                elif stdin_read:  # (as a second read of stdin failed before)
                    given.append(ItemError("unreadable", "ValueError",
                                           "stdin is read once: '-' is named twice"))
                else:
                    given.append(_read_stdin())
                    stdin_read = True
        yield ("files", start, group, targets, given)


def _read_stdin() -> bytes | ItemError:
    try:
        with open_input("-") as stream:
            return stream.read()
    except Exception as exc:  # reading or decompressing (a truncated .gz: EOFError)
        return unreadable(exc)


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
            self.empty_until(index)
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

    def empty_until(self, index: int) -> None:
        """Under ``--out DIR/``: an empty output for every input before ``index`` after the
        last one written (an empty input, a WARC file with no page: its output exists, and
        an earlier run's is not left in its place)."""
        if not self.dir:
            return
        for skipped in range(self.index + 1, index):
            self.name = _target(self.dir, self.names[skipped], self.suffix)
            self._open(self.name).close()
            self.index = skipped

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
    if kind != "files" and not args.quiet:
        _note_ignored(args)
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
        try:
            os.makedirs(out_dir, exist_ok=True)
        except OSError as exc:
            print(f"scrubber: error: {_Unwritable(out_dir, exc)}", file=sys.stderr)
            return 2
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


def _note_ignored(args: argparse.Namespace) -> None:
    """Say which options of files mode a --jsonl or --warc run ignores (its output is JSON
    lines with clean_text and title; removals with --with-removals)."""
    options = (("--explain", args.explain), ("--json", args.json), ("--no-title", args.no_title),
               ("--encoding", args.encoding != "utf-8"))
    ignored = [flag for flag, given in options if given]
    if ignored:
        mode = "--warc" if args.warc else "--jsonl"
        print(f"scrubber: note: {', '.join(ignored)} {'has' if len(ignored) == 1 else 'have'} no effect "
              f"with {mode} (its records are JSON lines with clean_text and title; removals with "
              "--with-removals)", file=sys.stderr)


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
    results = run_chunks(run_task, tasks, state=state, jobs=args.jobs, crashed=crashed_task)
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
        else:
            if kind != "files":
                sinks.close()
                sinks.empty_until(len(sinks.names))
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
    ``b/x.jsonl``, ``x.html`` and ``x.txt``, or one input named twice: the second would
    overwrite the first's), or None."""
    if not out_dir:
        return None
    seen: dict[str, str] = {}
    for name in names:  # (an input named twice would be written twice over: refused too)
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

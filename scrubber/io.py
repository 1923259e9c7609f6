"""Readers and writers for the command line and batch jobs.

* :func:`open_input` -- a file (or ``-`` for stdin) as a binary stream, gzip / zstd / bz2 / xz
  decompressed when its first bytes say so;
* :func:`open_output` -- a file (or ``-`` for stdout), compressed by its extension
  (``.gz``, ``.zst``/``.zstd``, ``.bz2``, ``.xz``);
* :func:`iter_line_blocks` -- whole raw lines of a stream, in blocks of about ``size`` bytes;
* :func:`read_line_range` -- the lines of a plain file that start in a byte range (workers
  of a ``--jobs`` run read their own share of a file);
* :func:`iter_warc_pages` -- the HTML responses of a WARC file (FastWARC, else warcio).

zstd needs the ``zstandard`` package and WARC input ``fastwarc`` or ``warcio``
(``pip install 'scrubber[etl,warc]'``).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from .errors import InputError

_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
)
_SUFFIX = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd", ".bz2": "bz2", ".xz": "xz"}


def compression_of(name: str) -> str | None:
    """The compression implied by a file name's extension, or None."""
    return _SUFFIX.get(Path(name).suffix.lower())


def _zstd() -> object:
    try:
        import zstandard
    except ImportError:
        raise InputError("zstd needs the 'zstandard' package (pip install 'scrubber[etl]')") from None
    return zstandard


def _wrap_reader(raw: BinaryIO, kind: str | None) -> BinaryIO:
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if kind == "zstd":
        reader = _zstd().ZstdDecompressor().stream_reader(raw, read_across_frames=True)  # type: ignore[attr-defined]
        return io.BufferedReader(reader, 1 << 16)  # line iteration
    if kind == "bz2":
        return bz2.BZ2File(raw, "rb")  # type: ignore[return-value]
    if kind == "xz":
        return lzma.LZMAFile(raw, "rb")  # type: ignore[return-value]
    return raw


def compression_by_magic(head: bytes) -> str | None:
    """The compression whose magic bytes ``head`` (a file's first 8 bytes) starts with, or None."""
    return next((k for magic, k in _MAGIC if head.startswith(magic)), None)


def open_input(name: str) -> BinaryIO:
    """Open ``name`` (``-``: stdin) for binary reading, decompressing by magic bytes."""
    raw: BinaryIO = sys.stdin.buffer if name == "-" else open(name, "rb")  # noqa: SIM115
    peek = getattr(raw, "peek", None)
    if peek is None:
        raw = io.BufferedReader(raw)  # type: ignore[arg-type]
        peek = raw.peek
    head = peek(8)[:8]
    return _wrap_reader(raw, compression_by_magic(head))


class Output:
    """A binary output: ``write`` bytes, then ``close`` (which finishes any compressor and
    closes the file, or only flushes stdout)."""

    def __init__(self, stream: IO[bytes], raw: IO[bytes], close_raw: bool) -> None:
        self._stream, self._raw, self._close_raw = stream, raw, close_raw
        self.write = stream.write

    def close(self) -> None:
        if self._stream is not self._raw:
            self._stream.close()
        if self._close_raw:
            self._raw.close()
        else:
            self._raw.flush()

    def __enter__(self) -> Output:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_output(name: str) -> Output:
    """Open ``name`` (``-``: stdout) for binary writing, compressed by its extension."""
    to_stdout = name == "-"
    raw: IO[bytes] = sys.stdout.buffer if to_stdout else open(name, "wb")  # noqa: SIM115
    kind = None if to_stdout else compression_of(name)
    stream: IO[bytes] = raw
    if kind == "gzip":
        stream = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6)  # type: ignore[assignment]
    elif kind == "zstd":
        stream = _zstd().ZstdCompressor(level=3).stream_writer(raw, closefd=False)  # type: ignore[attr-defined]
    elif kind == "bz2":
        stream = bz2.BZ2File(raw, "wb")  # type: ignore[assignment]
    elif kind == "xz":
        stream = lzma.LZMAFile(raw, "wb")  # type: ignore[assignment]  # noqa: SIM115
    return Output(stream, raw, close_raw=not to_stdout)


def iter_line_blocks(stream: BinaryIO, size: int = 1 << 20) -> Iterator[tuple[bytes, int]]:
    """Whole lines of ``stream`` in blocks of about ``size`` bytes: ``(block, lines)``, each
    block one bytes object ending with a ``\\n`` (the last one as the stream ends) and
    ``lines`` the number of lines in it. One object a block, not one a line: the blocks are
    pickled to worker processes, and the reader is the parent's share of a ``--jobs`` run.
    A line longer than ``size`` comes whole, in a block of its own."""
    pending: list[bytes] = []  # the start of a line longer than what was read so far
    while data := stream.read(size):
        cut = data.rfind(b"\n") + 1
        if not cut:
            pending.append(data)
            continue
        block = b"".join([*pending, data[:cut]]) if pending else data[:cut]
        pending = [data[cut:]] if cut < len(data) else []
        yield block, block.count(b"\n")
    if pending:
        yield b"".join(pending), 1


def split_block(block: bytes) -> list[bytes]:
    """The lines of a block of :func:`iter_line_blocks`, each with its ``\\n`` (the last one
    without, if the stream ended without one)."""
    lines = block.split(b"\n")
    last = lines.pop()
    out = [line + b"\n" for line in lines]
    if last:
        out.append(last)
    return out


def read_line_range(path: str, start: int, end: int) -> tuple[bytes, int]:
    """The lines of the file ``path`` that *start* at a byte offset in ``[start, end)``, whole
    (the last one read past ``end`` to its ``\\n``), and how many there are.

    Ranges that tile a file give each line to exactly one range, so workers can each read
    their own share of a file: the parent passes offsets, not data."""
    with open(path, "rb") as f:
        if start > 0:
            f.seek(start - 1)
            if f.read(1) != b"\n":
                f.readline()  # the rest of a line that started before this range
        pos = f.tell()
        if pos >= end:
            return b"", 0
        data = f.read(end - pos)
        if data and not data.endswith(b"\n"):
            data += f.readline()  # the last line, which starts in the range
    return data, data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


@dataclass(frozen=True, slots=True)
class WarcPage:
    """One HTML response of a WARC file."""

    url: str | None
    date: str | None
    record_id: str | None
    content_type: str | None
    body: bytes


def _is_html(content_type: str | None) -> bool:
    if not content_type:
        return False
    ct = content_type.lower()
    return "html" in ct  # text/html, application/xhtml+xml


def iter_warc_pages(name: str) -> Iterator[WarcPage]:
    """The HTML ``response`` records of the WARC file ``name`` (``-``: stdin; .gz allowed)."""
    try:
        import fastwarc  # noqa: F401
    except ImportError:
        return _iter_warcio(name)
    return _iter_fastwarc(name)


def _iter_fastwarc(name: str) -> Iterator[WarcPage]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    source = sys.stdin.buffer if name == "-" else name  # FastWARC detects gzip / zstd / lz4
    for rec in ArchiveIterator(source, record_types=WarcRecordType.response, parse_http=True,
                               auto_decode="all"):
        http = rec.http_headers
        ctype = http.get("Content-Type") if http is not None else None
        if not _is_html(ctype):
            continue
        h = rec.headers
        yield WarcPage(h.get("WARC-Target-URI"), h.get("WARC-Date"), rec.record_id, ctype,
                       rec.reader.read())


def _iter_warcio(name: str) -> Iterator[WarcPage]:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        raise InputError("WARC input needs 'fastwarc' or 'warcio' (pip install 'scrubber[warc]')") from None
    stream = sys.stdin.buffer if name == "-" else open(name, "rb")  # noqa: SIM115
    try:
        for rec in ArchiveIterator(stream):
            if rec.rec_type != "response" or rec.http_headers is None:
                continue
            ctype = rec.http_headers.get_header("Content-Type")
            if not _is_html(ctype):
                continue
            h = rec.rec_headers
            yield WarcPage(h.get_header("WARC-Target-URI"), h.get_header("WARC-Date"),
                           h.get_header("WARC-Record-ID"), ctype, rec.content_stream().read())
    finally:
        if name != "-":
            stream.close()

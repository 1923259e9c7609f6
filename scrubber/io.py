"""Readers and writers for the command line and batch jobs.

* :func:`open_input` -- a file (or ``-`` for stdin) as a binary stream, gzip / zstd / bz2 / xz
  decompressed when its first bytes say so;
* :func:`open_output` -- a file (or ``-`` for stdout), compressed by its extension
  (``.gz``, ``.zst``/``.zstd``, ``.bz2``, ``.xz``);
* :func:`iter_line_blocks` -- whole raw lines of a stream, in blocks of about ``size`` bytes;
* :func:`read_line_range` -- the lines of a plain file that start in a byte range (workers
  of a ``--jobs`` run read their own share of a file);
* :class:`SalvagingReader` -- a stream that hands back every byte before a read failure first;

zstd needs the ``zstandard`` package (``pip install 'scrubber[etl]'``); WARC input is
:mod:`scrubber.warc`.
"""

from __future__ import annotations

import bz2
import errno
import gzip
import io
import lzma
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

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
        frames = _ZstdFrames(raw)
        reader = _zstd().ZstdDecompressor().stream_reader(frames, read_across_frames=True)  # type: ignore[attr-defined]
        return io.BufferedReader(_ZstdReader(reader, frames), 1 << 16)  # line iteration
    if kind == "bz2":
        return bz2.BZ2File(raw, "rb")  # type: ignore[return-value]
    if kind == "xz":
        return lzma.LZMAFile(raw, "rb")  # type: ignore[return-value]
    return raw


class _ZstdFrames:
    """A zstd file read through, its frames' structure followed as the bytes pass, so that a
    file that ends inside a frame (a partial download) can raise ``EOFError`` as gzip, bz2
    and xz do (:class:`_ZstdReader`): ``zstandard``'s stream reader ends such a stream
    quietly, and the records after the last whole line would be lost without a word.

    Only headers are read (RFC 8878: frame header, 3-byte block headers, checksum, skippable
    frames); block contents are counted past, a few steps a block of up to 128 KB."""

    _MAGIC, _SKIPPABLE = b"\x28\xb5\x2f\xfd", b"\x2a\x4d\x18"

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._state, self._need, self._skip = "magic", 4, 0
        self._buf = bytearray()
        self._checksum = False

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        if data:
            self._feed(data)
        return data

    @property
    def truncated(self) -> bool:
        """The bytes so far end inside a frame (only meaningful once they have all been read)."""
        return self._state != "lost" and (self._state != "magic" or bool(self._buf) or self._skip > 0)

    def _feed(self, data: bytes) -> None:
        i, n = 0, len(data)
        while i < n and self._state != "lost":
            if self._skip:
                k = min(self._skip, n - i)
                self._skip -= k
                i += k
                continue
            take = min(self._need - len(self._buf), n - i)
            self._buf += data[i : i + take]
            i += take
            if len(self._buf) == self._need:
                head = bytes(self._buf)
                self._buf.clear()
                self._step(head)

    def _step(self, head: bytes) -> None:
        state = self._state
        if state == "magic":
            if head == self._MAGIC:
                self._state, self._need = "descriptor", 1
            elif head[1:] == self._SKIPPABLE and head[0] & 0xF0 == 0x50:
                self._state, self._need = "skippable", 4
            else:  # not zstd: the decompressor reports it
                self._state = "lost"
        elif state == "descriptor":
            fhd = head[0]
            single = fhd >> 5 & 1
            self._checksum = bool(fhd >> 2 & 1)
            self._skip = (0 if single else 1) + (0, 1, 2, 4)[fhd & 3] + (single, 2, 4, 8)[fhd >> 6]
            self._state, self._need = "block", 3
        elif state == "block":
            header = int.from_bytes(head, "little")
            last, kind, size = header & 1, header >> 1 & 3, header >> 3
            self._skip = 1 if kind == 1 else size  # (an RLE block holds one byte)
            if last:
                self._skip += 4 if self._checksum else 0
                self._state, self._need = "magic", 4
        else:  # skippable: its length, then that many bytes
            self._skip = int.from_bytes(head, "little")
            self._state, self._need = "magic", 4


class _ZstdReader(io.RawIOBase):
    """``zstandard``'s stream reader, raising ``EOFError`` where the stream ends inside a
    frame -- after everything before that was decompressed has been read (raising from the
    source's read instead would drop what the reader had decompressed in that call)."""

    def __init__(self, reader: BinaryIO, frames: _ZstdFrames) -> None:
        self._reader, self._frames = reader, frames

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self._reader.readinto(b)
        if not n and self._frames.truncated:
            raise EOFError("zstd stream ended before the end of its frame")
        return n

    def close(self) -> None:
        self._reader.close()
        super().close()


def compression_by_magic(head: bytes) -> str | None:
    """The compression whose magic bytes ``head`` (a file's first 8 bytes) starts with, or None."""
    return next((k for magic, k in _MAGIC if head.startswith(magic)), None)


_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_HTML_STARTS = (b"<!doctype html", b"<html")


def looks_like_html(name: str, data: bytes) -> bool:
    """Unambiguous HTML: an .html/.htm name, or content opening with a doctype or <html>."""
    if name.lower().removesuffix(".gz").removesuffix(".zst").endswith(_HTML_SUFFIXES):
        return True
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_HTML_STARTS)


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

    def write_from(self, path: str) -> None:
        """Append the bytes of the file ``path``: copied by the kernel (``sendfile``) where
        this output is an uncompressed file or a pipe, else read and written."""
        with open(path, "rb") as src:
            done = 0
            if self._stream is self._raw and hasattr(os, "sendfile"):
                self._raw.flush()
                done = _sendfile(src.fileno(), self._raw.fileno(), os.fstat(src.fileno()).st_size)
            src.seek(done)
            shutil.copyfileobj(src, self._stream, 1 << 20)

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


#: What ``sendfile`` raises where it cannot write to this kind of output (macOS: sockets only).
_NO_SENDFILE = (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSOCK)


def _sendfile(src: int, out: int, size: int) -> int:
    """Copy ``src``'s first ``size`` bytes to ``out`` in the kernel; the bytes copied (fewer
    where this output refuses ``sendfile``: the caller copies the rest)."""
    done = 0
    try:
        while done < size:
            sent = os.sendfile(out, src, done, size - done)
            if sent == 0:  # (the file shrank)
                break
            done += sent
    except OSError as exc:
        if exc.errno not in _NO_SENDFILE:
            raise
    return done


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
    A line longer than ``size`` comes whole, in a block of its own.

    A stream that fails part way (a truncated or damaged compressed file) first gives every
    whole line read before the failure, then raises it: the lines before the damage are not
    lost with the read that met it."""
    pending: list[bytes] = []  # the start of a line longer than what was read so far
    failure: BaseException | None = None
    while True:
        try:
            data = _read_upto(stream, size)
        except _Salvaged as salvaged:
            data, failure = salvaged.data, salvaged.error
        cut = data.rfind(b"\n") + 1
        if cut:
            block = b"".join([*pending, data[:cut]]) if pending else data[:cut]
            pending = [data[cut:]] if cut < len(data) else []
            yield block, block.count(b"\n")
        elif data:
            pending.append(data)
        if failure is not None:
            raise failure  # (the partial line after the last whole one is the damage)
        if not data:
            break
    if pending:
        yield b"".join(pending), 1


class _Salvaged(Exception):
    """A read that failed after some data came: the data, and the failure to raise next."""

    def __init__(self, data: bytes, error: BaseException) -> None:
        super().__init__(str(error))
        self.data, self.error = data, error


def _read_upto(stream: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes (fewer only at the end). By ``read1`` where the stream has it:
    a decompressing reader's ``read(size)`` drops what it decompressed in that call when it
    then meets the damage; ``read1`` hands back each piece as it comes."""
    read1 = getattr(stream, "read1", None)
    if read1 is None:
        return stream.read(size)
    parts: list[bytes] = []
    got = 0
    while got < size:
        try:
            piece = read1(size - got)
        except Exception as exc:  # (EOFError, zlib.error, LZMAError, ZstdError, OSError ...)
            if not parts:
                raise
            raise _Salvaged(b"".join(parts), exc) from None
        if not piece:
            break
        parts.append(piece)
        got += len(piece)
    return parts[0] if len(parts) == 1 else b"".join(parts)


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


class CarriedFailure(Exception):
    """A read failure of :class:`SalvagingReader`'s, carried through a reader that would take
    the failure itself for something else (warcio takes an ``EOFError`` for the end);
    ``error`` is the failure."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class SalvagingReader:
    """A binary stream whose ``read`` gives what came before a failure (a truncated or
    damaged compressed file) and raises :class:`CarriedFailure` on the next call (see
    :func:`_read_upto`)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._failure: BaseException | None = None
        #: The first bytes ``read`` handed back (up to 64).
        self.head = b""
        self._pending = b""

    def skip(self, chars: bytes) -> None:
        """Pass over the bytes in ``chars`` at the start of the stream."""
        while True:
            data = self.read(1 << 16)
            rest = data.lstrip(chars)
            if rest or not data:
                self._pending = rest
                return

    def read(self, size: int = -1) -> bytes:
        if self._pending:
            n = len(self._pending) if size is None or size < 0 else size
            data, self._pending = self._pending[:n], self._pending[n:]
            return data
        if self._failure is not None:
            raise CarriedFailure(self._failure)
        try:
            data = _read_upto(self._stream, size if size is not None and size >= 0 else 1 << 62)
        except _Salvaged as salvaged:
            self._failure = salvaged.error
            data = salvaged.data
        except Exception as exc:  # (a failure before any data: carried at once)
            self._failure = exc
            raise CarriedFailure(exc) from None
        if len(self.head) < 64:
            self.head += data[: 64 - len(self.head)]
        return data

    def close(self) -> None:
        self._stream.close()

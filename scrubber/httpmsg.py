"""The HTTP response stored in a WARC ``response`` record's block: its headers and its body,
decoded (chunks, then content codings) -- one reading for either WARC reader.

FastWARC and warcio each parse HTTP their own way, and they disagreed on real responses:
a body under ``Content-Encoding: deflate`` without the zlib wrapper (which browsers take),
``gzip, gzip``, headers past 64 KB, a chunked body missing its last chunk, an unknown coding
over a plain body, a Content-Type folded over two lines or not in ASCII. The readers now only
cut the file into records; this module reads every block the same way, as a browser would
where the message is sloppy:

* header lines end in CRLF or LF; lines without a colon are skipped; a line that starts with
  a space or tab continues the one before; bytes that are not UTF-8 are read as Latin-1;
* a message with no status line is no response (None); one whose headers never end is all
  headers, with an empty body;
* ``Transfer-Encoding: chunked`` is undone; a chunked body that stops before its last chunk
  is what it carried; a chunk size that is no number is an error;
* content codings are undone last first (``gzip, gzip``); a body that is not in its coding
  from the first byte is taken as it is (a server's label over a plain body), one that
  breaks or ends part way is an error: a fragment is no page.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

__all__ = ["HttpResponse", "gunzip_body", "read_head", "read_response"]

_HEAD_END = re.compile(rb"\r?\n\r?\n")
_LINE = re.compile(rb"\r?\n")


@dataclass(frozen=True)
class HttpResponse:
    """A response's Content-Type, its body decoded, and why the body could not be read."""

    content_type: str | None
    body: bytes
    error: str | None = None


def read_head(block: bytes) -> tuple[str | None, bool] | None:
    """The Content-Type of the response in ``block`` and whether its headers end there
    (None: no status line, so no response): enough to pass over a block that is no page."""
    split = _split(block)
    if split is None:
        return None
    headers, _, ended = split
    return _content_type(headers.get("content-type", [])), ended


def read_response(block: bytes) -> HttpResponse | None:
    """The HTTP response in ``block`` (None: no status line, so no response)."""
    split = _split(block)
    if split is None:
        return None
    headers, body, _ = split
    ctype = _content_type(headers.get("content-type", []))
    codings = [t for v in headers.get("transfer-encoding", []) for t in _tokens(v)]
    if codings and codings[-1] == "chunked":
        body, error = _unchunk(body)
        if error is not None:
            return HttpResponse(ctype, b"", error)
    for coding in reversed([t for v in headers.get("content-encoding", []) for t in _tokens(v)]):
        body, error = _decode(body, coding)
        if error is not None:
            return HttpResponse(ctype, b"", error)
    return HttpResponse(ctype, body)


def _split(block: bytes) -> tuple[dict[str, list[str]], bytes, bool] | None:
    """The headers, the body and whether the headers end (else all is headers); None for
    a block with no status line."""
    match = _HEAD_END.search(block)
    head, body = (block[: match.start()], block[match.end() :]) if match else (block, b"")
    status, *lines = _LINE.split(head)
    if not status.strip():
        return None
    return _headers(lines), body, match is not None


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _headers(lines: list[bytes]) -> dict[str, list[str]]:
    """Header values by lower-case name, in order (folded lines joined with a space)."""
    pairs: list[list[str]] = []
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            if pairs:
                pairs[-1][1] += " " + _text(line.strip())
            continue
        name, colon, value = line.partition(b":")
        if colon and name.strip():
            pairs.append([_text(name.strip()).lower(), _text(value.strip())])
    headers: dict[str, list[str]] = {}
    for name, value in pairs:
        headers.setdefault(name, []).append(value)
    return headers


def _content_type(values: list[str]) -> str | None:
    """The first Content-Type that names an HTML type, else the first (a response sent with
    two says what it is in either; a page is not dropped for its second label)."""
    for value in values:
        if "html" in value.lower():
            return value
    return values[0] if values else None


def _tokens(value: str) -> list[str]:
    return [t for t in (" ".join(p.split()).lower() for p in value.split(",")) if t]


def _unchunk(data: bytes) -> tuple[bytes, str | None]:
    parts: list[bytes] = []
    pos = 0
    while pos < len(data):
        end = data.find(b"\n", pos)
        line = data[pos:] if end < 0 else data[pos:end]
        size_text = line.split(b";", 1)[0].strip()
        if not size_text and end >= 0 and parts:  # (a blank line between chunks: tolerated)
            pos = end + 1
            continue
        try:
            size = int(size_text, 16)
        except ValueError:
            shown = size_text[:40].decode("latin-1")
            return b"", f"ChunkedEncodingError: invalid chunk size line {shown!r}"
        if size == 0 or end < 0:
            break
        start = end + 1
        parts.append(data[start : start + size])
        pos = start + size
        if data[pos : pos + 2] == b"\r\n":
            pos += 2
        elif data[pos : pos + 1] == b"\n":
            pos += 1
    return b"".join(parts), None


def _decode(data: bytes, coding: str) -> tuple[bytes, str | None]:
    """``data`` with the content coding undone, or ``(b"", error)``."""
    if not data or coding in ("identity", "none"):
        return data, None
    if coding in ("gzip", "x-gzip"):
        return gunzip_body(data)
    if coding == "deflate":
        return _inflate(data)
    if coding == "br":
        return _unbrotli(data)
    if coding == "zstd":
        return _unzstd(data)
    return data, None  # (compress, or a coding no browser knows: the body as it came)


def gunzip_body(data: bytes) -> tuple[bytes, str | None]:
    """A body sent as gzip, decompressed: ``(body, None)``, or ``(b"", error)`` for a stream
    that breaks or ends before its end. Bytes that are not gzip data are the body as it is."""
    if not data.startswith(b"\x1f\x8b"):
        return data, None
    return _zlib_stream(data, 31, "gzip")


def _inflate(data: bytes) -> tuple[bytes, str | None]:
    """deflate: zlib-wrapped as the standard says, or raw deflate as many servers send it
    (browsers take both); data that fails at once is the body as it is."""
    wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
    if wrapped:
        return _zlib_stream(data, 15, "deflate")
    try:
        zlib.decompressobj(-15).decompress(data[:64])
    except zlib.error:
        return data, None
    return _zlib_stream(data, -15, "deflate")


#: A body that decodes to more is refused (no page is this large; a small gzip body can
#: decode to gigabytes): a page's text is far below :attr:`Config.max_input_chars` anyway.
MAX_BODY = 256 << 20


def _too_large(name: str) -> str:
    return f"ValueError: the {name} body decodes to more than {MAX_BODY >> 20} MB"


def _zlib_stream(data: bytes, wbits: int, name: str) -> tuple[bytes, str | None]:
    unzip = zlib.decompressobj(wbits)
    try:
        body = unzip.decompress(data, MAX_BODY + 1)
    except zlib.error as exc:
        return b"", f"error: {exc}"
    if len(body) > MAX_BODY:
        return b"", _too_large(name)
    if not unzip.eof:
        return b"", f"EOFError: the {name} body ends before its end"
    return body, None


def _looks_plain(data: bytes) -> bool:
    """A body under a coding with no magic number (br) that fails at once: markup is a plain
    page under the label; anything else is a broken stream."""
    return data.lstrip()[:1] == b"<"


def _unbrotli(data: bytes) -> tuple[bytes, str | None]:
    try:
        import brotli  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        if _looks_plain(data):
            return data, None
        return b"", "ImportError: a br body needs the 'brotli' package (pip install 'scrubber[warc]')"
    unbr = brotli.Decompressor()
    try:
        body = unbr.process(data)
    except brotli.error as exc:
        return (data, None) if _looks_plain(data) else (b"", f"error: brotli: {exc}")
    if not unbr.is_finished():
        return b"", "EOFError: the br body ends before its end"
    return (b"", _too_large("br")) if len(body) > MAX_BODY else (body, None)


def _unzstd(data: bytes) -> tuple[bytes, str | None]:
    if not data.startswith(b"\x28\xb5\x2f\xfd"):
        return data, None
    try:
        import zstandard
    except ImportError:
        return b"", "ImportError: a zstd body needs the 'zstandard' package (pip install 'scrubber[warc]')"
    unzstd = zstandard.ZstdDecompressor().decompressobj()
    try:
        body = unzstd.decompress(data)
    except zstandard.ZstdError as exc:
        return b"", f"error: zstd: {exc}"
    if not unzstd.eof:
        return b"", "EOFError: the zstd body ends before its end"
    return (b"", _too_large("zstd")) if len(body) > MAX_BODY else (body, None)

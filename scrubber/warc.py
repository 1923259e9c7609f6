"""WARC input: the HTML responses of a WARC file, as :class:`WarcPage` (FastWARC, else warcio).

Both readers are made to say what they would not: a file cut inside a record (a partial
download) raises ``EOFError`` after its whole pages, a page whose HTTP body does not decode is
a page with an ``error`` (the file's other pages go on), and each page carries the charset of
its HTTP ``Content-Type`` (:func:`charset_of`) for the decoder.
"""

from __future__ import annotations

import functools
import re
import sys
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any

from .errors import InputError
from .fronts.decode import content_type_charset
from .io import CarriedFailure, SalvagingReader, open_input


@dataclass(frozen=True, slots=True)
class WarcPage:
    """One HTML response of a WARC file."""

    url: str | None
    date: str | None
    record_id: str | None
    content_type: str | None
    body: bytes
    #: Why the body could not be read (a broken chunked or compressed HTTP encoding): the
    #: page is reported as failed, the file's other pages go on.
    error: str | None = None


def charset_of(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value (a WARC page's), or None."""
    return content_type_charset(content_type)


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


def _cut_record(url: str | None, got: int, expected: int) -> EOFError:
    return EOFError(f"the file ends inside the WARC record of {url or 'a page'} "
                    f"({got:,} of its {expected:,} bytes): it is truncated")


#: Blocks up to this size are read whole (nearly all: Common Crawl cuts records at 1 MiB) ...
_WHOLE = 8 << 20
#: ... larger ones' start first: its HTTP headers say whether the block is a page.
_HEAD = 1 << 16
#: The rest of a block that is no page is counted past in pieces this size.
_PIECE = 1 << 20
_CONTENT_TYPE = re.compile(rb"^content-type[ \t]*:[ \t]*([^\r\n]*)", re.IGNORECASE | re.MULTILINE)


def _iter_fastwarc(name: str) -> Iterator[WarcPage]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    source = sys.stdin.buffer if name == "-" else name  # FastWARC detects gzip / zstd / lz4
    last = 0
    # Every type is read, so that a record of any type cut inside its headers is seen (its
    # type is then no type at all): only responses' blocks are read.
    for rec in ArchiveIterator(source, record_types=WarcRecordType.any_type, parse_http=False):
        h = rec.headers
        _check_length(h.get("Content-Length"), h.get("WARC-Target-URI"))
        if rec.record_type != WarcRecordType.response:
            # (read to its end too: a request record cut short is a file that ends before
            # the response it precedes)
            got = 0
            while piece := rec.reader.read(_PIECE):
                got += len(piece)
            if got < rec.content_length:
                raise _cut_record(h.get("WARC-Target-URI"), got, rec.content_length)
            continue
        last = rec.stream_pos
        # Every block is read to its end: a record cut by the end of the file (a partial
        # download) comes back short and quietly -- its text a fragment, cleaned as a page.
        # A page's block is kept; any other (a video of gigabytes) is counted past in pieces.
        block: bytes | None
        if rec.content_length <= _WHOLE:
            block = rec.reader.read()
            got = len(block)
        else:
            head = rec.reader.read(_HEAD)
            if _not_a_page(head):
                got = len(head)
                while piece := rec.reader.read(_PIECE):
                    got += len(piece)
                block = None
            else:
                block = head + rec.reader.read()
                got = len(block)
        if got < rec.content_length:
            raise _cut_record(h.get("WARC-Target-URI"), got, rec.content_length)
        if block is not None:
            page = _http_page(h.get("WARC-Target-URI"), h.get("WARC-Date"), rec.record_id,
                              h.get("Content-Type"), block)
            if page is not None:
                yield page
    if name != "-":
        _check_gzip_end(name, last)


def _check_length(length: str | None, url: str | None) -> None:
    """Raise the truncation error for a record whose Content-Length (which every WARC record
    must have) is missing or no number: both readers hand back a file cut inside a record's
    WARC headers as a record with what headers they read, and no more records."""
    if length is None or not length.strip().isdigit():
        raise EOFError(f"the file ends inside the WARC headers of {url or 'a record'} "
                       f"(no Content-Length), or they are damaged: it is truncated")


def _check_gzip_end(path: str, start: int) -> None:
    """Raise the truncation error when ``path`` is gzip data whose members from offset
    ``start`` (the last response record's, where FastWARC reports compressed offsets) do
    not all reach their end: FastWARC's gzip reader ends a file cut inside a record's
    headers quietly, the record and the rest unread."""
    with open(path, "rb") as f:
        if f.read(2) != b"\x1f\x8b":
            return
        f.seek(start)
        unzip, open_member = zlib.decompressobj(wbits=31), False
        while chunk := f.read(_PIECE):
            data = chunk
            while data:
                try:
                    unzip.decompress(data, 1 << 16)  # (only where it ends: output bounded)
                except zlib.error as exc:
                    raise EOFError(f"the gzip data after the last page is damaged ({exc})") from None
                open_member = not unzip.eof
                if unzip.eof:
                    data = unzip.unused_data
                    if data and not data.startswith(b"\x1f\x8b"[: len(data)]):
                        return  # (bytes after the last member that are no gzip: as gzip -d, ignored)
                    unzip = zlib.decompressobj(wbits=31)
                else:
                    data = unzip.unconsumed_tail
    if open_member:
        raise EOFError("the file ends inside a gzip member after the last page's: it is truncated")


def _not_a_page(head: bytes) -> bool:
    """The HTTP headers at the start of a response block name a Content-Type that is no HTML
    page (unsure -- no header end in sight, no Content-Type -- is False: the block is read
    and FastWARC's own parse decides)."""
    end = head.find(b"\r\n\r\n")
    if end < 0:
        return False
    match = _CONTENT_TYPE.search(head, 0, end)
    return match is not None and not _is_html(match.group(1).decode("latin-1"))


def _http_page(url: str | None, date: str | None, record_id: str | None, warc_type: str | None,
               block: bytes) -> WarcPage | None:
    """The HTML page of a response record's block (None: not HTML), its HTTP parsed and
    decoded in a record of its own: a broken chunked or compressed body leaves the archive's
    reader unusable, which would end the file there; this way that page alone fails."""
    from fastwarc.warc import WarcRecord

    if _not_a_page(block):  # (before the parse, which fails on an image's odd encoding)
        return None
    kind = " ".join((warc_type or "application/http").split()).encode("utf-8", "replace")  # (one header line)
    head = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
    record = head % (kind, len(block)) + block
    rec = WarcRecord.from_bytes(record)
    try:
        # Chunks undone here, gzip below (FastWARC's own gzip reading hands back a body cut
        # short as if whole); LF-only header lines read as a browser reads them.
        rec.parse_http(auto_decode="transfer", quirks_mode=True)
    except OSError as exc:  # (HTTP headers that do not parse: a page we cannot read)
        return WarcPage(url, date, record_id, None, b"", f"{type(exc).__name__}: {exc}")
    http = rec.http_headers
    ctype = http.get("Content-Type") if http is not None else None
    if not _is_html(ctype):
        return None
    encoding = " ".join((http.get("Content-Encoding") or "").lower().split())
    try:
        if encoding and encoding not in ("gzip", "x-gzip", "identity"):  # (deflate, br, zstd)
            rec = WarcRecord.from_bytes(record)
            rec.parse_http(auto_decode="all", quirks_mode=True)
        body = rec.reader.read()
    except OSError as exc:
        return WarcPage(url, date, record_id, ctype, b"", f"{type(exc).__name__}: {exc}")
    if encoding in ("gzip", "x-gzip"):
        body, error = gunzip_body(body)
        if error is not None:
            return WarcPage(url, date, record_id, ctype, b"", error)
    return WarcPage(url, date, record_id, ctype, body)


def gunzip_body(data: bytes) -> tuple[bytes, str | None]:
    """An HTTP body sent as gzip, decompressed: ``(body, None)``, or ``(b"", error)`` for a
    stream that breaks or ends before its end (a body cut short is no page: it was cleaned
    as one, a fragment). Bytes that are not gzip data are the body as it is (a server's
    label over a plain body, as warcio reads it)."""
    if not data.startswith(b"\x1f\x8b"):
        return data, None
    unzip = zlib.decompressobj(wbits=31)
    try:
        body = unzip.decompress(data)
    except zlib.error as exc:
        return b"", f"error: {exc}"
    if not unzip.eof:
        return b"", "EOFError: the gzip body ends before its end"
    return body, None


def _iter_warcio(name: str) -> Iterator[WarcPage]:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        raise InputError("WARC input needs 'fastwarc' or 'warcio' (pip install 'scrubber[warc]')") from None
    # Decompressed here (warcio's own gzip reading ends a cut .warc.gz quietly, its last
    # member dropped), by a reader that hands back every byte before a failure first.
    stream = SalvagingReader(open_input(name))
    try:
        records = ArchiveIterator(stream)
        seen = yield from _warcio_pages(records)
        # warcio ends a file cut inside a record's HTTP headers quietly, as if it were the
        # end: the line it had read to start that record is still held (for the first
        # record: no record, but bytes that are no blank lines).
        if getattr(records, "next_line", None) or (not seen and stream.head.strip()):
            raise EOFError("the file ends inside the headers of a record: it is truncated")
    except CarriedFailure as failure:  # (not an EOFError inside warcio: it takes those for the end)
        raise failure.error from None
    finally:
        if name != "-":
            stream.close()


def _warcio_pages(records: Iterator[Any]) -> Generator[WarcPage, None, int]:
    """The HTML responses of warcio's records; a record cut short by the end of the file
    raises (see :func:`_iter_fastwarc`). Returns how many records there were."""
    seen = 0
    while True:
        try:
            rec = next(records)
        except StopIteration:
            return seen
        except AttributeError:  # (warcio 1.7-1.8 on a response cut before its WARC-Target-URI)
            raise EOFError("the file ends inside the WARC headers of a record (no "
                           "WARC-Target-URI), or they are damaged: it is truncated") from None
        h = rec.rec_headers
        if not (h.protocol or h.headers):  # (blank lines where a record would start: no record)
            continue
        seen += 1
        _check_length(h.get_header("Content-Length"), h.get_header("WARC-Target-URI"))
        if rec.rec_type != "response":
            _read_to_end(rec, h)
            continue
        ctype = rec.http_headers.get_header("Content-Type") if rec.http_headers is not None else None
        body, error = _warcio_body(rec) if _is_html(ctype) else (b"", None)
        _read_to_end(rec, h)
        if not _is_html(ctype):
            continue
        yield WarcPage(h.get_header("WARC-Target-URI"), h.get_header("WARC-Date"),
                       h.get_header("WARC-Record-ID"), ctype, body, error)


def _read_to_end(rec: Any, h: Any) -> None:
    """Read the rest of a warcio record's block, past an encoding's end, in pieces (it may be
    a video of gigabytes); raise the truncation error if the file ends first."""
    while rec.raw_stream.read(_PIECE):
        pass
    if rec.raw_stream.limit:
        length = int(h.get_header("Content-Length") or 0)
        raise _cut_record(h.get_header("WARC-Target-URI"), length - rec.raw_stream.limit, length)


def _warcio_body(rec: Any) -> tuple[bytes, str | None]:
    """The HTTP body of a warcio record, decoded as ``content_stream()`` decodes it, except
    that a broken chunked encoding, or a compressed body that breaks part way, is an error
    (``undecodable``, as FastWARC has it) where warcio hands back the raw bytes, or the
    bytes decoded so far with a line on stderr."""
    from warcio.bufferedreaders import BufferedReader

    http = rec.http_headers
    encoding = (http.get_header("Content-Encoding") or "").strip().lower() or None
    if encoding not in BufferedReader.get_supported_decompressors():
        encoding = None
    chunked = (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    if not (chunked or encoding):
        return rec.raw_stream.read(), None
    try:
        # (Made in here: warcio 1.7-1.8 cannot make its brotli decompressor with brotli >= 1.1)
        reader = _strict_reader()(rec.raw_stream, decomp_type=encoding, raise_exceptions=True)
        reader.not_chunked = not chunked
        body = reader.read()
        if getattr(reader.decompressor, "eof", True) is False:  # (zlib's: gzip, deflate)
            return b"", f"EOFError: the {encoding} body ends before its end"
        return body, None
    except Exception as exc:  # (ChunkedDataException, zlib.error, brotli's: the body cannot be read)
        return b"", f"{type(exc).__name__}: {exc}"


@functools.cache
def _strict_reader() -> type:
    """warcio's body reader, raising where warcio's own hands back what it could not decode
    (made once, on the first compressed or chunked body: warcio is imported only here)."""
    from warcio.bufferedreaders import ChunkedDataReader

    class Strict(ChunkedDataReader):  # type: ignore[misc]
        def _decompress(self, data: bytes) -> bytes:
            # warcio takes a first read that fails for a body that was never compressed
            # (served plain under a Content-Encoding): so do we, unless it is gzip data.
            if self.decompressor and data and (self.num_block_read or data[:2] == b"\x1f\x8b"):
                return self.decompressor.decompress(data)
            return super()._decompress(data)

    return Strict

"""WARC input: the HTML responses of a WARC file, as :class:`WarcPage` (FastWARC, else warcio).

The readers only cut the file into records; each response's HTTP message is read by
:mod:`.httpmsg`, the same way whichever reader runs. Both readers are made to say what they
would not: a file cut inside a record (a partial download) raises ``EOFError`` after its
whole pages, a page whose HTTP body does not decode is a page with an ``error`` (the file's
other pages go on), and each page carries the charset of its HTTP ``Content-Type``
(:func:`charset_of`) for the decoder.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any

from .errors import InputError
from .fronts.decode import content_type_charset
from .httpmsg import read_head, read_response
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
    return _fastwarc_then_warcio(name)


def _fastwarc_then_warcio(name: str) -> Iterator[WarcPage]:
    """FastWARC's pages; where it refuses a record's WARC headers as too long (over 64 KB,
    which warcio reads), warcio's pages from there on: the file read again from its start,
    past the pages already given (the two readers give the same pages: one reading of the
    records, :mod:`.httpmsg`). Stdin cannot be read again: there the error stands."""
    given = 0
    try:
        for page in _iter_fastwarc(name):
            yield page
            given += 1
    except OSError as exc:
        if name == "-" or "header length" not in str(exc):
            raise
    else:
        return
    pages = _iter_warcio(name)
    for _ in range(given):
        next(pages, None)
    yield from pages


def _cut_record(url: str | None, got: int, expected: int) -> EOFError:
    return EOFError(f"the file ends inside the WARC record of {url or 'a page'} "
                    f"({got:,} of its {expected:,} bytes): it is truncated")


#: Blocks up to this size are read whole (nearly all: Common Crawl cuts records at 1 MiB) ...
_WHOLE = 8 << 20
#: ... larger ones' start first: its HTTP headers say whether the block is a page.
_HEAD = 1 << 16
#: The rest of a block that is no page is counted past in pieces this size.
_PIECE = 1 << 20


def _iter_fastwarc(name: str) -> Iterator[WarcPage]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    source = sys.stdin.buffer if name == "-" else name  # FastWARC detects gzip / zstd / lz4
    last = 0
    # Every type is read, so that a record of any type cut inside its headers is seen (its
    # type is then no type at all); every block is read to its end (a request record cut
    # short is a file that ends before the response it precedes).
    for rec in ArchiveIterator(source, record_types=WarcRecordType.any_type, parse_http=False):
        h = rec.headers
        url = h.get("WARC-Target-URI")
        _check_length(h.get("Content-Length"), url)
        response = rec.record_type == WarcRecordType.response
        if response:
            last = rec.stream_pos
        block = _read_block(rec.reader.read, rec.content_length, url, response)
        if block is not None:
            page = _page(url, h.get("WARC-Date"), rec.record_id, block)
            if page is not None:
                yield page
    if name != "-":
        _check_gzip_end(name, last)


def _read_block(read: Callable[[int], bytes], length: int, url: str | None, response: bool) -> bytes | None:
    """A response's block, read whole (None: it is no page); the truncation error if the
    file ends first. Blocks that are no page (any other record's, a video's) are counted
    past in pieces: a block of gigabytes is never held."""
    block: bytes | None = None
    if response and length <= _WHOLE:
        block = read(length)
        got = len(block)
    else:
        head = read(min(length, _HEAD)) if response else b""
        got = len(head)
        if response and not _not_a_page(head):
            block = head + read(length - got)
            got = len(block)
        else:
            while got < length and (piece := read(min(_PIECE, length - got))):
                got += len(piece)
    if got < length:
        raise _cut_record(url, got, length)
    return block


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
    page (unsure -- no header end in sight -- is False: the block is read)."""
    read = read_head(head)
    return read is not None and read[1] and not _is_html(read[0])


def _page(url: str | None, date: str | None, record_id: str | None, block: bytes) -> WarcPage | None:
    """The HTML page of a response record's block (None: not HTML, or no HTTP response)."""
    response = read_response(block)
    if response is None or not _is_html(response.content_type):
        return None
    return WarcPage(url, date, record_id, response.content_type, response.body, response.error)


def _iter_warcio(name: str) -> Iterator[WarcPage]:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        raise InputError("WARC input needs 'fastwarc' or 'warcio' (pip install 'scrubber[warc]')") from None
    # Decompressed here (warcio's own gzip reading ends a cut .warc.gz quietly, its last
    # member dropped), by a reader that hands back every byte before a failure first.
    stream = SalvagingReader(open_input(name))
    try:
        stream.skip(b"\r\n")  # (blank lines before the first record: warcio reads no record after them)
        seen = yield from _warcio_pages(ArchiveIterator(stream, no_record_parse=True))
        # (warcio ends the first record cut inside its WARC headers as the end of the file)
        if not seen and stream.head.strip():
            raise EOFError("the file ends inside the headers of a record: it is truncated")
    except CarriedFailure as failure:  # (not an EOFError inside warcio: it takes those for the end)
        raise failure.error from None
    finally:
        if name != "-":
            stream.close()


def _warcio_pages(records: Iterator[Any]) -> Generator[WarcPage, None, int]:
    """The HTML responses of warcio's records (HTTP unparsed: its block is read here); a
    record cut short by the end of the file raises (see :func:`_iter_fastwarc`). Returns
    how many records there were."""
    seen, url = 0, None
    for rec in records:
        if getattr(records, "err_count", 0):
            raise _damaged(url)
        h = rec.rec_headers
        if not (h.protocol or h.headers):  # (blank lines where a record would start: no record)
            continue
        seen += 1
        url = h.get_header("WARC-Target-URI")
        length = h.get_header("Content-Length")
        _check_length(length, url)
        block = _read_block(rec.raw_stream.read, int(length), url, rec.rec_type == "response")
        if block is not None:
            page = _page(url, h.get_header("WARC-Date"), h.get_header("WARC-Record-ID"), block)
            if page is not None:
                yield page
    if getattr(records, "err_count", 0):
        raise _damaged(url)
    return seen


def _damaged(url: str | None) -> ValueError:
    """warcio's resync past a record that its Content-Length does not end (it reads on to
    the next 'WARC/' line, with a warning on stderr, records in between lost); FastWARC
    stops there ('Invalid WARC header'): so do we."""
    return ValueError(f"the WARC record of {url or 'a record'} is not followed by the next record: "
                      f"its Content-Length is wrong or the file is damaged")

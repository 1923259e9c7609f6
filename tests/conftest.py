"""Shared fixtures: the project's own fixtures/ folder (tests never read ../shared)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from scrubber import Config, Scrubber

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="session")
def scrubber() -> Scrubber:
    return Scrubber(Config())


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def boom_kills_the_worker(monkeypatch: pytest.MonkeyPatch) -> str:
    """Scrubber.scrub patched to kill its process on the text "boom" (a stand-in for an
    out-of-memory kill or a crash in a C extension); forked workers inherit the patch.
    Returns the text."""
    import os

    real = Scrubber.scrub

    def scrub(self: Scrubber, text: str) -> object:
        if text == "boom":
            os._exit(9)
        return real(self, text)

    monkeypatch.setattr(Scrubber, "scrub", scrub)
    return "boom"


@pytest.fixture
def write_warc() -> Callable[[Path, list[tuple[str, str, bytes]]], list[tuple[int, int]]]:
    """``write_warc(path, [(url, content_type, body), ...])``: a WARC (gzipped for ``.gz``)
    of request and response records; returns each response record's ``[start, end)``."""
    return _write_warc


def _write_warc(path: Path, pages: list[tuple[str, str, bytes]]) -> list[tuple[int, int]]:
    """Write the pages as request and response records; the file offsets ``[start, end)``
    of each response record."""
    warcio = pytest.importorskip("warcio")  # the 'warc' extra
    from warcio.statusandheaders import StatusAndHeaders

    spans = []
    with open(path, "wb") as stream:
        writer = warcio.warcwriter.WARCWriter(stream, gzip=str(path).endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for url, ctype, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET /")))
            start = stream.tell()
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
            spans.append((start, stream.tell()))
    return spans

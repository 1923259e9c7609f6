"""`scrubber clean` batch modes: many files, JSONL, WARC, compression, --jobs, failures."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import subprocess
import sys
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber import Scrubber
from scrubber.cli import main
from scrubber.io import iter_line_blocks, read_line_range, split_block

BOILER = "Share this article\n\nA body paragraph that is long enough to stay, with words and a point.\n"


def _seed(fixtures) -> str:
    return (fixtures / "golden" / "seed_zh_hant" / "input.txt").read_text(encoding="utf-8")


def _jsonl(tmp_path: Path, fixtures, name: str = "in.jsonl", bad: bool = True) -> tuple[Path, list[dict]]:
    seed = _seed(fixtures)
    records = [{"id": i, "text": seed if i % 2 else BOILER + f"({i})", "meta": {"n": i}} for i in range(60)]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    if bad:
        lines[5:5] = ["{not json", json.dumps({"id": "no-text"}), json.dumps({"text": 7}), ""]
    path = tmp_path / name
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path, records


def _read_jsonl(path: Path) -> list[dict]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    if path.suffix == ".zst":
        import zstandard

        data = zstandard.ZstdDecompressor().stream_reader(BytesIO(data)).read()
    return [json.loads(line) for line in data.decode().splitlines()]


def test_jsonl_keeps_fields_adds_clean_text_and_reports_bad_records(
    tmp_path, fixtures, scrubber: Scrubber, capsys
) -> None:
    src, records = _jsonl(tmp_path, fixtures)
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--jsonl", str(src), "--out", str(out), "--with-removals"]) == 1
    rows = _read_jsonl(out)
    good = [r for r in rows if "error" not in r]
    assert len(good) == len(records)
    for row, record in zip(good, records, strict=True):
        result = scrubber.scrub(record["text"])
        assert {k: row[k] for k in record} == record
        assert row["clean_text"] == result.text and row["title"] == result.title
        assert [(r["rule_id"], r["start"], r["end"]) for r in row["removals"]] == [
            (r.rule_id, r.start, r.end) for r in result.removals
        ]
    failed = [r for r in rows if "error" in r]  # valid JSON objects stay, with the reason
    assert [r["error"].split(":")[0] for r in failed] == ["missing-field", "wrong-type"]
    assert failed[0]["id"] == "no-text" and failed[0]["clean_text"] is None
    err = capsys.readouterr().err
    assert "63 documents" in err and "3 failed" in err
    assert "invalid-json 1" in err and "missing-field 1" in err and "wrong-type 1" in err
    assert f"{src}:6: invalid-json" in err  # file:line of the bad record
    assert "removals:" in err


def test_jobs_give_identical_output_and_compression_round_trips(tmp_path, fixtures) -> None:
    pytest.importorskip("zstandard")  # the 'etl' extra
    src, _ = _jsonl(tmp_path, fixtures, "in.jsonl.gz")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl.zst"
    assert main(["clean", "--jsonl", str(src), "--out", str(one), "-q"]) == 1
    assert main(["clean", "--jsonl", str(src), "--out", str(two), "--jobs", "2", "-q"]) == 1
    assert _read_jsonl(two) == _read_jsonl(one)
    assert len(_read_jsonl(one)) == 62


def test_jobs_beyond_the_cpus_are_noted_and_zero_means_the_usable_cpus(tmp_path, fixtures, monkeypatch,
                                                                        capsys) -> None:
    """``--jobs 0`` is one worker a CPU this process may use (its affinity set, which a
    container or ``taskset`` narrows; ``os.cpu_count()`` counts the machine); more workers
    than CPUs run as asked, with a note (they cost memory, not speed), none under ``-q``."""
    from scrubber import pool

    if hasattr(os, "sched_getaffinity"):
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2})
        monkeypatch.setattr(os, "cpu_count", lambda: 64)
        assert pool.resolve_jobs(0) == pool.usable_cpus() == 3
        monkeypatch.undo()
    src, _ = _jsonl(tmp_path, fixtures, bad=False)
    monkeypatch.setattr(pool, "usable_cpus", lambda: 1)
    from scrubber import etl

    monkeypatch.setattr(etl, "usable_cpus", lambda: 1)
    assert main(["clean", "--jsonl", str(src), "--out", str(tmp_path / "a.jsonl"), "--jobs", "2"]) == 0
    assert "--jobs 2 on 1 CPUs" in capsys.readouterr().err
    assert main(["clean", "--jsonl", str(src), "--out", str(tmp_path / "b.jsonl"), "--jobs", "2", "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert _read_jsonl(tmp_path / "a.jsonl") == _read_jsonl(tmp_path / "b.jsonl")


def test_line_cache_option_changes_no_output(tmp_path, fixtures, capsys) -> None:
    src, _ = _jsonl(tmp_path, fixtures, bad=False)
    outs = [tmp_path / f"out{n}.jsonl" for n in (0, 3)]
    for out, n in zip(outs, (0, 3), strict=True):
        assert main(["clean", "--jsonl", str(src), "--out", str(out), "--line-cache", str(n), "-q"]) == 0
    assert _read_jsonl(outs[0]) == _read_jsonl(outs[1]) and len(_read_jsonl(outs[0])) == 60
    with pytest.raises(SystemExit) as exit_:
        main(["clean", "--jsonl", str(src), "--line-cache", "-5"])
    assert exit_.value.code == 2 and "non-negative integer" in capsys.readouterr().err


def test_fail_fast_stops_at_the_first_bad_record(tmp_path, fixtures, capsys) -> None:
    src, _ = _jsonl(tmp_path, fixtures)
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--jsonl", str(src), "--out", str(out), "--fail-fast"]) == 2
    assert [r["id"] for r in _read_jsonl(out)] == [0, 1, 2, 3, 4]
    assert "--fail-fast" in capsys.readouterr().err


def test_stdin_to_stdout_pipe(tmp_path, fixtures, scrubber: Scrubber) -> None:
    src, records = _jsonl(tmp_path, fixtures, bad=False)
    done = subprocess.run([sys.executable, "-m", "scrubber", "clean", "--jsonl", "--jobs", "2"],
                          input=gzip.compress(src.read_bytes()), capture_output=True, check=True)
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["clean_text"] for r in rows] == [scrubber.scrub(r["text"]).text for r in records]
    assert b"60 documents" in done.stderr and b"0 failed" in done.stderr


def test_many_text_files_to_stdout_and_to_a_directory(tmp_path, fixtures, scrubber: Scrubber, capsys) -> None:
    a = tmp_path / "a.txt"
    a.write_text(BOILER, encoding="utf-8")
    b = tmp_path / "b.txt.gz"
    b.write_bytes(gzip.compress(_seed(fixtures).encode()))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00 not utf-8")
    assert main(["clean", str(a), str(bad), str(b), "--no-title"]) == 1
    captured = capsys.readouterr()
    docs = captured.out.split("\f\n")
    assert docs == [scrubber.scrub(BOILER).text + "\n", scrubber.scrub(_seed(fixtures)).text + "\n"]
    assert "undecodable" in captured.err and str(bad) in captured.err
    out_dir = tmp_path / "out"
    assert main(["clean", str(a), str(b), "--out", f"{out_dir}/", "--jobs", "2", "--json"]) == 0
    assert json.loads((out_dir / "a.txt").read_text())["text"] == scrubber.scrub(BOILER).text
    seed_row = json.loads(gzip.decompress((out_dir / "b.txt.gz").read_bytes()))
    assert seed_row["text"] == scrubber.scrub(_seed(fixtures)).text


def test_missing_input_is_reported_not_fatal(tmp_path, fixtures, capsys) -> None:
    src, _ = _jsonl(tmp_path, fixtures, bad=False)
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--jsonl", str(tmp_path / "nope.jsonl"), str(src), "--out", str(out)]) == 1
    assert len(_read_jsonl(out)) == 60
    assert "unreadable" in capsys.readouterr().err


PAGE = """<html><head><meta charset="utf-8"><title>Page {n}</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Headline {n}</h1><p>The article paragraph number {n} carries the content of this page,
with sentences long enough to be body text.</p><p>您的位置是一個很長的句子，用來說明正文內容，也交代背景。</p>
</article><footer>Copyright 2024</footer></body></html>"""


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_to_jsonl(tmp_path, scrubber: Scrubber, name, write_warc) -> None:
    pages = [(f"https://example.com/{n}", "text/html; charset=utf-8", PAGE.format(n=n).encode())
             for n in range(12)]
    pages.insert(3, ("https://example.com/logo.png", "image/png", b"\x89PNG..."))
    path = tmp_path / name
    write_warc(path, pages)
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--warc", str(path), "--out", str(out), "--jobs", "2", "-q"]) == 0
    rows = _read_jsonl(out)
    html = [p for p in pages if "html" in p[1]]
    assert [r["url"] for r in rows] == [p[0] for p in html]
    for row, (url, _, body) in zip(rows, html, strict=True):
        result = scrubber.scrub_html(body, url)
        assert row["clean_text"] == result.text and row["title"] == result.title
        assert row["record_id"].startswith("<urn:uuid:") and row["date"][:2] == "20"
        assert set(row) == {"url", "date", "record_id", "clean_text", "title"}


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
@pytest.mark.parametrize("reader", ["fastwarc", "warcio"])
def test_a_truncated_warc_keeps_every_whole_page_and_says_so(tmp_path, monkeypatch, capsys, name, jobs,
                                                            reader, write_warc) -> None:
    """A WARC file cut inside a response record (a partial download): every page before it
    is cleaned -- also those read since the last full task of pages -- the cut page is not
    (its text is a fragment), and the file is reported unreadable. Both readers quietly
    handed back the cut page as if whole."""
    pytest.importorskip(reader)
    if reader == "warcio":  # the fallback when FastWARC is not installed
        monkeypatch.setitem(sys.modules, "fastwarc", None)
    pages = [(f"https://example.com/{n}", "text/html; charset=utf-8", PAGE.format(n=n).encode() * 3)
             for n in range(21)]  # (one full task of 16 pages and 5 more)
    path = tmp_path / name
    spans = write_warc(path, pages)
    start, end = spans[-1]
    path.write_bytes(path.read_bytes()[: (start + end) // 2])
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--warc", str(path), "--out", str(out), "--jobs", jobs]) == 1
    assert f"{path}: unreadable: EOFError" in capsys.readouterr().err
    assert [row["url"] for row in _read_jsonl(out)] == [url for url, _, _ in pages[:-1]]


def _raw_response(uri: str, block: bytes) -> bytes:
    """A WARC response record written by hand (warcio will not write a broken one)."""
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uri.rsplit('/', 1)[1]:0>8}-0000-0000-"
            f"0000-000000000000>\r\nWARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"


@pytest.mark.parametrize("reader", ["fastwarc", "warcio"])
@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_page_whose_http_body_does_not_decode_fails_alone(tmp_path, capsys, monkeypatch, name, reader) -> None:
    """A response whose chunked encoding is broken (servers lie): FastWARC's reader raised
    and was left unusable, so the file's later pages were lost; now that page is an
    'undecodable' failure and the pages after it are cleaned. warcio (the fallback) handed
    the broken body back raw, to be cleaned as if it were the page: it fails the same way,
    as does a gzip body that breaks part way (warcio kept what it had decoded). Both
    readers' blocks are now read by :mod:`scrubber.httpmsg`, with the same message."""
    pytest.importorskip(reader)
    if reader == "warcio":
        monkeypatch.setitem(sys.modules, "fastwarc", None)
    pages = {n: PAGE.format(n=n).encode() for n in range(4)}

    def http(body: bytes, extra: str = "") -> bytes:
        return f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{extra}\r\n".encode() + body

    records = [_raw_response(f"https://example.com/{n}", http(pages[n])) for n in (0, 1)]
    records.append(_raw_response("https://example.com/9", http(b"zz\r\nabc", "Transfer-Encoding: chunked\r\n")))
    records += [_raw_response(f"https://example.com/{n}", http(pages[n])) for n in (2,)]
    broken_gzip = gzip.compress(pages[3] * 200)
    broken_gzip = broken_gzip[:200] + bytes(64) + broken_gzip[264:]
    records.append(_raw_response("https://example.com/8", http(broken_gzip, "Content-Encoding: gzip\r\n")))
    records += [_raw_response(f"https://example.com/{n}", http(pages[n])) for n in (3,)]
    path = tmp_path / name
    data = b"".join(records)
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--warc", str(path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "https://example.com/9: undecodable: " in err and "https://example.com/8: undecodable: " in err
    assert "https://example.com/9: undecodable: ChunkedEncodingError: invalid chunk size line 'zz'" in err
    rows = _read_jsonl(out)
    assert [row["url"] for row in rows] == [f"https://example.com/{n}" for n in (0, 1, 9, 2, 8, 3)]
    assert "error" in rows[2] and "error" in rows[4]
    assert all(row["clean_text"] for row in rows if row is not rows[2] and row is not rows[4])


def _chunked(body: bytes, size: int = 50, eol: bytes = b"\r\n") -> bytes:
    parts = [b"%x" % len(body[i : i + size]) + eol + body[i : i + size] + eol for i in range(0, len(body), size)]
    return b"".join(parts) + b"0" + eol + eol


_SLOPPY_PAGE = PAGE.format(n=1).encode()
_CT = b"Content-Type: text/html"


def _http(headers: list[bytes], body: bytes, status: bytes = b"HTTP/1.1 200 OK", eol: bytes = b"\r\n") -> bytes:
    return eol.join([status, *headers]) + eol + eol + body


#: name: (the HTTP message, whether it is the page -- else an 'undecodable' page -- or no page)
_SLOPPY = {
    "raw deflate (no zlib wrapper)": (_http([_CT, b"Content-Encoding: deflate"], zlib.compress(_SLOPPY_PAGE)[2:-4]), "page"),
    "zlib deflate": (_http([_CT, b"Content-Encoding: deflate"], zlib.compress(_SLOPPY_PAGE)), "page"),
    "gzip, gzip": (_http([_CT, b"Content-Encoding: gzip, gzip"], gzip.compress(gzip.compress(_SLOPPY_PAGE))), "page"),
    "GZIP in capitals": (_http([_CT, b"Content-Encoding: GZIP"], gzip.compress(_SLOPPY_PAGE)), "page"),
    "zstd label, plain body": (_http([_CT, b"Content-Encoding: zstd"], _SLOPPY_PAGE), "page"),
    "unknown coding, plain body": (_http([_CT, b"Content-Encoding: x-foo"], _SLOPPY_PAGE), "page"),
    "chunked, no last chunk": (_http([_CT, b"Transfer-Encoding: chunked"], _chunked(_SLOPPY_PAGE)[:-5]), "page"),
    "chunked, LF only": (_http([_CT, b"Transfer-Encoding: chunked"], _chunked(_SLOPPY_PAGE, eol=b"\n"), eol=b"\n"),
                         "page"),
    "chunked label, plain body": (_http([_CT, b"Transfer-Encoding: chunked"], _SLOPPY_PAGE), "undecodable"),
    "chunked + gzip": (_http([_CT, b"Transfer-Encoding: chunked", b"Content-Encoding: gzip"],
                             _chunked(gzip.compress(_SLOPPY_PAGE))), "page"),
    "gzip cut short": (_http([_CT, b"Content-Encoding: gzip"], gzip.compress(_SLOPPY_PAGE)[:100]), "undecodable"),
    "headers over 64 KB": (_http([_CT, b"X-Huge: " + b"a" * 70_000], _SLOPPY_PAGE), "page"),
    "Content-Type folded": (_http([b"Content-Type: text/plain,", b" text/html"], _SLOPPY_PAGE), "page"),
    "Content-Type in UTF-8": (_http(["Content-Type: text/html; x=é".encode()], _SLOPPY_PAGE), "page"),
    "image, then html": (_http([b"Content-Type: image/png", _CT], _SLOPPY_PAGE), "page"),
    "no Content-Type": (_http([], _SLOPPY_PAGE), "none"),
    "image": (_http([b"Content-Type: image/png"], b"\x89PNG\r\n"), "none"),
    "no status line": (_http([_CT], _SLOPPY_PAGE, status=b""), "none"),
}


@pytest.mark.parametrize("case", list(_SLOPPY))
def test_both_warc_readers_read_sloppy_http_the_same_way(tmp_path, case: str) -> None:
    """FastWARC and warcio parsed HTTP their own ways and disagreed on real responses (raw
    deflate, which browsers take, failed with FastWARC; warcio handed 'gzip, gzip' back
    compressed and failed a chunked body missing its last chunk; FastWARC failed headers
    over 64 KB and dropped a folded Content-Type). The readers now only cut records and
    :mod:`scrubber.httpmsg` reads every block: the same pages, bodies and errors."""
    pytest.importorskip("fastwarc")
    pytest.importorskip("warcio")
    from scrubber.warc import _iter_fastwarc, _iter_warcio

    message, expected = _SLOPPY[case]
    path = tmp_path / "one.warc"
    path.write_bytes(_raw_response("https://e.com/1", message) + _raw_response("https://e.com/2", _http([_CT], b"<p>x</p>")))
    fast, slow = list(_iter_fastwarc(str(path))), list(_iter_warcio(str(path)))
    assert fast == slow
    if expected == "none":
        assert [p.url for p in fast] == ["https://e.com/2"]
        return
    assert [p.url for p in fast] == ["https://e.com/1", "https://e.com/2"]
    if expected == "page":
        assert fast[0].body == _SLOPPY_PAGE and fast[0].error is None
    else:
        assert fast[0].body == b"" and fast[0].error


def test_both_warc_readers_agree_on_blank_lines_first_and_a_wrong_content_length(tmp_path) -> None:
    """warcio read no record of a file that starts with blank lines (FastWARC read them all),
    and read on past a record whose Content-Length ends it early, to the next 'WARC/' line
    (a warning on stderr, the records in between lost; FastWARC stops there). Now both read
    the first file whole and stop at the second's damage, with the same pages."""
    pytest.importorskip("fastwarc")
    pytest.importorskip("warcio")
    from scrubber.warc import _iter_fastwarc, _iter_warcio

    records = [_raw_response(f"https://e.com/{n}", _http([_CT], _SLOPPY_PAGE)) for n in range(3)]
    blank_first = tmp_path / "blank.warc"
    blank_first.write_bytes(b"\r\n\r\n" + b"".join(records))
    for iterate in (_iter_fastwarc, _iter_warcio):
        assert [p.url for p in iterate(str(blank_first))] == ["https://e.com/0", "https://e.com/1", "https://e.com/2"]
    short = records[1].replace(b"Content-Length: %d" % (len(records[1]) - records[1].index(b"\r\n\r\n") - 8),
                               b"Content-Length: %d" % (len(records[1]) - records[1].index(b"\r\n\r\n") - 18))
    assert short != records[1]
    damaged = tmp_path / "damaged.warc"
    damaged.write_bytes(records[0] + short + records[2])
    for iterate in (_iter_fastwarc, _iter_warcio):
        got = []
        with pytest.raises((OSError, ValueError)):
            got.extend(p.url for p in iterate(str(damaged)))
        assert got == ["https://e.com/0", "https://e.com/1"], iterate


def test_a_brotli_page_is_read_by_either_reader(tmp_path) -> None:
    """warcio 1.7-1.8 cannot make its brotli decompressor with brotli >= 1.1 (an
    AttributeError), which ended the whole file at the first ``br`` page; brotli bodies are
    now undone by :mod:`scrubber.httpmsg`, and one cut short is an error."""
    pytest.importorskip("warcio")
    brotli = pytest.importorskip("brotli")
    from scrubber.warc import _iter_fastwarc, _iter_warcio

    packed = brotli.compress(_SLOPPY_PAGE)
    path = tmp_path / "br.warc"
    path.write_bytes(_raw_response("https://e.com/1", _http([_CT, b"Content-Encoding: br"], packed))
                     + _raw_response("https://e.com/2", _http([_CT, b"Content-Encoding: br"], packed[:-8]))
                     + _raw_response("https://e.com/3", _http([_CT, b"Content-Encoding: br"], _SLOPPY_PAGE)))
    for iterate in (_iter_warcio, _iter_fastwarc):
        got = list(iterate(str(path)))
        assert [(p.body, p.error) for p in got] == [
            (_SLOPPY_PAGE, None), (b"", "EOFError: the br body ends before its end"), (_SLOPPY_PAGE, None)]


@pytest.mark.parametrize("reader", ["fastwarc", "warcio"])
def test_a_warc_page_is_decoded_by_its_http_charset(tmp_path, monkeypatch, write_warc, reader) -> None:
    """A page whose charset is only in its HTTP header (no <meta>): short GBK text, which
    detection reads as Big5, comes out as the Chinese it is."""
    pytest.importorskip(reader)
    if reader == "warcio":
        monkeypatch.setitem(sys.modules, "fastwarc", None)
    path = tmp_path / "zh.warc.gz"
    write_warc(path, [("https://example.cn/a", "text/html; charset=GBK", "<html><body><p>中文</p></body></html>".encode("gbk")),
                      ("https://example.cn/b", "text/html", "<html><body><p>中文</p></body></html>".encode("gbk"))])
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--warc", str(path), "--out", str(out), "-q"]) == 0
    rows = _read_jsonl(out)
    assert rows[0]["clean_text"] == "中文"
    assert rows[1]["clean_text"] != "中文"  # (no charset sent: detection's guess, the case above)


def test_warc_readers_agree(tmp_path, write_warc) -> None:
    pytest.importorskip("fastwarc")
    from scrubber.warc import _iter_fastwarc, _iter_warcio

    path = tmp_path / "x.warc.gz"
    write_warc(path, [("https://e.com/", "text/html", b"<p>hi</p>"), ("https://e.com/i", "image/gif", b"GIF")])
    assert list(_iter_fastwarc(str(path))) == list(_iter_warcio(str(path)))
    assert [p.url for p in _iter_warcio(str(path))] == ["https://e.com/"]


def _response(url: str, http: bytes) -> bytes:
    """One WARC response record (plain) holding the HTTP message ``http``."""
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
            f"WARC-Date: 2026-12-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:{len(url)}-{len(http)}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n")
    return head.encode() + http + b"\r\n\r\n"


def test_warc_gzip_bodies_cut_short_fail_and_plain_ones_under_the_label_are_read(tmp_path) -> None:
    """A gzip body that ends before its end is a fragment of a page: ``undecodable`` (it was
    cleaned as the page, by both readers); a whole one is the page; a plain body under the
    gzip label is read as it is -- by both readers alike."""
    pytest.importorskip("fastwarc")
    pytest.importorskip("warcio")
    import gzip

    from scrubber.warc import _iter_fastwarc, _iter_warcio

    page = b"<html><body>" + b"<p>The river rose slowly through the night.</p>" * 200 + b"</body></html>"
    zipped = gzip.compress(page)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n"
    path = tmp_path / "gz.warc"
    path.write_bytes(_response("https://e.com/cut", head + zipped[:100]) + _response("https://e.com/whole", head + zipped)
                     + _response("https://e.com/plain", head + page))
    for read in (_iter_fastwarc, _iter_warcio):
        pages = list(read(str(path)))
        assert [(p.url, p.error) for p in pages] == [
            ("https://e.com/cut", "EOFError: the gzip body ends before its end"),
            ("https://e.com/whole", None), ("https://e.com/plain", None)], read
        assert pages[1].body == page and pages[2].body == page
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--warc", str(path), "--out", str(out), "-q"]) == 1
    rows = _read_jsonl(out)
    assert rows[0]["error"].startswith("undecodable: EOFError") and rows[0]["clean_text"] is None
    assert "The river rose slowly" in rows[1]["clean_text"] and "The river rose slowly" in rows[2]["clean_text"]


@pytest.mark.parametrize("gz", [False, True])
def test_a_warc_file_cut_inside_a_records_headers_is_unreadable(tmp_path, gz: bool) -> None:
    """FastWARC hands back a record cut inside its WARC headers with no Content-Length (read
    as 0), and in a .warc.gz ends quietly at the cut member: either way the run ended with
    exit 0. Content-Length is required (its absence is a cut file) and the gzip members after
    the last page must reach their ends. (Every cut, both readers: the next test.)"""
    pytest.importorskip("fastwarc")
    import gzip

    from scrubber.warc import _iter_fastwarc

    html = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>A page.</p></body></html>"
    first, second = _response("https://e.com/1", html), _response("https://e.com/2", html)
    cut = second[: second.index(b"Content-Type")]
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(gzip.compress(first) + gzip.compress(second)[:60] if gz else first + cut)
    with pytest.raises(EOFError, match="it is truncated"):
        list(_iter_fastwarc(str(path)))
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--warc", str(path), "--out", str(out), "-q"]) == 1
    assert [r["url"] for r in _read_jsonl(out)] == ["https://e.com/1"]
    whole = tmp_path / ("whole.warc.gz" if gz else "whole.warc")
    whole.write_bytes(gzip.compress(first) + gzip.compress(second) if gz else first + second)
    assert [p.url for p in _iter_fastwarc(str(whole))] == ["https://e.com/1", "https://e.com/2"]


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("reader", ["fastwarc", "warcio"])
def test_a_warc_file_cut_anywhere_in_a_record_fails_with_either_reader(tmp_path, write_warc, reader: str,
                                                                     gz: bool) -> None:
    """A Common Crawl file (warcinfo, then a request and a response a page) cut at every byte
    of the second page's records. Both readers handed back a record cut inside its headers
    as what headers they had read, or ended there as if it were the end of the file (warcio:
    at a cut inside the HTTP headers, or at the first record; a cut request record, before
    its response, ended the run too): exit 0, the page missing. Each cut now raises; only
    a cut inside the blank lines that end a record leaves the record whole."""
    pytest.importorskip(reader)
    from warcio.exceptions import ArchiveLoadFailed

    from scrubber.warc import _iter_fastwarc, _iter_warcio

    iterate = _iter_fastwarc if reader == "fastwarc" else _iter_warcio
    path = tmp_path / ("cc.warc.gz" if gz else "cc.warc")
    pages = [(f"https://e.com/{n}", "text/html", PAGE.format(n=n).encode()) for n in range(3)]
    spans = write_warc(path, pages)
    data = path.read_bytes()
    assert [p.url for p in iterate(str(path))] == [url for url, _, _ in pages]
    first_end, (second_start, second_end) = spans[0][1], spans[1]  # (the request: in between)
    silent = []
    for cut in range(first_end + 1, second_end):
        path.write_bytes(data[:cut])
        try:
            urls = [p.url for p in iterate(str(path))]
        except (EOFError, OSError, ArchiveLoadFailed):
            continue
        whole = [url for url, _, _ in pages[: 1 + (cut > second_start)]]
        end = second_end if cut > second_start else second_start
        if not (urls == whole and data[cut:end].strip() == b""):  # (a whole record's blank lines cut)
            silent.append((cut - first_end, urls))
    assert silent == [], silent[:5]


def test_warc_responses_that_are_no_page_are_skipped_whatever_their_encoding(tmp_path) -> None:
    """An image sent with 'Content-Encoding: gzip' but a plain body, or a PDF under 70 KB of
    headers, is no page: skipped by both readers (FastWARC's HTTP parse failed on them first,
    and each was reported as a failed page, exit 1)."""
    pytest.importorskip("fastwarc")
    pytest.importorskip("warcio")
    from scrubber.warc import _iter_fastwarc, _iter_warcio

    png = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Encoding: gzip\r\n\r\n\x89PNG\r\n\x1a\nnot gzip"
    pdf = (b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nX-Pad: " + b"p" * 70_000
           + b"\r\n\r\n%PDF-1.4 body")
    html = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>A page.</p></body></html>"
    path = tmp_path / "mixed.warc"
    path.write_bytes(_response("https://e.com/i.png", png) + _response("https://e.com/d.pdf", pdf)
                     + _response("https://e.com/", html))
    for read in (_iter_fastwarc, _iter_warcio):
        assert [(p.url, p.error) for p in read(str(path))] == [("https://e.com/", None)]
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--warc", str(path), "--out", str(out), "-q"]) == 0
    assert [r["url"] for r in _read_jsonl(out)] == ["https://e.com/"]


def test_single_file_html_is_detected(tmp_path, capsys) -> None:
    from scrubber.cli import looks_like_html, main

    page = ("<!DOCTYPE html><html><head><title>T</title></head><body><nav><a href='/'>Home</a></nav>"
            "<article><p>" + "The river rose slowly through the night, and by morning the valley was a lake. " * 4
            + "</p></article></body></html>")
    path = tmp_path / "page.txt"  # no .html suffix: detected from the content
    path.write_text(page, encoding="utf-8")
    assert main(["clean", str(path), "--no-title"]) == 0
    out = capsys.readouterr().out
    assert "<p>" not in out and "The river rose slowly" in out
    assert looks_like_html("x.HTM", b"hello") and looks_like_html("x", b"\xef\xbb\xbf  <html>")
    assert not looks_like_html("notes.txt", b"<b> is a tag, said the teacher.")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_html_files_among_many_are_cleaned_as_html(tmp_path, fixtures, scrubber: Scrubber, jobs) -> None:
    """Several files (or --out): each HTML file is detected as one file alone is (its name
    or its opening), not cleaned as plain text with its tags; text files stay text."""
    page = (fixtures / "html" / "article_en.html").read_bytes()
    (tmp_path / "a.html").write_bytes(page)
    (tmp_path / "b.txt").write_bytes(b"<!DOCTYPE html>" + page.split(b">", 1)[1])  # (detected by its opening)
    (tmp_path / "c.txt").write_text("Share this article\n\nA paragraph of <b> plain text, long enough to stay.\n")
    out = tmp_path / "out"
    out.mkdir()
    names = [str(tmp_path / n) for n in ("a.html", "b.txt", "c.txt")]
    assert main(["clean", *names, "--out", f"{out}/", "--jobs", jobs, "--no-title"]) == 0
    expected = scrubber.scrub_html(page).text
    assert (out / "a.txt").read_text(encoding="utf-8").strip() == expected  # (a text file: named so)
    assert not (out / "a.html").exists()
    assert "<p>" not in (out / "b.txt").read_text(encoding="utf-8")
    assert (out / "c.txt").read_text(encoding="utf-8").strip() == "A paragraph of <b> plain text, long enough to stay."


def test_cli_html_options_reach_the_config(capsys: pytest.CaptureFixture[str]) -> None:
    page = str(Path(__file__).resolve().parent.parent / "fixtures" / "html" / "article_en.html")
    assert main(["clean", "--json", "--main-content", "trafilatura", page]) == 0
    flags = json.loads(capsys.readouterr().out)["flags"]
    assert "main:scorer" not in flags and any(f.startswith("main:") for f in flags)
    assert main(["clean", "--json", page]) == 0
    default = json.loads(capsys.readouterr().out)
    assert "main:scorer" in default["flags"]
    assert main(["clean", "--json", "--include-comments", page]) == 0
    with_comments = json.loads(capsys.readouterr().out)
    assert len(with_comments["text"]) > len(default["text"])
    assert not any(r["rule_id"] == "DOM-COMMENTS-001" for r in with_comments["removals"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"bc", b"\n", b"\r", b"\r\n", b"{}", b"x" * 50, b"\xff"]),
                max_size=40).map(b"".join), st.integers(1, 64))
def test_line_blocks_hold_the_stream_lines(data: bytes, size: int) -> None:
    """The blocks the parent ships to workers, split again, are the stream's own lines (a
    line longer than a block comes whole), and each block's count is its lines'."""
    blocks = list(iter_line_blocks(BytesIO(data), size))
    assert [line for block, _ in blocks for line in split_block(block)] == list(BytesIO(data))
    assert all(block and count == len(split_block(block)) for block, count in blocks)


def _salvage(kind: str, packed: bytes) -> bytes:
    """What the format's own incremental decompressor gets out of a truncated stream."""
    import bz2
    import lzma

    if kind == "zstd":
        zstandard = pytest.importorskip("zstandard")
        return zstandard.ZstdDecompressor().decompressobj().decompress(packed)
    return {"gzip": lambda: zlib.decompressobj(31), "bz2": bz2.BZ2Decompressor,
            "xz": lzma.LZMADecompressor}[kind]().decompress(packed)


@pytest.mark.parametrize("kind", ["gzip", "bz2", "xz", "zstd"])
def test_a_truncated_stream_gives_every_whole_line_before_the_cut(tmp_path, kind) -> None:
    """``iter_line_blocks`` over a truncated compressed file: first every whole line the
    format's decompressor can recover, then the error (a ``read(size)`` that meets the damage
    drops what it decompressed in that call: up to a block of records lost)."""
    import bz2
    import lzma

    from scrubber.io import open_input

    lines = [json.dumps({"id": i, "text": f"w{i * 7919 % 10007} " * (i % 7 + 1)}).encode() + b"\n"
             for i in range(60_000)]
    data = b"".join(lines)
    if kind == "zstd":
        packed = pytest.importorskip("zstandard").ZstdCompressor().compress(data)
    else:
        packed = {"gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[kind](data)
    path = tmp_path / "cut"
    path.write_bytes(packed[: len(packed) * 4 // 5])
    salvage = _salvage(kind, path.read_bytes())
    whole = salvage[: salvage.rfind(b"\n") + 1]
    got: list[bytes] = []
    with pytest.raises(EOFError), open_input(str(path)) as stream:
        for block, _ in iter_line_blocks(stream, 256 << 10):
            got.append(block)
    assert len(whole) > len(data) // 2
    assert b"".join(got) == whole


def test_zstd_frames_are_followed_to_their_ends(tmp_path) -> None:
    """A .zst of several frames (with and without checksum and content size, a skippable
    frame, a raw and an RLE block) reads whole; cut anywhere but between frames it raises
    EOFError; cut between frames it is a shorter file that reads whole (zstd has no
    end-of-file marker)."""
    zstandard = pytest.importorskip("zstandard")
    from scrubber.io import open_input

    rng = __import__("random").Random(7)
    parts = [
        zstandard.ZstdCompressor(write_checksum=True).compress(b"line one\n" * 500),
        b"\x50\x2a\x4d\x18" + (5).to_bytes(4, "little") + b"skip!",  # a skippable frame
        zstandard.ZstdCompressor(write_content_size=False).compress(bytes(rng.randrange(256) for _ in range(3000))),
        zstandard.ZstdCompressor().compress(b"\n" * 70_000),
        # By hand: a single-segment frame of one RLE block, 200 times "z" (one byte stored).
        b"\x28\xb5\x2f\xfd\x20\xc8" + ((200 << 3) | (1 << 1) | 1).to_bytes(3, "little") + b"z",
        zstandard.ZstdCompressor(level=1).compress(b"".join(b"%d\n" % rng.randrange(10**9) for _ in range(30_000))),
    ]
    whole = b"".join(parts)
    expected = zstandard.ZstdDecompressor().stream_reader(BytesIO(whole), read_across_frames=True).read()
    boundaries = {sum(map(len, parts[:k])) for k in range(len(parts) + 1)}
    path = tmp_path / "f.zst"
    for cut in sorted({*boundaries, *rng.sample(range(4, len(whole)), 60), 4, 5, 6, 33, len(whole) - 1}):
        # (from 4 bytes on: shorter files do not hold the magic number, and read as plain)
        path.write_bytes(whole[:cut])
        with open_input(str(path)) as stream:
            if cut in boundaries:
                assert expected.startswith(stream.read()), cut
            else:
                with pytest.raises(EOFError):
                    stream.read()
    path.write_bytes(whole)
    with open_input(str(path)) as stream:
        assert stream.read() == expected
    # A frame naming its dictionary (4-byte ID; no decompressing without it: the walk alone).
    from scrubber.io import _ZstdFrames

    words = [b"alpha", b"beta", b"gamma", b"delta", b"eps"]
    samples = [b" ".join(rng.choice(words) for _ in range(50)) for _ in range(300)]
    framed = zstandard.ZstdCompressor(dict_data=zstandard.train_dictionary(2048, samples)).compress(samples[0])
    assert framed[4] & 3 == 3
    for cut in range(4, len(framed) + 1):
        frames = _ZstdFrames(BytesIO(framed[:cut]))
        while frames.read(7):
            pass
        assert frames.truncated == (cut < len(framed)), cut


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"bc", b"\n", b"\r", b"{}", b"x" * 50, b"\xff"]), max_size=40).map(b"".join),
       st.data())
def test_byte_ranges_give_each_line_to_one_range(tmp_path_factory, data: bytes, draw: st.DataObject) -> None:
    """Ranges tiling a file, each read by :func:`read_line_range`, hold the file's lines once
    each and in order (a range inside a long line holds none), with their counts."""
    path = tmp_path_factory.mktemp("ranges") / "f.jsonl"
    path.write_bytes(data)
    cuts = draw.draw(st.lists(st.integers(0, max(len(data) - 1, 0)), max_size=8))
    bounds = sorted({0, len(data), *cuts})
    parts = [read_line_range(str(path), a, b) for a, b in itertools.pairwise(bounds)]
    assert b"".join(block for block, _ in parts) == data
    for block, count in parts:
        assert count == len(split_block(block)) if block else count == 0
    assert [line for block, _ in parts for line in split_block(block)] == list(BytesIO(data))


@pytest.mark.parametrize("name", ["in.jsonl", "in.jsonl.gz"])  # workers read ranges / parent ships blocks
def test_error_line_numbers_across_blocks(tmp_path, fixtures, monkeypatch, capsys, name) -> None:
    """Tasks of a few lines each: a bad record is still reported at its line of the file."""
    monkeypatch.setattr("scrubber.etl.CHUNK_BYTES", 64)
    src, _ = _jsonl(tmp_path, fixtures, name)
    assert main(["clean", "--jsonl", str(src), "--out", str(tmp_path / "out.jsonl"), "--jobs", "2"]) == 1
    data = gzip.decompress(src.read_bytes()) if name.endswith(".gz") else src.read_bytes()
    bad = [n for n, line in enumerate(data.split(b"\n"), 1) if line.startswith(b"{not")]
    err = capsys.readouterr().err
    assert bad and all(f"{src}:{n}: invalid-json" in err for n in bad)
    assert f"{src}:{bad[0] + 1}: missing-field" in err and f"{src}:{bad[0] + 2}: wrong-type" in err


def test_workers_reading_byte_ranges_write_what_one_process_writes(tmp_path, fixtures, monkeypatch) -> None:
    """A plain file under --jobs 2 is read by the workers in byte ranges (some cutting
    records): the output is byte for byte the single process's, and --fail-fast stops at
    the same record."""
    monkeypatch.setattr("scrubber.etl.CHUNK_BYTES", 1000)
    src, _ = _jsonl(tmp_path, fixtures)
    outs = {jobs: tmp_path / f"out{jobs}.jsonl" for jobs in (1, 2)}
    for jobs, out in outs.items():
        assert main(["clean", "--jsonl", str(src), "--out", str(out), "--jobs", str(jobs), "-q"]) == 1
    assert outs[1].read_bytes() == outs[2].read_bytes() and len(_read_jsonl(outs[2])) == 62
    assert main(["clean", "--jsonl", str(src), "--out", str(outs[2]), "--jobs", "2", "--fail-fast", "-q"]) == 2
    assert [r["id"] for r in _read_jsonl(outs[2])] == [0, 1, 2, 3, 4]


def test_worker_output_is_spooled_through_files_and_none_is_left(tmp_path, fixtures, monkeypatch) -> None:
    """Under --jobs the workers leave each chunk's output in a file of the run's spool
    directory (not the pool's pipe); the parent appends it in input order, to a plain, a
    compressed and a piped output alike, and removes the spool."""
    from scrubber import etl

    monkeypatch.setattr("scrubber.etl.CHUNK_BYTES", 1000)
    spool_root = tmp_path / "tmp"
    spool_root.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(spool_root))
    written: list[type] = []
    write = etl._Sinks.write

    def spy(self, index, data):  # (the parent's side: what the workers handed back; a range
        if data != b"":  # holding no record's start gives nothing)
            written.append(type(data))
        write(self, index, data)
        assert not isinstance(data, etl.Spooled) or not os.path.exists(data.path)  # (removed once written)

    monkeypatch.setattr(etl._Sinks, "write", spy)
    src, _ = _jsonl(tmp_path, fixtures)
    one = tmp_path / "one.jsonl"
    assert main(["clean", "--jsonl", str(src), "--out", str(one), "-q"]) == 1
    assert set(written) == {bytes}
    for name in ("two.jsonl", "two.jsonl.gz"):
        written.clear()
        assert main(["clean", "--jsonl", str(src), "--out", str(tmp_path / name), "--jobs", "2", "-q"]) == 1
        assert _read_jsonl(tmp_path / name) == _read_jsonl(one)
        assert len(written) > 5 and set(written) == {etl.Spooled}
        assert list(spool_root.iterdir()) == []
    done = subprocess.run([sys.executable, "-m", "scrubber", "clean", "--jsonl", str(src), "--jobs", "2", "-q"],
                          capture_output=True, check=False, env={**os.environ, "TMPDIR": str(spool_root)})
    assert done.returncode == 1 and done.stdout == one.read_bytes()
    assert list(spool_root.iterdir()) == []


def test_a_chunk_that_cannot_be_spooled_goes_back_as_bytes(tmp_path, fixtures, monkeypatch) -> None:
    """A chunk whose file cannot be written comes back as bytes; a run whose spool
    directory cannot be made pipes every chunk back, with the same output."""
    from scrubber.chunks import Spooled, _spooled

    kept = _spooled(str(tmp_path), b"data")
    assert isinstance(kept, Spooled) and Path(kept.path).read_bytes() == b"data"
    assert _spooled(str(tmp_path / "gone"), b"data") == b"data"
    src, _ = _jsonl(tmp_path, fixtures)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["clean", "--jsonl", str(src), "--out", str(one), "-q"]) == 1

    def no_room(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tempfile.TemporaryDirectory", no_room)
    assert main(["clean", "--jsonl", str(src), "--out", str(two), "--jobs", "2", "-q"]) == 1
    assert two.read_bytes() == one.read_bytes()


@pytest.mark.parametrize("refusal", [None, 0, 7])
def test_output_appends_a_file_in_the_kernel_or_by_hand(tmp_path, monkeypatch, refusal) -> None:
    """``Output.write_from`` appends a file's bytes after what was written before (still in
    the writer's buffer); where ``sendfile`` refuses the output (at once, or after some
    bytes) the rest is copied by hand; compressed outputs are written through."""
    import errno

    from scrubber.io import open_output

    part = tmp_path / "part"
    part.write_bytes(bytes(range(256)) * 40)
    real = os.sendfile

    def refusing(out, src, offset, count):
        if refusal is not None and offset >= refusal:
            raise OSError(errno.EINVAL, "no sendfile here")
        return real(out, src, offset, min(count, 7))

    monkeypatch.setattr(os, "sendfile", refusing)
    for name in ("out.bin", "out.bin.gz"):
        with open_output(str(tmp_path / name)) as out:
            out.write(b"head")
            out.write_from(str(part))
            out.write(b"tail")
        data = (tmp_path / name).read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        assert data == b"head" + part.read_bytes() + b"tail"


def test_plain_files_are_read_by_the_workers_compressed_ones_by_the_parent(tmp_path, fixtures,
                                                                          monkeypatch) -> None:
    from scrubber.etl import _stream_tasks

    monkeypatch.setattr("scrubber.etl.CHUNK_BYTES", 1000)
    plain, _ = _jsonl(tmp_path, fixtures)
    packed, _ = _jsonl(tmp_path, fixtures, "in.jsonl.gz")
    size = plain.stat().st_size
    tasks = list(_stream_tasks("jsonl", [str(plain), str(packed)], False, ranged=True))
    ranges = [t[3:] for t in tasks if t[0] == "jsonl_range"]
    assert all(t[1] == 0 for t in tasks if t[0] == "jsonl_range")
    assert ranges == [(a, min(a + 1000, size)) for a in range(0, size, 1000)]
    assert {t[0] for t in tasks if t[1] == 1} == {"jsonl"}  # gzip: the parent decompresses
    assert {t[0] for t in _stream_tasks("jsonl", [str(plain)], False)} == {"jsonl"}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_lone_surrogate_in_a_record_is_written_escaped(tmp_path, scrubber: Scrubber, jobs) -> None:
    """A "\\ud800" escape (scraped JSON has them) parses to a lone surrogate, which UTF-8
    cannot hold: the record is written with \\u escapes instead of stopping the run."""
    text = "Share this article\n\nA body paragraph \ud800 that is long enough to stay, with words."
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": 1, "text": text}) + "\n" + json.dumps({"id": 2, "text": "plain é"}) + "\n",
                   encoding="ascii")
    assert main(["clean", "--jsonl", str(src), "--out", str(out), "--jobs", jobs, "-q"]) == 0
    rows = [json.loads(line) for line in out.read_bytes().decode("utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, 2]
    assert rows[0]["clean_text"] == scrubber.scrub(text).text and "\ud800" in rows[0]["clean_text"]
    assert b"\\ud800" in out.read_bytes() and "plain é".encode() in out.read_bytes()


def test_a_record_nested_too_deeply_is_reported_not_fatal(tmp_path, capsys) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n" + json.dumps({"text": "a body line"}) + "\n")
    assert main(["clean", "--jsonl", str(src), "--out", str(out)]) == 1
    assert [json.loads(line)["text"] for line in out.read_text().splitlines()] == ["a body line"]
    assert f"{src}:1: invalid-json: RecursionError" in capsys.readouterr().err


def test_records_keep_their_fields_byte_for_byte(tmp_path, scrubber: Scrubber) -> None:
    """A record's own fields are written back as the input had them (number forms, escapes,
    spacing); the new fields follow. A field the output sets that the record already has is
    replaced in place (one key, not two); a BOM, and bytes that are not UTF-8 (an encoded
    surrogate, which json reads), still give one JSON line per record."""
    text = "Share this article\n\nA body paragraph that is long enough to stay, with words and a point."
    lines = [
        b'\xef\xbb\xbf{"id":1.10,"big":12345678901234567890,"x":"\\u00e9","text":' + json.dumps(text).encode() + b"}",
        b'{"text": "plain words", "title": "old", "clean_text": 3}',
        b'  { }  ',
        b'{"text": "a \xed\xa0\x80 b"}',
    ]
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(b"\r\n".join(lines) + b"\r\n")
    assert main(["clean", "--jsonl", str(src), "--out", str(out), "-q"]) == 1  # ({ } has no text)
    written = out.read_bytes().split(b"\n")[:-1]
    assert written[0].startswith(lines[0][3:-1] + b', "clean_text": ')
    rows = [json.loads(line) for line in written]
    assert rows[0]["clean_text"] == scrubber.scrub(text).text and rows[0]["id"] == 1.1
    assert written[1].count(b'"title"') == 1 and written[1].count(b'"clean_text"') == 1
    assert rows[1] == {"text": "plain words", "title": None, "clean_text": "plain words"}
    assert rows[2]["error"].startswith("missing-field") and rows[2]["clean_text"] is None
    assert rows[3]["clean_text"] == scrubber.scrub("a \ud800 b").text


def test_a_record_written_again_keeps_numbers_a_float_cannot_hold(tmp_path) -> None:
    """A record that already has a field the output sets is serialised again: a number beyond
    a float (1e999, which Python reads as inf) is written back as the input had it, never as
    ``Infinity`` (not JSON); the other numbers and fields as before."""
    lines = [
        b'{"text": "plain words", "clean_text": 1, "big": 1e999, "neg": -1E400, "x": 1.5, "n": 7}',
        b'{"text": "more plain words", "title": "t", "ok": 2.5}',
    ]
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    assert main(["clean", "--jsonl", str(src), "--out", str(out), "-q"]) == 0
    written = out.read_bytes().split(b"\n")[:-1]
    assert b"Infinity" not in out.read_bytes()
    assert b'"big": 1e999' in written[0] and b'"neg": -1E400' in written[0]
    rows = [json.loads(line) for line in written]  # (Python reads 1e999 back as inf)
    assert rows[0]["clean_text"] == "plain words" and rows[0]["x"] == 1.5 and rows[0]["n"] == 7
    assert rows[1] == {"text": "more plain words", "title": None, "ok": 2.5, "clean_text": "more plain words"}


def test_an_output_that_would_overwrite_its_input_is_refused(tmp_path, fixtures, capsys, monkeypatch) -> None:
    """``--out`` naming an input (by any path) would truncate it before it is read: the run
    stops with exit 2 and the input intact. Text files cleaned into their own directory are
    read whole first, so that stays allowed."""
    src, _ = _jsonl(tmp_path, fixtures, bad=False)
    before = src.read_bytes()
    monkeypatch.chdir(tmp_path)
    for args in (["--jsonl", str(src), "--out", "./in.jsonl"], ["--jsonl", "in.jsonl", "--out", f"{tmp_path}/"],
                 [str(src), str(tmp_path / "other.txt"), "--out", str(src)]):
        (tmp_path / "other.txt").write_text("x")
        assert main(["clean", *args, "-q"]) == 2
        assert "would overwrite the input" in capsys.readouterr().err and src.read_bytes() == before
    note = tmp_path / "note.txt"
    note.write_text(BOILER, encoding="utf-8")
    assert main(["clean", str(note), "--out", f"{tmp_path}/", "-q"]) == 0
    assert "Share this article" not in note.read_text(encoding="utf-8")


def test_two_inputs_with_one_output_name_are_refused(tmp_path, fixtures, capsys) -> None:
    """Under ``--out DIR/`` each input's output is DIR/<its file name>: two inputs named alike
    in different directories would share it (the second overwriting the first's)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, _ = _jsonl(tmp_path / "a", fixtures, bad=False)
    two, _ = _jsonl(tmp_path / "b", fixtures, bad=False)
    out = tmp_path / "out"
    assert main(["clean", "--jsonl", str(one), str(two), "--out", f"{out}/", "-q"]) == 2
    assert "would both be written to" in capsys.readouterr().err and not (out / "in.jsonl").exists()
    assert main(["clean", "--jsonl", str(one), "--out", f"{out}/", "-q"]) == 0


def test_pages_cleaned_into_a_directory_are_named_as_text_or_json(tmp_path, fixtures, scrubber: Scrubber,
                                                                  capsys) -> None:
    """Under ``--out DIR/`` a page's output is clean text (or JSON), so its HTML extension
    becomes ``.txt`` (``.json`` with ``--json``), a compression suffix kept; other names
    stay; a page and a text file that would then share a name are refused."""
    page = (fixtures / "html" / "article_en.html").read_bytes()
    (tmp_path / "a.html").write_bytes(page)
    (tmp_path / "b.HTM.gz").write_bytes(gzip.compress(page))
    (tmp_path / "c.txt").write_text(BOILER, encoding="utf-8")
    names = [str(tmp_path / n) for n in ("a.html", "b.HTM.gz", "c.txt")]
    out = tmp_path / "out"
    assert main(["clean", *names, "--out", f"{out}/", "--no-title", "-q"]) == 0
    expected = scrubber.scrub_html(page).text
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt.gz", "c.txt"]
    assert (out / "a.txt").read_text(encoding="utf-8").strip() == expected
    assert gzip.decompress((out / "b.txt.gz").read_bytes()).decode().strip() == expected
    js = tmp_path / "js"
    assert main(["clean", names[0], "--json", "--out", f"{js}/", "-q"]) == 0
    assert json.loads((js / "a.json").read_text(encoding="utf-8"))["text"] == expected
    (tmp_path / "a.txt").write_text(BOILER, encoding="utf-8")
    both = tmp_path / "both"
    assert main(["clean", names[0], str(tmp_path / "a.txt"), "--out", f"{both}/", "-q"]) == 2
    assert "would both be written to" in capsys.readouterr().err and not both.exists()


def test_output_that_cannot_be_written_is_an_error_not_a_traceback(tmp_path, fixtures, capsys) -> None:
    """A missing output directory or a full disk: exit 2 and a message naming the output
    (one file of many under --out DIR/: that file fails, the others are written)."""
    src, _ = _jsonl(tmp_path, fixtures, bad=False)
    assert main(["clean", "--jsonl", str(src), "--out", str(tmp_path / "no" / "such" / "x.jsonl")]) == 2
    assert "cannot write" in capsys.readouterr().err
    if Path("/dev/full").exists():
        assert main(["clean", "--jsonl", str(src), "--out", "/dev/full", "--jobs", "2"]) == 2
        assert "cannot write /dev/full" in capsys.readouterr().err
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(BOILER, encoding="utf-8")
    b.write_text(BOILER, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").mkdir()  # a directory where a.txt's output should go
    assert main(["clean", str(a), str(b), "--out", f"{out}/"]) == 1
    assert "unwritable" in capsys.readouterr().err and "Share this article" not in (out / "b.txt").read_text()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_truncated_or_damaged_gzip_input_is_reported_and_the_run_goes_on(tmp_path, jobs, capsys) -> None:
    """A partial download (truncated .gz) or a damaged one: its records before the damage are
    cleaned, the file is an 'unreadable' failure, and the next input is still done."""
    data = b"".join(json.dumps({"id": i, "text": f"Body line {i} that is long enough."}).encode() + b"\n"
                    for i in range(40_000))
    packed = gzip.compress(data)
    cut, bad, good = tmp_path / "cut.jsonl.gz", tmp_path / "bad.jsonl.gz", tmp_path / "good.jsonl"
    cut.write_bytes(packed[: len(packed) * 3 // 4])
    bad.write_bytes(packed[:200] + b"x" * 5000)
    good.write_bytes(data[: data.index(b"\n", 1000) + 1])
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--jsonl", str(cut), str(bad), str(good), "--out", str(out), "--jobs", jobs]) == 1
    err = capsys.readouterr().err
    assert f"{cut}: unreadable: EOFError" in err and f"{bad}: unreadable: error" in err
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    good_ids = [json.loads(line)["id"] for line in good.read_text().splitlines()]
    # Every whole line that can be decompressed before the cut is cleaned: none lost with
    # the read that met the damage (the last partial line is the damage itself).
    salvage = zlib.decompressobj(31).decompress(cut.read_bytes())
    whole = salvage[: salvage.rindex(b"\n") + 1].count(b"\n")
    assert whole > 1000
    assert ids == [*range(whole), *good_ids]


def test_a_cut_input_is_listed_after_the_failures_before_the_cut_whatever_jobs(tmp_path, capsys) -> None:
    """The read failure of a cut .jsonl.gz was counted when the parent met it, ahead of the
    tasks still in the workers: with ``--jobs 2`` the list of failures (the first 10 of
    them) came in another order, and held others, than with ``--jobs 1``. It is now a task
    of its own, in its place."""
    lines = [b"{not json\n" if i % 1500 == 700 else
             json.dumps({"id": i, "text": f"Body line {i} that is long enough. " * 5}).encode() + b"\n"
             for i in range(12_000)]
    packed = gzip.compress(b"".join(lines))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(packed[: len(packed) * 97 // 100])
    listed = {}
    for jobs in ("1", "2"):
        assert main(["clean", "--jsonl", str(cut), "--out", str(tmp_path / f"o{jobs}.jsonl"), "--jobs", jobs]) == 1
        listed[jobs] = [line for line in capsys.readouterr().err.splitlines() if str(cut) in line]
    assert listed["1"] == listed["2"]
    salvage = zlib.decompressobj(31).decompress(cut.read_bytes())
    bad = [i + 1 for i, line in enumerate(salvage.split(b"\n")[:-1]) if line == b"{not json"]
    assert len(bad) >= 7 and "unreadable: EOFError" in listed["1"][-1]
    assert [int(line.split(f"{cut}:")[1].split(":")[0]) for line in listed["1"][:-1]] == bad[:9]


def test_a_truncated_gzip_file_alone_is_an_error_message(tmp_path, capsys) -> None:
    path = tmp_path / "cut.txt.gz"
    words = [f"w{i * 7919 % 10007}" for i in range(50_000)]  # (text that does not compress away)
    path.write_bytes(gzip.compress(" ".join(words).encode())[:5000])
    assert main(["clean", str(path)]) == 2
    assert f"cannot read {path}" in capsys.readouterr().err


def test_ctrl_c_stops_a_jobs_run_with_one_message(tmp_path) -> None:
    """SIGINT to the process group (what Ctrl-C sends): exit 130, 'interrupted', no
    traceback from the parent or the workers, no process left.

    The records come through a pipe that stays open, fed while the run goes on: the run
    cannot end before the signal (a 200,000-record file could be done by the time the
    signal landed on a loaded machine: the test then saw exit 0)."""
    import os
    import signal
    import threading
    import time

    out = tmp_path / "out.jsonl"
    # Python's Ctrl-C handler installed whatever this process inherited: a job put in the
    # background by a shell without job control ignores SIGINT, and so would the run (a
    # terminal's foreground job, what the test stands for, has it).
    start = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
             "sys.argv = ['scrubber', *sys.argv[1:]]; runpy.run_module('scrubber', run_name='__main__')")
    proc = subprocess.Popen([sys.executable, "-c", start, "clean", "--jsonl", "-", "--out", str(out),
                             "--jobs", "2", "--line-cache", "0"], stdin=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    stop = threading.Event()

    def feed() -> None:
        batch = "".join(json.dumps({"id": i, "text": f"Share this article\n\nBody paragraph {i} of some length."})
                        + "\n" for i in range(2_000)).encode()
        try:
            while not stop.is_set():
                proc.stdin.write(batch)
                proc.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass  # (the run ended: the pipe is gone)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    deadline = time.monotonic() + 60
    while not (out.exists() and out.stat().st_size) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=60)
    stop.set()
    feeder.join(timeout=10)
    err = proc.stderr.read().decode()
    assert proc.returncode == 130 and "scrubber: interrupted" in err and "Traceback" not in err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_reader_that_stops_early_ends_the_run_quietly(tmp_path, jobs) -> None:
    """`scrubber clean --jsonl big.jsonl | head`: the pipe closes under the writer; the run
    ends with exit 0 and nothing on stderr (no 'cannot write', no traceback)."""
    src = tmp_path / "in.jsonl"
    with src.open("w") as f:
        for i in range(60_000):
            f.write(json.dumps({"id": i, "text": f"Body paragraph {i}, long enough to be kept as it is."}) + "\n")
    proc = subprocess.Popen([sys.executable, "-m", "scrubber", "clean", "--jsonl", str(src), "--jobs", jobs, "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.read(1000)
    proc.stdout.close()
    err = proc.communicate(timeout=120)[1].decode()
    assert proc.returncode == 0 and err == ""


@pytest.mark.parametrize("name", ["in.jsonl", "in.jsonl.gz"])
def test_a_record_that_kills_its_worker_fails_alone(tmp_path, monkeypatch, capsys, name,
                                                    boom_kills_the_worker) -> None:
    """--jobs 2, a record whose cleaning kills the worker process: the records of its task
    are reported (internal: WorkerCrashed, with their lines) and not written; every other
    record is."""
    monkeypatch.setattr("scrubber.etl.CHUNK_BYTES", 200)
    boom = boom_kills_the_worker
    lines = [json.dumps({"id": i, "text": boom if i == 40 else f"Body line {i}, kept."}) for i in range(80)]
    data = ("\n".join(lines) + "\n").encode()
    src, out = tmp_path / name, tmp_path / "out.jsonl"
    src.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    assert main(["clean", "--jsonl", str(src), "--out", str(out), "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    assert f"{src}:41: internal: WorkerCrashed" in err
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert 40 not in ids and len(ids) >= 75 and ids == sorted(ids)


@pytest.mark.parametrize("reader", ["fastwarc", "warcio"])
def test_a_huge_non_html_record_is_skipped_without_being_held(tmp_path, reader) -> None:
    """A WARC may hold a video of gigabytes: its record is counted past (checked for
    truncation) in pieces, never read into memory whole (reading every response's block
    whole, to check its length, did that)."""
    pytest.importorskip(reader)
    from scrubber import warc

    read = warc._iter_fastwarc if reader == "fastwarc" else warc._iter_warcio

    size = 300 << 20
    html = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>" + b"Body text of the page. " * 20 + b"</p>"
    head = b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\n\r\n"
    path = tmp_path / "big.warc"
    with path.open("wb") as f:
        f.write(_raw_response("https://example.com/1", html))
        f.write(_raw_response("https://example.com/2", b"")[:-4].replace(b"Content-Length: 0",
                              f"Content-Length: {len(head) + size}".encode()))
        f.write(head)
        chunk = bytes(1 << 20)
        for _ in range(size >> 20):
            f.write(chunk)
        f.write(b"\r\n\r\n")
        f.write(_raw_response("https://example.com/3", html))
    # (In a process of its own: a peak RSS this one reached earlier would hide the growth.)
    probe = ("import resource, sys\nfrom scrubber import warc\n"
             "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
             f"urls = [p.url for p in warc._iter_{reader}(sys.argv[1])]\n"
             "print(*urls, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)")
    *urls, grown_mb = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True,
                                     check=True).stdout.split()
    assert urls == ["https://example.com/1", "https://example.com/3"]
    assert int(grown_mb) < 100, grown_mb
    with path.open("r+b") as f:  # cut inside the video: the counted record is found short
        f.truncate(size // 2)
    pages = read(str(path))
    assert next(pages).url == "https://example.com/1"
    with pytest.raises(EOFError, match=r"example\.com/2"):
        next(pages)


_HEADS = st.sampled_from([b"", b"Transfer-Encoding: chunked\r\n", b"Content-Encoding: gzip\r\n",
                          b"Content-Encoding: deflate\r\n", b"Content-Encoding: br\r\n", b"Content-Encoding: zstd\r\n",
                          b"Transfer-Encoding: chunked\r\nContent-Encoding: gzip, deflate\r\n"])


@settings(max_examples=300, deadline=None)
@given(head=_HEADS, body=st.binary(max_size=300), prefix=st.sampled_from([b"", b"\x1f\x8b\x08", b"\x28\xb5\x2f\xfd", b"x\x9c"]))
def test_any_http_block_is_read_or_refused_never_raises(head: bytes, body: bytes, prefix: bytes) -> None:
    """Whatever the block holds, reading it gives a response (its body, or an error string)
    or None: never an exception, which would end the whole WARC file."""
    from scrubber.httpmsg import read_response

    for block in (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + head + b"\r\n" + prefix + body, prefix + body):
        got = read_response(block)
        assert got is None or (isinstance(got.body, bytes) and (got.error is None or got.body == b""))


def test_a_gzip_body_that_decodes_past_the_limit_is_refused_before_it_is_held(monkeypatch) -> None:
    """A few KB of gzip can decode to gigabytes: the body is refused past MAX_BODY, and the
    decoder never makes more than that (monkeypatched small here)."""
    from scrubber import httpmsg

    monkeypatch.setattr(httpmsg, "MAX_BODY", 1 << 20)
    bomb = gzip.compress(b"<p>" + b"a" * (8 << 20))
    assert len(bomb) < 20_000
    got = httpmsg.read_response(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n" + bomb)
    assert got is not None and got.body == b"" and got.error == "ValueError: the gzip body decodes to more than 1 MB"
    fine = gzip.compress(b"<p>" + b"a" * 1000)
    got = httpmsg.read_response(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + fine)
    assert got is not None and got.body == b"<p>" + b"a" * 1000 and got.error is None


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_stdin_among_files_is_read_whatever_the_jobs(tmp_path, fixtures, scrubber: Scrubber, jobs: str) -> None:
    """Files mode reads ``-`` in the parent: a worker process's stdin is not the run's (with
    --jobs 2 it read as an empty file and the piped input was lost, exit 0)."""
    a = tmp_path / "a.txt"
    a.write_text(BOILER, encoding="utf-8")
    seed = _seed(fixtures)
    cmd = [sys.executable, "-m", "scrubber", "clean", "-", str(a), "-", "--jobs", jobs, "--no-title"]
    done = subprocess.run(cmd, input=seed.encode(), capture_output=True)
    assert done.returncode == 1 and b"stdin is read once" in done.stderr  # (the second '-')
    docs = done.stdout.decode().split("\f\n")
    assert docs == [scrubber.scrub(seed).text + "\n", scrubber.scrub(BOILER).text + "\n"]
    out_dir = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "scrubber", "clean", "-", "--out", f"{out_dir}/", "--jobs", jobs],
                   input=seed.encode(), capture_output=True, check=True)
    assert scrubber.scrub(seed).text in (out_dir / "stdin").read_text(encoding="utf-8")


def test_an_output_directory_that_cannot_be_made_is_exit_2(tmp_path, fixtures, capsys) -> None:
    src, _ = _jsonl(tmp_path, fixtures, bad=False)
    (tmp_path / "F").write_text("a file, not a directory")
    assert main(["clean", "--jsonl", str(src), "--out", f"{tmp_path / 'F'}/"]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_every_input_gets_its_output_under_a_directory(tmp_path, fixtures, capsys) -> None:
    """An empty input's output exists (empty): an earlier run's is not left in its place;
    an input named twice is refused (its output would be written twice over)."""
    src, _ = _jsonl(tmp_path, fixtures, bad=False)
    empty, blank = tmp_path / "empty.jsonl", tmp_path / "blank.jsonl"
    empty.write_bytes(b"")
    blank.write_bytes(b"\n\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "empty.jsonl").write_text('{"stale": "from an earlier run"}\n')
    assert main(["clean", "--jsonl", str(empty), str(src), str(blank), "--out", f"{out}/", "-q"]) == 0
    assert (out / "empty.jsonl").read_bytes() == b"" and (out / "blank.jsonl").read_bytes() == b""
    assert len(_read_jsonl(out / "in.jsonl")) == 60
    assert main(["clean", "--jsonl", str(src), str(src), "--out", f"{out}/", "-q"]) == 2
    assert "would both be written" in capsys.readouterr().err


def test_an_integer_longer_than_python_converts_is_valid_json(tmp_path) -> None:
    """JSON has no limit on an integer's digits; Python's int() has one (4,300): such a
    record is cleaned and its number written back as the line had it."""
    big = "9" * 5000
    src = tmp_path / "big.jsonl"
    src.write_text(f'{{"text": {json.dumps(BOILER)}, "n": {big}}}\n'
                   f'{{"text": "x", "clean_text": 1, "n": -{big}, "f": 1e999}}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--jsonl", str(src), "--out", str(out), "-q"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and f'"n": {big}' in lines[0] and f'"n": -{big}' in lines[1]
    assert '"f": 1e999' in lines[1] and '"clean_text": "x"' in lines[1]
    # Re-serialised with nothing else a float cannot hold: still a number, not a string.
    src.write_text(f'{{"text": "x", "clean_text": 1, "n": {big}}}\n', encoding="utf-8")
    assert main(["clean", "--jsonl", str(src), "--out", str(out), "-q"]) == 0
    assert f'"n": {big}' in out.read_text(encoding="utf-8")


def test_options_of_files_mode_are_named_when_a_jsonl_run_ignores_them(tmp_path, fixtures, capsys) -> None:
    src, _ = _jsonl(tmp_path, fixtures, bad=False)
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--jsonl", str(src), "--out", str(out), "--explain", "--no-title"]) == 0
    assert "--explain, --no-title have no effect with --jsonl" in capsys.readouterr().err
    assert main(["clean", "--jsonl", str(src), "--out", str(out)]) == 0
    assert "no effect" not in capsys.readouterr().err


@pytest.mark.parametrize("gz", [False, True])
def test_warc_headers_over_64_kb_are_read_past_fastwarc(tmp_path, gz: bool) -> None:
    """FastWARC refuses a record whose WARC headers pass 64 KB ('Maximum header length
    exceeded') and the file's later pages were lost with it; warcio reads on from there."""
    pytest.importorskip("fastwarc")
    pytest.importorskip("warcio")
    from scrubber.warc import _iter_warcio, iter_warc_pages

    body = _http([_CT], b"<p>" + b"Some body text that is long enough to read. " * 10 + b"</p>")
    records = [_raw_response(f"https://e.com/{n}", body) for n in (1, 2, 3)]
    records[1] = records[1].replace(b"\r\nContent-Length:", b"\r\nX-Big: " + b"x" * 70_000 + b"\r\nContent-Length:", 1)
    path = tmp_path / ("big.warc.gz" if gz else "big.warc")
    path.write_bytes(b"".join(gzip.compress(r) for r in records) if gz else b"".join(records))
    pages = list(iter_warc_pages(str(path)))
    assert [p.url for p in pages] == ["https://e.com/1", "https://e.com/2", "https://e.com/3"]
    assert pages == list(_iter_warcio(str(path)))

"""scrubber.spark.scrub_column on a real local[2] SparkSession: same output as Scrubber.scrub."""

from __future__ import annotations

import os
import sys

import pytest

pyspark = pytest.importorskip("pyspark")  # the 'spark' extra; CI installs it
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")

from scrubber import Config, Scrubber  # noqa: E402
from scrubber.spark import scrub_column, worker_scrubber  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("scrubber-test")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .config("spark.driver.memory", "1g").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _documents(fixtures) -> list[str]:
    seed = (fixtures / "golden" / "seed_zh_hant" / "input.txt").read_text(encoding="utf-8")
    paras = seed.split("\n\n")
    docs = []
    for i in range(300):
        kind = i % 4
        if kind == 0:
            docs.append(seed)
        elif kind == 1:  # rotated paragraphs, so repeats and head/tail differ
            cut = i % len(paras)
            docs.append("\n\n".join(paras[cut:] + paras[:cut]))
        elif kind == 2:  # the seed's body framed by English boilerplate
            body = paras[(i // 4) % len(paras)]
            docs.append(f"Home > World\n\nShare this article\n\n{body}\n\nNext Article")
        else:
            docs.append(f"Paragraph {i} of a short English story, long enough to look like body text.\n\n"
                        "Follow us on Twitter\n\nRelated articles\n\nOne\n\nTwo")
    return docs


def test_scrub_column_equals_scrub(spark, fixtures, scrubber: Scrubber) -> None:
    docs = _documents(fixtures)
    rows = [(i, doc) for i, doc in enumerate(docs)] + [(len(docs), None)]
    df = spark.createDataFrame(rows, "id long, text string").repartition(6)
    out = scrub_column(df, "text", with_removals=True).orderBy("id").collect()
    assert [r.id for r in out] == list(range(len(rows)))
    for row, doc in zip(out, docs, strict=False):
        result = scrubber.scrub(doc)
        assert row.clean_text == result.text
        assert row.title == result.title
        assert [(r.rule_id, r.category, r.start, r.end, r.text) for r in row.removals] == [
            (r.rule_id, r.category, r.start, r.end, r.text) for r in result.removals
        ]
        assert row.scrub_error is None
    last = out[-1]  # a null document gives null outputs, not an error
    assert (last.clean_text, last.title, last.removals, last.scrub_error) == (None, None, None, None)

    # Compiled once per Python worker, not per row or per batch: the workers that cleaned
    # (Arrow workers are reused across tasks) still hold the one Scrubber they compiled.
    def probe(batches):
        import pyarrow as pa

        for _ in batches:
            pass
        info = worker_scrubber.cache_info()
        yield pa.RecordBatch.from_pydict({"pid": [os.getpid()], "misses": [info.misses], "hits": [info.hits]})

    stats = df.mapInArrow(probe, "pid long, misses long, hits long").collect()
    assert all(s.misses <= 1 for s in stats)
    assert any(s.misses == 1 for s in stats)  # built by the cleaning tasks, still there
    assert sum(s.hits for s in stats) >= 1  # ... and reused by a later task


def test_options_error_column_and_replaced_columns(spark, fixtures) -> None:
    docs = _documents(fixtures)[:40]
    rows = [(i, d, "old") for i, d in enumerate(docs)]
    df = spark.createDataFrame(rows, "id long, text string, title string")
    out = scrub_column(df, "text", output="body", max_input_chars=2000, ignore=("share",),
                       error_column="why").orderBy("id").collect()
    assert out[0].__fields__ == ["id", "text", "body", "title", "why"]
    local = Scrubber(Config(max_input_chars=2000, ignore=("share",)))
    for row, doc in zip(out, docs, strict=True):
        if len(doc) > 2000:
            assert row.body is None and row.why.startswith("too-large: LimitError")
        else:
            assert row.body == local.scrub(doc).text and row.why is None


def test_html_column_with_url(spark, scrubber: Scrubber) -> None:
    page = ("<html><head><title>T{n}</title></head><body><nav><a href='/'>Home</a></nav><article>"
            "<h1>Headline {n}</h1><p>The article paragraph {n} carries the content of this page, "
            "long enough to be body text.</p></article></body></html>")
    rows = [(f"https://example.com/{n}", bytearray(page.format(n=n).encode())) for n in range(20)]
    df = spark.createDataFrame(rows, "url string, html binary")
    out = scrub_column(df, "html", html=True).collect()
    for row in out:
        expected = scrubber.scrub_html(bytes(row.html), row.url)
        assert (row.clean_text, row.title) == (expected.text, expected.title)


def test_the_example_job_on_warc_files(spark, tmp_path, scrubber: Scrubber, write_warc) -> None:
    """examples/spark_job.py --warc on two files, one cut inside its last record: every whole
    page cleaned as scrub_html cleans it, the cut page not, and the cut file one row of its
    own (the job does not fail)."""
    import gzip
    import importlib.util
    import json
    from pathlib import Path

    pytest.importorskip("fastwarc")
    spec = importlib.util.spec_from_file_location(
        "spark_job", Path(__file__).parent.parent / "examples" / "spark_job.py")
    job = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(job)
    page = ("<html><head><title>T{n}</title></head><body><nav><a href='/'>Home</a></nav><article><p>"
            + "Paragraph {n} of the article, long enough to be the body of the page. " * 5
            + "</p></article></body></html>")
    pages = {f"https://e.com/{n}": page.format(n=n).encode() for n in range(9)}
    items = [(url, "text/html", body) for url, body in pages.items()]
    write_warc(tmp_path / "a.warc.gz", items[:4])
    spans = write_warc(tmp_path / "b.warc", items[4:])
    cut = tmp_path / "b.warc"
    cut.write_bytes(cut.read_bytes()[: (spans[-1][0] + spans[-1][1]) // 2])
    out = tmp_path / "out"
    job.main(["--warc", str(tmp_path / "*.warc*"), "--out", str(out), "--format", "jsonl"], spark=spark)
    rows = [json.loads(line) for part in sorted(out.glob("part-*.json.gz"))
            for line in gzip.decompress(part.read_bytes()).decode().splitlines()]
    by_url = {row.get("url"): row for row in rows}
    assert set(by_url) == {*list(pages)[:8], None}  # (https://e.com/8 was cut)
    for url in list(pages)[:8]:
        assert by_url[url]["clean_text"] == scrubber.scrub_html(pages[url], url).text
    assert "EOFError" in by_url[None]["read_error"] and str(cut) in by_url[None]["read_error"]


def test_html_column_with_a_charset_column(spark, scrubber: Scrubber) -> None:
    """A ``charset`` column (from the pages' HTTP headers) decodes them: short GBK text that
    detection reads as Big5."""
    raw = bytearray("<html><body><p>中文</p></body></html>".encode("gbk"))
    df = spark.createDataFrame([(raw, "gbk"), (raw, None)], "html binary, charset string")
    rows = scrub_column(df, "html", html=True).collect()
    assert rows[0]["clean_text"] == "中文" == scrubber.scrub_html(bytes(raw), charset="gbk").text
    assert rows[1]["clean_text"] == scrubber.scrub_html(bytes(raw)).text != "中文"


@pytest.mark.parametrize(("options", "message"), [
    ({"column": "body"}, "no column 'body' in the DataFrame"),
    ({"column": "text", "output": "text"}, "must differ from each other and from the input column 'text'"),
    ({"column": "text", "error_column": "clean_text"}, "must differ from each other"),
    ({"column": "title"}, "from the input column 'title'"),
])
def test_a_column_that_is_missing_or_would_be_replaced_is_refused_at_the_call(spark, options, message) -> None:
    """A missing column failed inside the Python workers at the first action (a KeyError in
    a Spark stack trace); ``output="text"`` on column ``text`` dropped the input before the
    workers read it. Both are refused when scrub_column is called."""
    df = spark.createDataFrame([(1, "some text", "a title")], "id long, text string, title string")
    column = options.pop("column")
    with pytest.raises(ValueError, match=message):
        scrub_column(df, column, **options)

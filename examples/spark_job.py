"""Clean JSONL or WARC files with Spark and write Parquet or JSONL.

    spark-submit examples/spark_job.py --jsonl 'data/*.jsonl.gz' --out clean/ [--field text]
    spark-submit examples/spark_job.py --warc 's3a://bucket/crawl/*.warc.gz' --out clean/ --format parquet

JSONL: Spark's JSON reader; every field is kept and ``clean_text``/``title`` (``--with-removals``:
``removals``) and ``scrub_error`` are added. ``--field html`` cleans the field as HTML (with the
record's ``url``, if any).
WARC: the list of files is distributed, one task per file; each task streams its file with
FastWARC (local, HDFS-mounted or any fsspec URL) and yields the HTML responses, which
:func:`scrubber.spark.scrub_column` cleans as HTML. Output rows: url, date, record_id,
clean_text, title, scrub_error, read_error (a page whose HTTP body does not decode; a row
of its own for a file cut short, after the file's whole pages).
Every executor needs ``pip install 'scrubber[spark,warc]'`` (or ship a packed virtualenv).
"""

from __future__ import annotations

import argparse
import glob
from collections.abc import Iterator
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from scrubber.spark import scrub_column


def warc_rows(path: str) -> Iterator[tuple[Any, ...]]:
    """(url, date, record_id, html bytes, charset, read_error) of each HTML response in one
    WARC file (``charset``: from its HTTP Content-Type, which decodes the page first).

    A page whose HTTP body does not decode has ``read_error`` set (and no html); a file that
    cannot be read to its end (truncated, damaged) keeps the pages before the damage and adds
    one row with no url and the file's ``read_error``: one bad file never fails the job (a
    task that raised would be retried, then fail it)."""
    from scrubber.warc import charset_of, iter_warc_pages

    try:
        for page in iter_warc_pages(path):
            yield (page.url, page.date, page.record_id, bytearray(page.body), charset_of(page.content_type),
                   page.error)
    except Exception as exc:
        yield None, None, None, bytearray(), None, f"{path}: {type(exc).__name__}: {exc}"


def read_warc(spark: SparkSession, pattern: str) -> DataFrame:
    """One partition per WARC file; rows stream out of each file, never whole files."""
    paths = sorted(glob.glob(pattern)) if "://" not in pattern else _list_remote(spark, pattern)
    rdd = spark.sparkContext.parallelize(paths, max(1, len(paths))).flatMap(warc_rows)
    schema = "url string, date string, record_id string, html binary, charset string, read_error string"
    return spark.createDataFrame(rdd, schema)


def _list_remote(spark: SparkSession, pattern: str) -> list[str]:
    jvm = spark.sparkContext._jvm  # Hadoop's glob, so s3a:// and hdfs:// work as in Spark's readers
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(pattern)
    statuses = path.getFileSystem(conf).globStatus(path) or []
    # FastWARC opens remote paths with fsspec, which names S3 "s3://" (Hadoop: "s3a://").
    return sorted(str(s.getPath().toString()).replace("s3a://", "s3://", 1) for s in statuses)


def main(argv: list[str] | None = None, spark: SparkSession | None = None) -> None:
    """Run the job (``spark``: a session to use and leave running, as the tests do)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--jsonl", metavar="GLOB", help="JSON-lines input (gz/bz2 fine)")
    source.add_argument("--warc", metavar="GLOB", help="WARC input (.warc or .warc.gz)")
    parser.add_argument("--field", default="text", help="JSONL field to clean; 'html' cleans HTML")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--format", choices=("parquet", "jsonl"), default="parquet")
    parser.add_argument("--with-removals", action="store_true")
    parser.add_argument("--partitions", type=int, default=0, help="repartition JSONL input first")
    args = parser.parse_args(argv)

    own = spark is None
    spark = spark or SparkSession.builder.appName("scrubber-clean").getOrCreate()
    if args.warc:
        df = scrub_column(read_warc(spark, args.warc), "html", html=True,
                          with_removals=args.with_removals).drop("html", "charset")
    else:
        df = spark.read.json(args.jsonl)
        if args.partitions:
            df = df.repartition(args.partitions)
        df = scrub_column(df, args.field, html=args.field == "html", with_removals=args.with_removals)
    writer = df.write.mode("overwrite")
    if args.format == "parquet":
        writer.parquet(args.out)
    else:
        writer.option("compression", "gzip").json(args.out)
    if own:
        spark.stop()


if __name__ == "__main__":
    main()

"""Clean a DataFrame column with PySpark (``pip install 'scrubber[spark]'``).

>>> from scrubber.spark import scrub_column                      # doctest: +SKIP
>>> cleaned = scrub_column(df, "text", with_removals=True)      # doctest: +SKIP

Rows travel to the Python workers as Arrow record batches (``mapInArrow``). Each executor's
Python worker compiles the rules once -- a Scrubber cached by its (hashable) Config -- and
reuses it for every batch and every task that worker runs (Spark reuses Python workers by
default), so nothing is compiled or pickled per row: the closure shipped with each task holds
only the Config.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from ._core import Scrubber
from .batch import _attempt
from .config import Config
from .result import Removal

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame


@functools.lru_cache(maxsize=8)
def worker_scrubber(config: Config) -> Scrubber:
    """The Scrubber for ``config`` in this (worker) process, compiled on first use."""
    return Scrubber(config)


def _removal_type() -> pa.DataType:
    import pyarrow as pa

    types = {"start": pa.int64(), "end": pa.int64()}
    return pa.list_(pa.struct([(f.name, types.get(f.name, pa.string())) for f in fields(Removal)]))


def _spark_type(arrow_type: pa.DataType) -> Any:
    from pyspark.sql import types as T

    if arrow_type == _removal_type():
        return T.ArrayType(T.StructType([
            T.StructField(f.name, T.LongType() if f.name in ("start", "end") else T.StringType())
            for f in fields(Removal)
        ]))
    return T.StringType()


def scrub_column(
    df: DataFrame,
    column: str,
    *,
    html: bool = False,
    output: str = "clean_text",
    with_title: bool = True,
    with_removals: bool = False,
    error_column: str | None = "scrub_error",
    config: Config | None = None,
    **options: Any,
) -> DataFrame:
    """``df`` with the cleaned text of ``column`` added as ``output``.

    ``column`` holds plain text (string), or HTML pages (string or binary) with
    ``html=True``; a ``url`` column and a ``charset`` column (the charset the page's bytes
    came with, e.g. from its HTTP header), if ``df`` has them, are passed to ``scrub_html``. Added
    columns: ``output`` (null where the input is null or failed), ``title`` (``with_title``),
    ``removals`` (``with_removals``: rule_id, category, start, end, text, replacement) and
    ``error_column`` (why a row failed, else null; ``None`` to leave it out). Existing
    columns of those names are replaced. Rules come from ``config`` or, like
    :func:`scrubber.scrub`, from keyword ``options`` (Config fields).
    """
    import pyarrow as pa
    from pyspark.sql import types as T

    cfg = config if config is not None else Config.from_options(options)
    added: list[tuple[str, pa.DataType]] = [(output, pa.string())]
    if with_title:
        added.append(("title", pa.string()))
    if with_removals:
        added.append(("removals", _removal_type()))
    if error_column:
        added.append((error_column, pa.string()))
    names = [name for name, _ in added]
    if column not in df.columns:
        raise ValueError(f"scrub_column: no column {column!r} in the DataFrame (it has {df.columns})")
    if column in names or len(set(names)) < len(names):
        raise ValueError(f"scrub_column: the added columns {names} must differ from each other and "
                         f"from the input column {column!r} (choose another output= or error_column=)")
    df = df.drop(*[c for c in df.columns if c in names])
    schema = T.StructType([*df.schema.fields, *(T.StructField(n, _spark_type(t)) for n, t in added)])
    url_column = "url" if html and "url" in df.columns else None
    charset_column = "charset" if html and "charset" in df.columns else None

    def clean_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        scrubber = worker_scrubber(cfg)
        for batch in batches:
            values = batch.column(column).to_pylist()
            urls = batch.column(url_column).to_pylist() if url_column else [None] * len(values)
            charsets = batch.column(charset_column).to_pylist() if charset_column else [None] * len(values)
            cols: dict[str, list[Any]] = {name: [] for name in names}
            for value, url, charset in zip(values, urls, charsets, strict=True):
                item: Any = value
                if value is not None and (url is not None or charset is not None):
                    item = {"html": value, "url": url, "charset": charset}
                done = _attempt(scrubber, 0, item, html, None) if value is not None else None
                result = done.result if done is not None else None
                cols[output].append(result.text if result else None)
                if with_title:
                    cols["title"].append(result.title if result else None)
                if with_removals:
                    cols["removals"].append(
                        [{f.name: getattr(r, f.name) for f in fields(Removal)} for r in result.removals]
                        if result else None
                    )
                if error_column:
                    cols[error_column].append(str(done.error) if done and done.error else None)
            arrays = [*batch.columns, *(pa.array(cols[n], t) for n, t in added)]
            yield pa.RecordBatch.from_arrays(arrays, names=[*batch.schema.names, *names])

    return df.mapInArrow(clean_batches, schema)

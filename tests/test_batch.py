"""Scrubber.scrub_many: same results as scrub() for any jobs/order, typed per-item errors,
bounded streaming, rules compiled once per worker."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool

import pytest

from scrubber import InputTypeError, Scrubber
from scrubber.batch import ItemError, Scrubbed, scrub_many


def _docs(fixtures) -> list[str]:
    seed = (fixtures / "golden" / "seed_zh_hant" / "input.txt").read_text(encoding="utf-8")
    paras = seed.split("\n\n")
    docs = [seed]
    for i in range(1, 40):  # synthetic variants: rotated paragraphs, English boilerplate
        cut = i % len(paras)
        docs.append("\n\n".join(paras[cut:] + paras[:cut]))
        docs.append(f"Home > News\n\nShare this article\n\nParagraph {i} of a story that goes on, "
                    f"with enough words to look like body text for the engine.\n\nNext Article")
    return docs


@pytest.mark.parametrize(("jobs", "ordered"), [(None, True), (1, True), (2, True), (2, False)])
def test_same_results_as_scrub(scrubber: Scrubber, fixtures, jobs, ordered) -> None:
    docs = _docs(fixtures)
    expected = [scrubber.scrub(d) for d in docs]
    got = list(scrubber.scrub_many(docs, jobs=jobs, ordered=ordered, chunksize=7))
    if ordered:
        assert [g.index for g in got] == list(range(len(docs)))
    got.sort(key=lambda g: g.index)
    assert all(g.ok for g in got)
    assert [g.result for g in got] == expected


@pytest.mark.parametrize("ordered", [True, False])
def test_results_from_workers_carry_the_callers_texts(scrubber: Scrubber, fixtures, ordered) -> None:
    """Workers send a result back without its source where the caller holds it (str items
    and record fields) and the removals as integers: put back, the Result is the one
    scrub() gives -- its removals' text slices and explanation too -- and its source is the
    caller's own object."""
    docs = _docs(fixtures)
    items: list[object] = [d if i % 3 else {"text": d, "id": i} for i, d in enumerate(docs)]
    items[4] = docs[4].encode()  # decoded in the worker: sent whole
    docs[7] = items[7] = ("The committee met on Tuesday to discuss the budget and, after a long debate\n"
                          "that lasted well into the evening, approved the plan.")  # re-joined with " "
    got = sorted(scrubber.scrub_many(items, jobs=2, ordered=ordered, chunksize=5), key=lambda g: g.index)
    for g, item, doc in zip(got, items, docs, strict=True):
        expected = scrubber.scrub(doc)
        assert g.result == expected and g.result.removals == tuple(expected.removals)
        assert g.result.explain() == expected.explain() and g.result.flags == expected.flags
        if not isinstance(item, bytes):
            assert g.result.source is (item["text"] if isinstance(item, dict) else item)
    assert sum(len(g.result.removals) for g in got) > len(docs)


def test_item_kinds_and_errors_never_stop_the_run(scrubber: Scrubber) -> None:
    text = "Share this article\n\nA body paragraph that is long enough to stay where it is, surely."
    items = [text, text.encode(), {"text": text, "id": 1}, {"id": 2}, {"text": 3}, 4, b"\xff\xfe", text]
    for jobs in (1, 2):
        got = list(scrubber.scrub_many(items, jobs=jobs, chunksize=3))
        assert [g.index for g in got] == list(range(len(items)))
        ok = scrubber.scrub(text)
        assert [g.result for g in got if g.ok] == [ok, ok, ok, ok]
        reasons = [g.error.reason for g in got if g.error is not None]
        assert reasons == ["missing-field", "wrong-type", "wrong-type", "undecodable"]
        assert got[3].error == ItemError("missing-field", "InputError", "record has no field 'text'")
        assert "missing-field" in str(got[3].error)


def test_field_option_and_raise_mode(scrubber: Scrubber) -> None:
    got = list(scrubber.scrub_many([{"body": "plain text here"}], field="body"))
    assert got == [Scrubbed(0, scrubber.scrub("plain text here"))]
    with pytest.raises(InputTypeError, match="item 1"):
        list(scrubber.scrub_many(["fine", 5, "never reached"], jobs=2, on_error="raise", chunksize=1))
    with pytest.raises(ValueError, match="on_error"):
        list(scrubber.scrub_many(["x"], on_error="ignore"))  # type: ignore[arg-type]


def test_streams_with_a_bounded_window(scrubber: Scrubber) -> None:
    pulled = 0

    def endless() -> Iterator[str]:
        nonlocal pulled
        for i in itertools.count():
            pulled += 1
            yield f"document {i}, a line of text"

    first = list(itertools.islice(scrubber.scrub_many(endless(), jobs=2, chunksize=10, window=3), 25))
    assert [f.index for f in first] == list(range(25))
    assert pulled <= 25 + 10 * 4  # what was yielded + the chunks in flight


def test_workers_inherit_the_compiled_rules(scrubber: Scrubber, monkeypatch) -> None:
    # Fork start method: the Scrubber is never pickled, neither per item nor per worker.
    def no_pickling(self):
        raise AssertionError("the Scrubber was pickled")

    monkeypatch.setattr(Scrubber, "__reduce__", no_pickling)
    got = list(scrub_many(scrubber, ["a text", "another text"] * 20, jobs=2, chunksize=4))
    assert [g.result for g in got] == [scrubber.scrub(t) for t in ["a text", "another text"] * 20]


def test_html_records_use_scrub_html(scrubber: Scrubber) -> None:
    page = ("<html><head><title>T</title></head><body><nav><a href='/'>Home</a></nav><article>"
            "<p>An article paragraph that carries the actual content of this page, long enough.</p>"
            "</article></body></html>")
    items = [{"html": page, "url": "https://example.com/a"}, page.encode(), {"html": None}]
    got = list(scrubber.scrub_many(items, html=True, jobs=2, chunksize=1))
    expected = scrubber.scrub_html(page, "https://example.com/a")
    assert got[0].result == expected
    assert got[1].result == scrubber.scrub_html(page.encode())
    assert got[2].error is not None and got[2].error.reason == "wrong-type"


@pytest.mark.parametrize("ordered", [True, False])
def test_records_that_do_not_pickle_are_cleaned_all_the_same(scrubber: Scrubber, ordered) -> None:
    """A record holding a lambda or a lock cannot be sent to a worker: its chunk is cleaned
    in this process instead of failing the whole run."""
    import threading

    text = "Share this article\n\nA body paragraph that is long enough to stay where it is, surely."
    items = [{"text": text, "callback": lambda: 1}, text, {"text": text, "lock": threading.Lock()}, text * 2]
    got = sorted(scrubber.scrub_many(items, jobs=2, chunksize=1, ordered=ordered), key=lambda g: g.index)
    assert [g.index for g in got] == [0, 1, 2, 3] and all(g.ok for g in got)
    assert [g.result for g in got] == [scrubber.scrub(t) for t in (text, text, text, text * 2)]


class _RefusesPickling:
    def __reduce__(self) -> tuple:
        raise ValueError("not today")


@pytest.mark.parametrize("ordered", [True, False])
def test_items_whose_pickling_raises_anything_run_here(scrubber: Scrubber, ordered) -> None:
    """Pickling raises whatever a __reduce__ raises, and RecursionError for deep nesting: such
    an item runs in this process as with jobs=1 (these two ended the whole run, 2026-12-01)."""
    text = "Share this article\n\nA body paragraph that is long enough to stay where it is, surely."
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    items = [text, {"text": text, "meta": deep}, _RefusesPickling(), text * 2]
    one = [(g.index, g.ok, g.result, g.error and g.error.reason) for g in scrubber.scrub_many(items, jobs=1)]
    two = sorted(scrubber.scrub_many(items, jobs=2, chunksize=1, ordered=ordered), key=lambda g: g.index)
    assert [(g.index, g.ok, g.result, g.error and g.error.reason) for g in two] == one
    assert one[2][3] == "wrong-type" and one[1][1]


def _dies_on(state: object, x: object) -> object:
    """A task function for the pool tests: kills its worker on "die"."""
    import os

    if x == "die":
        os._exit(3)
    return (state, x)


@pytest.mark.parametrize("ordered", [True, False])
def test_a_task_that_kills_its_worker_gets_crashed_and_the_others_their_results(ordered) -> None:
    from scrubber.pool import run_chunks

    tasks = [(i,) for i in range(6)] + [("die",)] + [(i,) for i in range(6, 12)]
    got = list(run_chunks(_dies_on, tasks, state="s", jobs=2, ordered=ordered, window=3,
                          crashed=lambda task: ("crashed", task[0])))
    expected = [("s", i) for i in range(6)] + [("crashed", "die")] + [("s", i) for i in range(6, 12)]
    assert got == expected if ordered else sorted(got, key=str) == sorted(expected, key=str)
    with pytest.raises(BrokenProcessPool):  # without ``crashed``: raised, as a pool does
        list(run_chunks(_dies_on, tasks, state="s", jobs=2))


def test_scrub_many_survives_a_worker_that_dies(scrubber: Scrubber, boom_kills_the_worker: str) -> None:
    """A document that kills its worker (here: a patched scrub(); in life an out-of-memory
    kill or a crash in a C extension) fails alone, as 'internal'; the others are cleaned."""
    items = ["first text here", boom_kills_the_worker, "third text here", "fourth", "fifth"]
    got = list(scrubber.scrub_many(items, jobs=2, chunksize=1))
    assert [g.index for g in got] == [0, 1, 2, 3, 4]
    assert got[1].error is not None and got[1].error.reason == "internal"
    assert [g.result.text for g in got if g.ok] == ["first text here", "third text here", "fourth", "fifth"]


@pytest.mark.parametrize(("jobs", "ordered"), [(None, True), (2, True), (2, False)])
def test_a_source_that_fails_part_way_gets_every_item_it_gave_cleaned_first(scrubber: Scrubber, jobs,
                                                                           ordered) -> None:
    """An input iterable that raises (a reader that meets a damaged file, a dropped
    connection): the items it gave before are all cleaned and yielded -- those of a
    partial chunk and the chunks in flight too -- and then its exception is raised, the
    same for every ``jobs`` (the partial chunk and, with workers, the chunks in flight
    were dropped)."""
    texts = [f"Share this article\n\nBody paragraph number {i}, long enough to stay." for i in range(300)]

    def source():
        yield from texts
        raise ConnectionError("the source broke")

    got = []
    with pytest.raises(ConnectionError, match="the source broke"):
        for done in scrubber.scrub_many(source(), jobs=jobs, ordered=ordered):
            got.append(done)
    assert sorted(d.index for d in got) == list(range(300))
    assert all(d.result.text == scrubber.scrub(texts[d.index]).text for d in got)


def test_html_records_may_carry_their_charset(scrubber: Scrubber) -> None:
    """A record's ``charset`` (the one its bytes came with) decodes its HTML: short GBK text
    that detection reads as Big5."""
    raw = "<html><body><p>中文</p></body></html>".encode("gbk")
    records = [{"html": raw, "charset": "gbk"}, {"html": raw}, {"html": raw, "charset": 42}]
    got = [done.result.text for done in scrubber.scrub_many(records, html=True)]
    assert got[0] == "中文" and got[1] != "中文" and got[2] == got[1]  # (a non-str charset is ignored)


@pytest.mark.parametrize(("options", "error", "message"), [
    ({"chunksize": 1.5}, TypeError, "chunksize must be an int, got 1.5"),
    ({"chunksize": 0}, ValueError, "chunksize must be at least 1"),
    ({"window": 0}, ValueError, "window must be at least 1"),
    ({"jobs": 2.0}, TypeError, "jobs must be an int or None, got 2.0"),
    ({"jobs": "2"}, TypeError, "jobs must be an int or None"),
    ({"jobs": True}, TypeError, "jobs must be an int or None"),
    ({"ordered": "no"}, TypeError, "ordered must be True or False"),
    ({"on_error": "skip"}, ValueError, "on_error must be"),
])
def test_bad_options_are_refused_at_the_call_by_name(scrubber: Scrubber, options, error, message) -> None:
    """``chunksize=1.5`` failed inside itertools.islice and ``jobs=2.0`` inside range(), with
    messages that named neither; ``ordered="no"`` ran as ordered. Each is refused when
    ``scrub_many`` is called, before the first item is read."""
    read = []

    def items():
        read.append(1)
        yield "a text"

    with pytest.raises(error, match=message):
        scrubber.scrub_many(items(), **options)
    assert read == []

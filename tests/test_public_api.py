"""The public surface: names, types, config validation, pickling and thread safety."""

from __future__ import annotations

import pickle
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

import scrubber
from scrubber import Config, InputTypeError, LimitError, Result, Scrubber, clean, scrub

DOC = "您的位置:首頁>新聞\n\n這是一段用來當作正文的文字，它足夠長，也有標點符號，所以看起來像正文。\n\n點擊關閉提示\n"


def test_all_is_the_documented_api() -> None:
    assert sorted(scrubber.__all__) == sorted([
        "Config", "InputError", "InputTypeError", "LimitError", "PackError", "Removal", "Removals", "Result",
        "Scrubber", "ScrubberError", "clean", "replay", "scrub", "scrub_html",
    ])
    for name in scrubber.__all__:
        assert getattr(scrubber, name).__doc__


def test_result_is_frozen_and_serialisable() -> None:
    result = scrub(DOC)
    assert isinstance(result, Result)
    with pytest.raises(AttributeError):
        result.text = "x"  # type: ignore[misc]
    data = result.to_dict()
    assert data["text"] == result.text
    assert {r["category"] for r in data["removals"]} == {"breadcrumb", "control"}
    assert set(data["removals"][0]) == {"rule_id", "category", "start", "end", "text", "replacement"}


def test_removals_read_as_a_tuple_of_removal() -> None:
    result = scrub(DOC)
    removals = result.removals
    assert isinstance(removals, scrubber.Removals)
    rows = removals.rows  # the rows are there before any Removal is built
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (r.start, r.end, r.rule_id, r.category) for r in removals
    ]
    as_tuple = tuple(removals)
    assert all(isinstance(r, scrubber.Removal) for r in as_tuple)
    assert all(r.text == result.source[r.start : r.end] for r in as_tuple)
    assert removals == as_tuple and as_tuple == removals and hash(removals) == hash(as_tuple)
    assert removals[0] == as_tuple[0] and removals[-1] == as_tuple[-1] and removals[:1] == as_tuple[:1]
    assert len(removals) == len(as_tuple) == 2 and repr(removals) == repr(as_tuple)
    assert removals != as_tuple[:1] and removals != list(as_tuple)
    assert removals.index(as_tuple[1]) == 1 and as_tuple[0] in removals
    other = scrub(DOC.replace("首頁", "主頁"))  # same rules, other offsets and texts
    assert removals != other.removals
    # Pickled as rows; equal after the round trip, built or not.
    fresh = scrub(DOC, dedup=False)  # another Result with the same removals, not built yet
    assert pickle.loads(pickle.dumps(fresh)).removals == fresh.removals == removals
    assert pickle.loads(pickle.dumps(result)) == result


def test_deferred_removals_make_their_rows_once_when_first_read() -> None:
    rows = ((0, 2, "R-1", "navigation", ""), (3, 5, "R-2", "promo", ""))
    calls = []

    def make() -> list[tuple[int, int, str, str, str]]:
        calls.append(1)
        return list(rows)

    removals = scrubber.Removals.deferred("ab\ncd\nef", make)
    assert calls == []
    assert len(removals) == 2 and removals.rows == rows and calls == [1]
    assert [r.text for r in removals] == ["ab", "cd"] and calls == [1]
    eager = scrubber.Removals("ab\ncd\nef", rows)
    assert removals == eager and hash(removals) == hash(eager)
    assert pickle.loads(pickle.dumps(scrubber.Removals.deferred("ab\ncd\nef", make))) == eager


def test_removal_categories_are_counted_without_the_rows() -> None:
    """``Removals.categories()``: the count per category; for the engine's deferred
    removals (one verdict-like object per row) without making the rows."""
    from collections import Counter

    from scrubber.engine.state import Verdict

    nav, promo = Verdict("R-1", "navigation"), Verdict("R-2", "promo")

    def never() -> list:
        raise AssertionError("rows made")

    deferred = scrubber.Removals.deferred("ab\ncd\nef", never, [nav, promo, nav])
    assert deferred.categories() == Counter({"navigation": 2, "promo": 1})
    rows = ((0, 2, "R-1", "navigation", ""), (3, 5, "R-2", "promo", ""))
    assert scrubber.Removals("ab\ncd\nef", rows).categories() == Counter({"navigation": 1, "promo": 1})
    result = scrub("Home > News\n\nShare this article\n\n" + "A body paragraph, long enough to stay. " * 3
                   + "\n\nShare this article")
    expected = Counter(r.category for r in result.removals)
    assert scrub(result.source).removals.categories() == expected and sum(expected.values()) >= 2


def test_unknown_option_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="unknown option"):
        scrub("x", dedupe=False)


def test_bad_option_values() -> None:
    with pytest.raises(ValueError):
        Config(max_removed_share=2.0)


@pytest.mark.parametrize("options", [
    # Values that passed the checks and then failed inside scrub (a fuzz run, 2026-12-01):
    # a share given as a str, a Decimal or astronomically large budget, integers beyond what
    # the native core reads as C int64.
    {"max_removed_share": "0.5"}, {"cut_rest_min_share": "0.5"},
    {"regex_budget": __import__("decimal").Decimal(1)}, {"regex_budget": 10**400},
    {"dup_min_chars": 2**63}, {"contained_min_chars": 2**63}, {"body_min_cjk": 2**63},
    {"body_min_words": 2**63}, {"line_cache": 2**63}, {"dedup": []}, {"title": "no"},
])
def test_option_values_that_would_fail_inside_scrub_are_refused(options: dict) -> None:
    with pytest.raises((ValueError, TypeError)):
        Config(**options)


def test_option_values_at_their_bounds_work() -> None:
    config = Config(max_removed_share=1, regex_budget=2, dup_min_chars=2**62, contained_min_chars=2**62,
                    body_min_cjk=2**62, line_cache=2**62)
    assert config.max_removed_share == 1.0 and isinstance(config.regex_budget, float)
    assert Scrubber(config).scrub("Some words, long enough to be a line.\n" * 3).text


def test_options_change_behaviour() -> None:
    assert "點擊關閉提示" in clean(DOC, ignore=("control",))
    assert "點擊關閉提示" not in clean(DOC)
    assert "您的位置" in clean(DOC, select=("control",), title=False)


def test_non_str_input_is_a_clear_type_error() -> None:
    for bad in (None, b"bytes", 42, ["a"]):
        with pytest.raises(TypeError, match="takes str"):
            scrub(bad)  # type: ignore[arg-type]
    with pytest.raises(InputTypeError):
        scrub(None)  # type: ignore[arg-type]


def test_size_limit() -> None:
    with pytest.raises(LimitError, match="max_input_chars"):
        scrub("a" * 101, max_input_chars=100)


def test_empty_and_blank_input() -> None:
    assert scrub("").text == ""
    assert scrub(" \n\t\n").text == ""
    assert scrub("").removals == ()


def test_scrubber_pickles_and_gives_the_same_result() -> None:
    s = Scrubber(Config(ignore=("share",)))
    clone = pickle.loads(pickle.dumps(s))
    assert clone.config == s.config
    assert clone.scrub(DOC) == s.scrub(DOC)
    assert len(pickle.dumps(s)) < 2000  # the config travels, not the compiled tables


def test_thread_safe_reuse() -> None:
    s = Scrubber()
    docs = [DOC.replace("新聞", f"新聞{i}") for i in range(64)]
    expected = [s.scrub(d) for d in docs]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(s.scrub, docs)) == expected


def test_package_docstring_example_runs() -> None:
    import doctest

    assert doctest.testmod(scrubber).failed == 0


@pytest.mark.parametrize(("options", "message"), [
    ({"select": b"share"}, "select must be a str or a sequence of str, got b'share'"),
    ({"ignore": b"share"}, "ignore must be a str or a sequence of str"),
    ({"select": (None,)}, "select must hold str items, got None"),
    ({"packs": b"zh"}, "packs must be a str or a sequence of str"),
    ({"packs": None}, "packs must be a str or a sequence of str"),
    ({"extra_packs": (3,)}, "extra_packs must hold str or path items"),
])
def test_rule_selections_of_the_wrong_type_are_refused_at_config(options, message) -> None:
    """bytes iterated as integers (select=b"share" became ('115', '104', ...)) and None
    became 'None': each selected nothing or failed later, in Scrubber()."""
    with pytest.raises(TypeError, match=re.escape(message)):
        Config(**options)


def test_extra_packs_may_be_paths_and_a_select_that_matches_nothing_is_an_error(tmp_path) -> None:
    from pathlib import Path

    assert Config(extra_packs=(Path("a.toml"),)).extra_packs == ("a.toml",)
    with pytest.raises(scrubber.PackError, match=r"select.*matches no rule"):
        clean("Body text that is long enough to be kept.\nShare this article", select=("shrae",))
    assert clean("Body text that is long enough to be kept.\nShare this article",
                 select=("shrae", "share")) == "Body text that is long enough to be kept."

"""One case per folder under fixtures/golden/: input, expected text, title, removals by line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scrubber import Result, Scrubber, replay

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


def _run(scrubber: Scrubber, case: str) -> tuple[Result, dict, str]:
    folder = GOLDEN / case
    source = (folder / "input.txt").read_text(encoding="utf-8")
    spec = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
    expected = (folder / "expected.txt").read_text(encoding="utf-8").rstrip("\n")
    return scrubber.scrub(source), spec, expected


@pytest.mark.parametrize("case", CASES)
def test_text_and_title(scrubber: Scrubber, case: str) -> None:
    result, spec, expected = _run(scrubber, case)
    assert result.text == expected
    assert result.title == spec.get("title")
    assert "over_removal_guard" not in result.flags


@pytest.mark.parametrize("case", CASES)
def test_replay_gives_the_output(scrubber: Scrubber, case: str) -> None:
    result, _, _ = _run(scrubber, case)
    assert replay(result.source, result.removals) == result.text
    for r in result.removals:
        assert result.source[r.start : r.end] == r.text


@pytest.mark.parametrize("case", CASES)
def test_every_removal_is_expected_and_explained(scrubber: Scrubber, case: str) -> None:
    result, spec, _ = _run(scrubber, case)
    expected = {line: entry["category"] for entry in spec["removed"] for line in entry["lines"]}
    got = {}
    for r in result.removals:
        line = result.source.count("\n", 0, r.start) + 1
        got[line] = r.category
        assert r.rule_id and r.category
    assert set(got) == set(expected)
    for line, category in expected.items():
        if category != "*":
            assert got[line] == category, f"line {line}"
    explanation = result.explain()
    for r in result.removals:
        assert r.rule_id in explanation

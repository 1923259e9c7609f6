"""Every example of every built-in rule is a test case; test ids are rule ids."""

from __future__ import annotations

import pytest

from scrubber import Config, Scrubber
from scrubber.rules.check import rule_matches

_SCRUBBER = Scrubber(Config())
RULES = _SCRUBBER.rules.rules


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_examples(rule) -> None:
    assert rule.examples_remove, "every built-in rule has at least one remove example"
    assert rule.examples_keep, "every built-in rule has at least one keep example"
    for text in rule.examples_remove:
        assert rule_matches(_SCRUBBER.rules, rule, text), f"not removed: {text!r}"
    for text in rule.examples_keep:
        assert not rule_matches(_SCRUBBER.rules, rule, text), f"removed: {text!r}"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_keep_examples_survive_the_whole_engine(rule) -> None:
    """Set among body paragraphs, a keep example is not removed by its rule in any pass."""
    body = ("這是一段用來當作正文的文字，它足夠長，也有標點符號，所以看起來像正文。\n\n"
            "This paragraph stands in for the body of an article, long enough to look like prose.\n\n")
    for text in rule.examples_keep:
        result = _SCRUBBER.scrub(body + text + "\n\n" + body[::-1])
        assert "over_removal_guard" not in result.flags
        assert rule.id not in {r.rule_id for r in result.removals}, result.explain()


def test_rule_ids_are_unique_and_categorised() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(r.category for r in RULES)


SPAN_RULES = [r for r in RULES if r.unit == "span"]


@pytest.mark.parametrize("rule", SPAN_RULES, ids=[r.id for r in SPAN_RULES])
def test_span_rule_remove_examples_through_the_whole_engine(rule) -> None:
    """``rule_matches`` asks one rule; ``scrub`` reaches span rules through the document
    scan's per-block anchor bits: set among body paragraphs, each remove example is still
    taken by its rule."""
    body = "這是一段用來當作正文的文字，它足夠長，也有標點符號，所以看起來像正文。\n\n"
    for text in rule.examples_remove:
        result = _SCRUBBER.scrub(body + text + "\n\n" + body)
        assert rule.id in {r.rule_id for r in result.removals}, (text, result.explain())

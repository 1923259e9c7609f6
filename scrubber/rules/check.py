"""Running the examples of rules: ``scrubber rules check`` and the test-suite share this."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from ..engine.compile import Budget, CompiledRules
from ..engine.fold import core, fold
from ..errors import PackError
from .schema import Rule, load_pack


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    """One example that did not behave as its rule says."""

    rule_id: str
    kind: str  # "remove" (was not removed) or "keep" (was removed)
    text: str


def rule_matches(compiled: CompiledRules, rule: Rule, line: str) -> bool:
    """Does ``rule`` (one of ``compiled``'s) fire on ``line`` standing alone (scope ignored)?"""
    index = compiled.rules.index(rule)
    text = line.strip()
    folded = fold(text)
    budget = Budget(1.0)
    if rule.unit == "span":
        return any(i == index for i, _, _ in compiled.spans(text, lambda: folded, budget))
    if len(text) > compiled.line_max:
        return False
    return index in compiled.line_rules(text, folded, core(folded), budget)


def example_failures(rules: Sequence[Rule]) -> list[ExampleFailure]:
    """Every example of ``rules`` that its rule gets wrong."""
    compiled = CompiledRules(rules)
    failures = []
    for rule in rules:
        failures += [ExampleFailure(rule.id, "remove", t) for t in rule.examples_remove
                     if not rule_matches(compiled, rule, t)]
        failures += [ExampleFailure(rule.id, "keep", t) for t in rule.examples_keep
                     if rule_matches(compiled, rule, t)]
    return failures


def check_rules(paths: Iterable[str], *, out: TextIO) -> int:
    """Validate pack files and run their examples; print a report; return an exit code."""
    status = 0
    for path in paths:
        try:
            pack = load_pack(path)
        except PackError as exc:
            print(f"FAIL {exc}", file=out)
            status = max(status, 2)
            continue
        failures = example_failures(pack.rules)
        missing = [r.id for r in pack.rules if not r.examples_remove]
        for f in failures:
            verb = "was not removed" if f.kind == "remove" else "was removed"
            print(f"FAIL {path}: rule {f.rule_id}: example {f.text!r} {verb}", file=out)
        for rid in missing:
            print(f"WARN {path}: rule {rid}: no examples.remove", file=out)
        n_examples = sum(len(r.examples_remove) + len(r.examples_keep) for r in pack.rules)
        print(f"{'FAIL' if failures else 'ok  '} {path}: {len(pack.rules)} rules, "
              f"{n_examples} examples, {len(failures)} failing", file=out)
        if failures:
            status = max(status, 1)
    return status

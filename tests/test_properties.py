"""Issue 5 (hardening): invariants, property-tested over generated documents.

Documents are body paragraphs (zh/en prose built from word lists, no boilerplate words)
mixed with junk lines: the built-in packs' own ``examples.remove`` once the packs exist,
a small inline list with an inline pack before that.

1. output is made only of source text (its non-space characters are a subsequence of the
   source's);
2. ``replay(source, removals) == text`` and every removal's text is ``source[start:end]``;
3. idempotence: ``scrub(scrub(x).text).text == scrub(x).text`` (``title=False``: the title
   leaves the text on the first run);
4. body paragraphs without junk are never removed;
5. identical output across runs and across processes with different ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from benchmarks import hardening_matrix
from scrubber import Config, Scrubber, replay
from scrubber.rules.check import rule_matches

ROOT = Path(__file__).resolve().parent.parent

MATRIX = hardening_matrix
PACKS = MATRIX.available_packs()

INLINE_JUNK = [
    "Share this article", "分享到微信", "Back to top", "返回頂部", "Advertisement", "广告",
    "Print", "Next Article", "點擊關閉提示",
]
INLINE_PACK = """
[[rule]]
id = "PROP-001"
category = "share"
match = "contains"
phrases = ["share this", "分享到"]
max_chars = 60
[[rule]]
id = "PROP-002"
category = "control"
match = "exact"
phrases = ["back to top", "返回顶部", "print", "next article", "点击关闭提示"]
max_chars = 40
[[rule]]
id = "PROP-003"
category = "ad"
match = "exact"
phrases = ["advertisement", "广告"]
max_chars = 40
"""


def _setup() -> tuple[Config, list[str]]:
    if PACKS:
        compiled = Scrubber(Config(packs=PACKS)).rules
        rules = compiled.rules
        # cut_rest markers (comment-section headers) remove everything after them by design,
        # body included: they are exercised by their own tests, not mixed into generated bodies.
        cuts = [r for r in rules if r.action == "cut_rest"]
        junk = sorted({t for r in rules if r.unit == "line" for t in r.examples_remove if "\n" not in t
                       and not any(rule_matches(compiled, c, t) for c in cuts)})
        if junk:
            return Config(packs=PACKS), junk
    path = Path(tempfile.mkdtemp()) / "prop.toml"
    path.write_text(INLINE_PACK, encoding="utf-8")
    return Config(packs=PACKS, extra_packs=(str(path),)), INLINE_JUNK


CFG, JUNK = _setup()
S = Scrubber(CFG)
S_NOTITLE = Scrubber(CFG.replace(title=False))
_NO_CONTEXT = Scrubber(CFG.replace(context=False))

PROSE_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    zh = draw(st.booleans())
    seed = draw(st.integers(0, 2**32 - 1))
    return MATRIX.prose(random.Random(seed), zh=zh, sentences=draw(st.integers(2, 5)))


def _distinct(paras: list[str]) -> bool:
    """No paragraph repeats, starts or ends another (the dedup pass rightly removes those)."""
    norm = [" ".join(p.casefold().split()) for p in paras]
    return all(
        a != b and not a.startswith(b) and not a.endswith(b) for i, a in enumerate(norm) for b in norm[:i]
    ) and all(not b.startswith(a) and not b.endswith(a) for i, a in enumerate(norm) for b in norm[:i])


@st.composite
def documents(draw: st.DrawFn, max_junk: int = 30) -> tuple[str, list[str]]:
    """(document, its body paragraphs)."""
    paras = draw(st.lists(paragraphs(), min_size=1, max_size=6))
    assume(_distinct(paras))
    junk = draw(st.lists(st.sampled_from(JUNK), max_size=max_junk))
    # interleave: junk lines land before, between and after the paragraphs
    slots = [[] for _ in range(len(paras) + 1)]
    for line in junk:
        slots[draw(st.integers(0, len(paras)))].append(line)
    seps = st.sampled_from(["\n", "\n\n", "\r\n", "\n \n", "\n\u3000\n"])
    out: list[str] = []
    for i, para in enumerate(paras):
        out.extend(slots[i])
        out.append(para)
    out.extend(slots[-1])
    text = ""
    for piece in out:
        text += piece + draw(seps)
    return text, paras


hostile_text = st.text(
    # lone surrogates are left to tests/test_hardening.py (one known failure, not 150)
    st.characters(exclude_categories=("Cs",)) | st.sampled_from(
        ["\n", "\r", "\u2028", "\x85", "\ufeff", "\u200b", "\u3000", " ", "，", "。", ",", "."]
    ),
    max_size=300,
)


def _subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def _nonspace(text: str) -> str:
    return "".join(text.split())


def _check(result, source: str) -> None:
    assert result.source == source
    # (2) replay and offsets
    assert replay(result.source, result.removals) == result.text
    for r in result.removals:
        assert source[r.start : r.end] == r.text
        assert r.replacement in ("", " ")
        if r.replacement:
            assert not r.text.strip()  # only whitespace is ever replaced
    # (1) nothing invented
    assert _subsequence(_nonspace(result.text), _nonspace(source))
    if result.title is not None:
        assert result.title in source


@PROSE_SETTINGS
@given(documents())
def test_output_is_source_text_and_replays(doc: tuple[str, list[str]]) -> None:
    text, _ = doc
    _check(S.scrub(text), text)


@settings(max_examples=150, deadline=None)
@given(hostile_text)
def test_any_text_replays_and_invents_nothing(text: str) -> None:
    _check(S.scrub(text), text)


@PROSE_SETTINGS
@given(documents())
def test_idempotent(doc: tuple[str, list[str]]) -> None:
    once = S_NOTITLE.scrub(doc[0])
    assert S_NOTITLE.scrub(once.text).text == once.text, once.explain()


BROKEN_EN = ("The committee met on Tuesday to discuss the budget and after a long debate about it,",
             "it decided to postpone the vote until the next session of parliament.")
BROKEN_ZH = ("这是一段很长的正文段落，讲述了一个完整的故事，",
             "而且这个故事还有很多细节值得一读，也交代了背景。")


@pytest.mark.parametrize(
    "text",
    [
        # junk between the two halves of a broken paragraph: the first run removes the junk
        # but does not re-join (repair only looks at source-adjacent blocks); the second does
        f"{BROKEN_EN[0]}\nShare this\n{BROKEN_EN[1]}",
        f"{BROKEN_ZH[0]}\n\nAdvertisement\n\n{BROKEN_ZH[1]}",
        # a break the text front end does not split on but the layout step does
        f"{BROKEN_ZH[0]}\u2028{BROKEN_ZH[1]}",
        f"{BROKEN_EN[0]}\x85{BROKEN_EN[1]}",
        f"Share this\u2028{BROKEN_EN[1]}",
    ],
    ids=["junk-between-halves-en", "junk-between-halves-zh", "u2028-zh", "x85-en", "u2028-junk"],
)
def test_idempotent_examples(text: str) -> None:
    once = S_NOTITLE.scrub(text)
    assert S_NOTITLE.scrub(once.text).text == once.text, once.explain()


@settings(max_examples=150, deadline=None)
@given(hostile_text)
def test_idempotent_on_any_text(text: str) -> None:
    once = S_NOTITLE.scrub(text)
    assert S_NOTITLE.scrub(once.text).text == once.text, once.explain()


@PROSE_SETTINGS
@given(documents(max_junk=7))
def test_body_paragraphs_are_never_removed(doc: tuple[str, list[str]]) -> None:
    # At most 7 junk lines: the context pass (full-page scrapes, >= 8 noise lines) keeps
    # only the largest body cluster by design, which may drop a small separate one.
    text, paras = doc
    result = S.scrub(text)
    for para in paras:
        assert para in result.text, result.explain()


@PROSE_SETTINGS
@given(documents())
def test_body_paragraphs_survive_any_amount_of_junk_without_context(doc: tuple[str, list[str]]) -> None:
    text, paras = doc
    result = _NO_CONTEXT.scrub(text)
    for para in paras:
        assert para in result.text, result.explain()


@PROSE_SETTINGS
@given(st.lists(st.sampled_from(JUNK), min_size=3, max_size=40))
def test_all_junk_documents_are_guarded_or_fully_removed(lines: list[str]) -> None:
    text = "\n".join(lines)
    result = S.scrub(text)
    if "over_removal_guard" in result.flags:
        assert result.removals == () and result.text == replay(text, ())
    else:
        gone = sum(len(r.text.strip()) for r in result.removals if r.category not in ("repair", "title"))
        assert gone <= CFG.max_removed_share * sum(len(line.strip()) for line in lines) + len(lines)


# --------------------------------------------------------------------------- determinism

_DETERMINISM = """
import hashlib, json, random, sys
sys.path.insert(0, sys.argv[1])
import hardening_matrix as m
from scrubber import Config, Scrubber
packs, extra, junk = json.loads(sys.argv[2])
s = Scrubber(Config(packs=tuple(packs), extra_packs=tuple(extra)))
rng = random.Random(42)
h = hashlib.sha256()
for _ in range(60):
    lines = [m.prose(rng, rng.random() < 0.5) for _ in range(rng.randint(1, 4))]
    lines += [rng.choice(junk) for _ in range(rng.randint(0, 12))]
    lines += lines[: rng.randint(0, 2)]
    rng.shuffle(lines)
    r = s.scrub("\\n".join(lines))
    h.update(json.dumps([r.to_dict(), r.title], sort_keys=True, ensure_ascii=True).encode())
print(h.hexdigest())
"""


def _digest(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    args = json.dumps([list(CFG.packs), list(CFG.extra_packs), JUNK])
    proc = subprocess.run(
        [sys.executable, "-c", _DETERMINISM, str(ROOT / "benchmarks"), args],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


def test_same_output_across_hash_seeds() -> None:
    digests = {_digest(seed) for seed in ("0", "1", "4242")}
    assert len(digests) == 1


def test_same_output_across_runs_and_instances() -> None:
    rng = random.Random(9)
    docs = []
    for _ in range(20):
        lines = [MATRIX.prose(rng, rng.random() < 0.5) for _ in range(3)]
        docs.append("\n".join(lines + rng.sample(JUNK, min(5, len(JUNK)))))
    first = [S.scrub(d) for d in docs]
    again = [Scrubber(CFG).scrub(d) for d in docs]
    assert first == again == [S.scrub(d) for d in docs]
    assert hashlib.sha256(repr(first).encode("utf-8", "surrogatepass")).hexdigest()

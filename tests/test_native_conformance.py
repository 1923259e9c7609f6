"""The native core (``scrubber.engine._native``) and the pure-Python path give identical results.

``Scrubber(_pure=True)`` runs everything in Python (numpy DocScan, Python stage one, the
pure-Python phrase matcher); ``FALLBACK`` is what an install without a C compiler runs (the
same with the Rust phrase matcher); ``Scrubber()`` runs the native core when it is built. CI sets ``SCRUBBER_REQUIRE_NATIVE=1``, so there a missing build fails here
instead of silently testing the fallback against itself.
"""

from __future__ import annotations

import json
import os
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrubber import Config, Scrubber
from scrubber.document import Block, PyBlock
from scrubber.engine.docscan import DocScan
from scrubber.engine.fold import core
from scrubber.engine.prefilter import DIGIT, SPACE
from scrubber.fronts.text import split_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FAST = Scrubber()
PURE = Scrubber(_pure=True)


#: What an install without a C compiler runs: the Rust phrase matcher, the Python stages.
FALLBACK = Scrubber(_native=False)
NATIVE = FAST.native

if os.environ.get("SCRUBBER_REQUIRE_NATIVE") == "1":
    assert NATIVE, "SCRUBBER_REQUIRE_NATIVE=1 but scrubber.engine._native is not built"
pytestmark = pytest.mark.skipif(not NATIVE, reason="native core not built: nothing to compare")

_RULES = FAST.rules.rules
#: Lines the rules are about: every example (remove and keep) of every built-in rule.
EXAMPLES = sorted({t for r in _RULES for t in (*r.examples_remove, *r.examples_keep)})
_SEED = (FIXTURES / "golden" / "seed_zh_hant" / "input.txt").read_text(encoding="utf-8")
PROSE = [line for line in _SEED.splitlines() if len(line) > 40]
#: Characters that exercise the tables' edges: above charset.DOMAIN (CJK Ext. B, the core's
#: Python fallback), full-width and traditional forms (folding), marks, odd blanks.
ODD = ["𠀀", "𪚥", "Ｈｏｍｅ", "首頁", "e\u0301", "\u3000", "\u00a0", "\u200b", "©", "»", "…", "|", "1/3"]


def _document(rng: random.Random, lines: int) -> str:
    out = []
    for _ in range(lines):
        kind = rng.random()
        if kind < 0.55:
            line = rng.choice(EXAMPLES)
        elif kind < 0.75:
            line = rng.choice(PROSE)
        elif kind < 0.9:
            line = rng.choice(EXAMPLES) + rng.choice(ODD)
        else:
            line = rng.choice(ODD) + " " + rng.choice(EXAMPLES)[:30]
        out.append(line)
        if rng.random() < 0.3:
            out.append("")
    return rng.choice(["\n", "\r\n", "\n"]).join(out)


def _same(text: str, config: Config | None = None) -> None:
    if config is None:
        fast, pure, fallback = FAST, PURE, FALLBACK
    else:
        fast, pure = Scrubber(config), Scrubber(config, _pure=True)
        fallback = Scrubber(config, _native=False)
    expected = pure.scrub(text).to_dict()
    assert fast.scrub(text).to_dict() == expected
    assert fallback.scrub(text).to_dict() == expected


def _same_stage_one(text: str, scrubber: Scrubber = FAST) -> tuple[dict, list]:
    """Assert the native matcher's stage one (hits, regex rules to search) equals the Python
    path's (``match_lines(stage_one=True)``) on every line of ``text``; the native results by
    block index, and ``(block, hits, todo)`` per block."""
    rules = scrubber.rules
    doc = split_text(text)
    scan = DocScan(text, doc.blocks, rules.scan_tables, scrubber.config)
    native = {i: rest for i, *rest in rules.line_matcher.match(
        scan.folded, scan.starts, scan.ends, scan.bits, [b.index for b in doc.blocks])}
    lines = [(scan.folded[b.start : b.end], core(scan.folded[b.start : b.end]), scan.blocked[b.index])
             for b in doc.blocks]
    rows = []
    for block, (hits, todo) in zip(doc.blocks, rules.match_lines(lines, None, stage_one=True), strict=True):
        expected = [hits, todo, lines[block.index][0]] if hits or todo else None
        assert native.get(block.index) == expected, block.text
        rows.append((block, hits, todo))
    return native, rows


def test_every_rule_example_alone_and_in_a_page() -> None:
    for text in EXAMPLES:
        _same(text)
    _same("\n\n".join([*PROSE[:3], *EXAMPLES, *PROSE[3:]]))


def test_seed_and_html_fixtures() -> None:
    _same(_SEED)
    for page in sorted((FIXTURES / "html").glob("*.html")):
        data = page.read_bytes()
        expected = PURE.scrub_html(data).to_dict()
        assert FAST.scrub_html(data).to_dict() == expected
        assert FALLBACK.scrub_html(data).to_dict() == expected


@pytest.mark.parametrize("seed", range(40))
def test_generated_documents(seed: int) -> None:
    _same(_document(random.Random(seed), 60))


def test_documents_with_user_rules_and_other_settings() -> None:
    rng = random.Random(7)
    for config in (Config(packs=("en",)), Config(packs=("zh", "common")), Config(ignore=("navigation",)),
                   Config(body_min_cjk=5, body_min_words=3)):
        for _ in range(5):
            _same(_document(rng, 40), config)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(EXAMPLES), st.sampled_from(ODD), st.text(max_size=40)), max_size=12))
def test_arbitrary_lines(parts: list[str]) -> None:
    _same("\n".join(parts))


def test_stage_one_line_by_line() -> None:
    """The native matcher's stage one (hits, regex rules to search) equals the Python
    path's (``match_lines(stage_one=True)``) on every line."""
    text = _document(random.Random(99), 400) + "\n" + "\n".join(EXAMPLES)
    _, rows = _same_stage_one(text)
    checked = sum(bool(hits or todo) for _, hits, todo in rows)
    assert checked > 100  # the corpus does reach the rules


def test_stage_one_required_characters() -> None:
    """The required-character gate (``CompiledRules.chars``: punctuation, or any ``\\d``)
    admits the same lines in both paths: digits of other scripts, characters above the
    tables, the characters at either end, lines without them. A line it turns away gives
    the same hits as the search would have (it cannot match)."""
    rules = FAST.rules
    digit_rules = [i for i, chars in rules.chars.items() if DIGIT in chars]
    punct_rules = [i for i, chars in rules.chars.items() if DIGIT not in chars]
    assert digit_rules and punct_rules
    lines = ["Published March 5, 2024", "Published March ٥, ٢٠٢٤", "Published March five",
             "Photo: Reuters", "Photo Reuters", "photo / getty images", "(photo: ap)", "photos of the day",
             "Updated 𝟓 minutes ago", "Updated five minutes ago 𠀀", "𠀀 12 comments", "12 comments",
             "Related: more stories", "related more stories", "首页 > 新闻 > 正文", "首页 新闻 正文",
             "阅读 1.2万", "阅读 一万", ":", "5", "|"]
    text = "\n".join(lines)
    native, rows = _same_stage_one(text)
    searched = {r for _, _, todo in rows for r in todo}
    # The gate is reached both ways: rules of both kinds searched on some lines.
    assert searched & set(digit_rules) and searched & set(punct_rules)
    # And it turns lines away: "Published March five" is not searched by the date rules.
    five = next(b.index for b, _, _ in rows if b.text == "Published March five")
    assert not set(native.get(five, [[], []])[1]) & set(digit_rules)
    _same(text)


def test_stage_one_required_whitespace() -> None:
    """The ``SPACE`` gate (a rule that needs a ``\\s``) admits the same lines in both paths:
    ASCII, ideographic and no-break spaces, a line with a character above the tables (the
    regex decides there), lines without any; and it turns a line without whitespace away."""
    rules = FAST.rules
    space_rules = {i for i, chars in rules.chars.items() if SPACE in chars}
    assert space_rules
    lines = ["首页 新闻 体育 娱乐 财经 科技", "首页新闻体育娱乐财经科技", "首页\u3000新闻\u3000体育\u3000娱乐\u3000财经",
             "首页\xa0新闻\xa0体育\xa0娱乐\xa0财经", "𠀀 首页 新闻 体育 娱乐", "𠀀首页新闻体育娱乐",
             "more stories", "morestories", "分享到 | 微信 | 微博", "分享到|微信|微博", "\t", " "]
    text = "\n".join(lines)
    native, rows = _same_stage_one(text)
    searched = {r for _, _, todo in rows for r in todo}
    assert searched & space_rules
    for line in ("首页新闻体育娱乐财经科技", "𠀀首页新闻体育娱乐"):
        index = next(b.index for b, _, _ in rows if b.text == line)
        assert not set(native.get(index, [[], []])[1]) & {i for i in space_rules if rules.chars[i] == (SPACE,)}
    _same(text)


def test_cores_with_double_spaces_in_every_string_width() -> None:
    """``core`` collapses a double space; the native core finds it by its own loop per
    character width: exact phrases with their space doubled, in documents of Latin-1, UCS-2
    and UCS-4 text (the width a whole document's: forced by an edge character ``core``
    strips), match in both paths."""
    rules = FAST.rules
    phrases = [p for p in rules.exact if p.count(" ") == 1 and "  " not in p]
    latin = [p.replace(" ", "  ") for p in phrases if max(map(ord, p)) < 256][:20]
    wide = [p.replace(" ", "  ") for p in phrases if max(map(ord, p)) >= 256][:20]
    assert latin and wide
    for lines in (latin, [*latin, *wide, *(f"【{p}】" for p in latin)],
                  [*latin, *wide, *(f"🙂 {p}" for p in latin), *(f"{p} 🙂" for p in wide)]):
        _, rows = _same_stage_one("\n".join(lines))
        hit = sum(bool(hits) for _, hits, _ in rows)
        assert hit >= len(lines) // 2  # the doubled phrases are found (as their single-space form)


def test_every_native_module_is_built() -> None:
    """The core is seven modules; each piece falls back alone, so each must be there."""
    from scrubber.document import Block
    from scrubber.engine import _automaton, _block, _dedup, _lines, _native, _passes, _scan

    assert Block is _block.Block  # (the Document's blocks are the native ones)
    assert {"scan", "Scanner"} <= set(dir(_scan))
    assert {"LineMatcher", "builtin_search"} <= set(dir(_native))
    assert {"_automaton", "_state_records"} <= set(dir(_automaton))
    assert {"split_lines", "layout", "cut", "removed_lines", "removal_rows"} <= set(dir(_lines))
    assert {"context_kinds", "body_clusters", "mark_context", "repair_pairs"} <= set(dir(_passes))
    assert {"candidates", "norms", "repeats"} <= set(dir(_dedup))


def test_native_flag() -> None:
    assert FAST.native and not PURE.native and not FALLBACK.native
    assert FALLBACK.rules.repeats is PURE.rules.repeats is not FAST.rules.repeats
    assert FAST.rules.scan_tables.native is not None and PURE.rules.scan_tables.native is None


def test_split_builtin_searches_agree_with_the_whole_pattern() -> None:
    """A built-in line pattern whose top-level branches mix ``^``-anchored and unanchored
    ones is searched as two patterns (``_native.builtin_search``): a line matches one of
    them exactly when it matches the whole -- on every rule example, the seed's prose, and
    lines cut and joined from them at random."""
    import regex
    from scrubber.engine._native import builtin_search

    from scrubber.engine.fold import fold
    from scrubber.engine.pattern import LazyPattern

    rng = random.Random(11)
    pieces = [*EXAMPLES, *PROSE, *ODD]
    lines = [*pieces, *(fold(p) for p in pieces)]
    for _ in range(3000):
        a, b = rng.choice(pieces), rng.choice(pieces)
        glue = rng.choice(["", " ", " | ", "/", " (photo: x)"])
        lines.append(a[rng.randrange(len(a) + 1):] + glue + b[: rng.randrange(len(b) + 1)])
    split = 0
    for rule in _RULES:
        if not rule.pattern or rule.unit != "line":
            continue
        search = builtin_search(LazyPattern(rule.pattern))
        if type(search) is not tuple:
            continue
        split += 1
        whole = regex.compile(rule.pattern)
        for line in [*rule.examples_remove, *rule.examples_keep, *lines]:
            assert (whole.search(line) is not None) == any(part(line) is not None for part in search), (rule.id, line)
    assert split >= 5  # (EN-CRD-005, ZH-DAT-002 and others: the split is in use)


def test_scan_matches_numpy_docscan() -> None:
    text = _document(random.Random(5), 300)
    doc = split_text(text)
    fast = DocScan(text, doc.blocks, FAST.rules.scan_tables, FAST.config)
    pure = DocScan(text, doc.blocks, PURE.rules.scan_tables, PURE.config)
    assert FAST.rules.scan_tables.native is not None and PURE.rules.scan_tables.native is None
    assert (fast.folded, fast.blocked, fast.span_bits, fast.prose) == (
        pure.folded, pure.blocked, pure.span_bits, pure.prose)


@pytest.mark.parametrize("text", [
    "plain ascii line\nand another",                 # ASCII folds to ASCII
    "Café µ-law\nnaïve ÉCOLE",                       # Latin-1, widened by µ -> U+03BC
    "Ｈｏｍｅ ＞ Ｎｅｗｓ\nＡＢＣ",                   # UCS-2 only by full-width forms: folds to ASCII
    "Ｈｏｍｅ ＞ 首頁\n新聞",                         # UCS-2 that stays UCS-2
    "𝐁𝐨𝐥𝐝 𝐭𝐞𝐱𝐭\nmore",                               # UCS-4 only by maths letters: folds to ASCII
    "𝐁𝐨𝐥𝐝 ｔｅｘｔ 中文",                              # UCS-4 to UCS-2
    "𠀀 astral stays\n𪚥",                             # UCS-4 that stays UCS-4
    "ÀÉÎ\nÿ",                                        # Latin-1 that stays Latin-1 (casefold)
    "",
])
def test_scan_folds_into_every_str_class(text: str) -> None:
    """The native scan writes the folded text in one pass on the bet that it keeps the
    source's str class; texts whose folding narrows or widens the class give the numpy
    scan's folded text too, a canonical str (equal to the same text made by Python)."""
    doc = split_text(text)
    fast = DocScan(text, doc.blocks, FAST.rules.scan_tables, FAST.config)
    pure = DocScan(text, doc.blocks, PURE.rules.scan_tables, PURE.config)
    assert fast.folded == pure.folded
    assert fast.folded == "".join(list(pure.folded))  # (equality across str classes needs canonical ones)
    assert (fast.blocked, fast.span_bits, fast.prose) == (pure.blocked, pure.span_bits, pure.prose)


def test_user_pack_with_astral_and_overlapping_phrases(tmp_path) -> None:
    """Phrases beyond the automaton's root table (U+E0041), above the character tables
    (U+20000), overlapping each other (he / she / hers), prefix and regex rules: both paths
    agree on lines that hit them at the start, inside and at the edges."""
    rules = [
        ("exact", ["\U000e0041 tag line"]), ("contains", ["he", "she", "hers", "𠀀𠀁"]),
        ("prefix", ["she sells", "ˢhe"]), ("contains", ["x🙂🙃y"]), ("exact", ["𪚥 only"]),
    ]
    out = ['[pack]\nname = "odd"\n']
    for k, (match, phrases) in enumerate(rules):
        quoted = ", ".join(json.dumps(p, ensure_ascii=False) for p in phrases)
        out.append(f'[[rule]]\nid = "ODD-{k:03d}"\ncategory = "odd"\nmatch = "{match}"\n'
                   f'phrases = [{quoted}]\nmax_chars = 80\nexamples.remove = [{json.dumps(phrases[0], ensure_ascii=False)}]\n')
    out.append('[[rule]]\nid = "ODD-100"\ncategory = "odd"\nmatch = "regex"\n'
               'pattern = \'^\\W*hers?\\W*$\'\nmax_chars = 40\nexamples.remove = ["hers"]\n')
    pack = tmp_path / "odd.toml"
    pack.write_text("\n".join(out), encoding="utf-8")
    config = Config(extra_packs=(str(pack),))
    lines = ["\U000e0041 tag line", "ushers and shepherds", "She sells sea shells, he said.", "— hers —",
             "𠀀𠀁 and more", "wax🙂🙃yes", "𪚥 only", "ˢhe", *PROSE[:2], "his"]
    rng = random.Random(3)
    for _ in range(5):
        rng.shuffle(lines)
        _same("\n".join(lines), config)
    fast = Scrubber(config)
    assert {"ODD-001", "ODD-003"} <= {r.rule_id for r in fast.scrub("\n".join(lines)).removals}


def test_user_span_rules_beside_the_built_in_ones(tmp_path) -> None:
    """User span rules (run under the budget; anchored by their phrases), one with a max_chars, and the built-in ones
    in one document: the native span loop (``_passes.span_matches``) finds the spans the
    Python loop finds, whole-block matches included, in both paths' order."""
    pack = tmp_path / "spans.toml"
    pack.write_text(
        '[pack]\nname = "spans"\n'
        '[[rule]]\nid = "SP-1"\ncategory = "promo"\nunit = "span"\nmatch = "regex"\n'
        'phrases = ["(ad)", "【广告】"]\npattern = \'\\(ad\\)|【广告】\'\nexamples.remove = ["(ad)"]\n'
        '[[rule]]\nid = "SP-2"\ncategory = "symbol"\nunit = "span"\nmatch = "regex"\n'
        'phrases = ["~~"]\npattern = \'~{2,}\'\nmax_chars = 30\nexamples.remove = ["~~~"]\n', encoding="utf-8")
    config = Config(extra_packs=(str(pack),))
    assert Scrubber(config).rules.span_table is not None  # (anchors for every span rule: the native loop)
    lines = ["Buy now (ad) and save.", "(ad)", "【广告】这是一段正文，很长很长。", "~~ short ~~",
             "~~ a line far longer than thirty characters ~~", "Is it over? (ad)", "真的嗎。?這是文章",
             "Main Page [edit]", *PROSE[:3]]
    rng = random.Random(5)
    for _ in range(6):
        rng.shuffle(lines)
        _same("\n".join(lines), config)
    ids = {r.rule_id for r in Scrubber(config).scrub("\n".join(lines)).removals}
    assert {"SP-1", "SP-2"} <= ids


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("aB Zé\t\n\u3000\u00a0\u2028\x1c\u200bßﬁİΣς中文𠀀𪚥🙂")),
                        max_size=30), max_size=8))
def test_dedup_keys(texts: list[str]) -> None:
    """The native dedup keys equal the Python ones, multi-character casefolds (ß, ﬁ, İ) and
    characters above the table (the Python fallback) included."""
    from scrubber.engine._dedup import norms as native_norms

    from scrubber.engine.passes.dedup import casefold_table, norms

    expected = [" ".join(t.casefold().split()) for t in texts]
    assert native_norms(texts, casefold_table()) == norms(texts) == expected


def test_threads_share_one_native_matcher(tmp_path) -> None:
    """One Scrubber (one native matcher) across threads, with a user regex rule whose search
    goes back into Python (the budget): every thread gets the serial results."""
    pack = tmp_path / "user.toml"
    pack.write_text('[pack]\nname = "user"\n[[rule]]\nid = "USR-001"\ncategory = "promo"\n'
                    'match = "regex"\npattern = \'^(?:promo|广告)\\b.{0,30}$\'\nmax_chars = 40\n'
                    'examples.remove = ["promo code today"]\n', encoding="utf-8")
    scrubber = Scrubber(Config(extra_packs=(str(pack),)))
    docs = [_document(random.Random(100 + k), 80) + "\npromo code today\n广告 位招租" for k in range(24)]
    expected = [scrubber.scrub(d).to_dict() for d in docs]
    assert any(r["rule_id"] == "USR-001" for e in expected for r in e["removals"])
    with ThreadPoolExecutor(4) as pool:
        assert [r.to_dict() for r in pool.map(scrubber.scrub, docs * 2)] == expected * 2


def test_the_matchers_scratch_is_reused_and_its_line_ids_run_out_safely() -> None:
    """Calls reuse the matcher's scratch (its stamps are not zeroed per call: line ids go on
    rising); results are those of a fresh matcher, also across the point where the ids run
    out and the stamps are zeroed."""
    docs = [_document(random.Random(300 + k), 60) for k in range(6)]
    expected = [Scrubber(Config(line_cache=0)).scrub(d).to_dict() for d in docs]
    scrubber = Scrubber(Config(line_cache=0))
    assert [scrubber.scrub(d).to_dict() for d in docs] == expected
    spare = scrubber.rules.line_matcher.spare
    assert len(spare) == 1 and spare[0].last > 100  # (one scratch, its ids gone on across calls)
    for d, e in zip(docs, expected, strict=True):
        spare[0].last = 0x7FFFFFF0 - 5  # (the next call's lines would run past the last id)
        assert scrubber.scrub(d).to_dict() == e
        assert spare[0].last < 1000


_SPLIT_ALPHABET = [*"a中 \t\n\r\u3000\u200b\ufeff\x1c\x85\u2028\u2029\xa0\u3001\u2000\u200c\u180e", "\r\n", "😀"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SPLIT_ALPHABET), max_size=30))
def test_split_lines(parts: list[str]) -> None:
    """The native cut into lines gives the Python loop's blocks: line breaks (``\\n``,
    ``\\r\\n``, lone ``\\r``), blank lines, paragraphs, and the characters stripped."""
    text = "".join(parts)
    native = split_text(text, native=True)
    assert native.blocks == split_text(text, native=False).blocks
    starts, ends = native.bounds  # the offsets the scan reads, made with the blocks
    assert starts.tolist() == [b.start for b in native.blocks] and ends.tolist() == [b.end for b in native.blocks]


def test_split_lines_strips_exactly_blank() -> None:
    """Every code point between two letters: the native strip set is ``fronts.text.BLANK``."""
    from scrubber.fronts.text import BLANK

    for cp in [*range(0x3100), 0x180E, 0x200B, 0x2060, 0xFEFF, 0xFFFE, 0x1D173, 0xE0020]:
        ch = chr(cp)
        for text in (f"a{ch}a", f"{ch}a{ch}", f"{ch}"):
            native = split_text(text, native=True).blocks
            assert native == split_text(text, native=False).blocks, hex(cp)
        if ch not in "\n\r":
            assert (not split_text(ch, native=True).blocks) == (ch in BLANK), hex(cp)


_REPEAT_WORDS = ["Alpha", "beta", "ΣΑΣ", "straße", "STRASSE", "中文", "𠀀", "ﬁ", "İ", " ", "\t", "\u3000", "x",
                 "\x1c", "\u2028", "\x85", "\xa0"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_REPEAT_WORDS), max_size=14).map("".join), min_size=1, max_size=5),
       st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(0, 40)), max_size=25),
       st.sampled_from([0, 1, 5, 12, 40]))
def test_repeats(base: list[str], picks: list[tuple[int, int, int]], contained_min: int) -> None:
    """The native dedup verdicts equal the Python ones: exact repeats (after casefold and
    blank collapsing, multi-character casefolds and characters above the table included)
    and the earlier copy each repeats, prefixes and suffixes of earlier, longer texts, and
    the ``contained_min`` bound."""
    from scrubber.engine.passes.dedup import repeats

    texts = []
    for which, how, cut in picks:
        text = base[which % len(base)]
        text = (text, text[cut:], text[:cut], text.upper())[how]
        texts.append(text)
    fast_firsts, py_firsts = [-1] * len(texts), [-1] * len(texts)
    expected = repeats(texts, contained_min, py_firsts)
    assert FAST.rules.repeats(texts, contained_min, firsts=fast_firsts) == expected
    assert fast_firsts == py_firsts  # (each repeat's earlier copy: the first kept text of its key)
    assert FAST.rules.repeats is not repeats and PURE.rules.repeats is repeats
    # The same texts as blocks of one source (their characters read from it, not cut):
    # the lines split_text keeps whole, alone and mixed with str and with blocks made with
    # their text.
    doc = split_text("\n".join(texts), native=True)
    blocks = doc.blocks
    lines = [b.text for b in split_text("\n".join(texts), native=True).blocks]
    firsts = [-1] * len(lines)
    expected = repeats(lines, contained_min, firsts)
    made = [Block(i, text, 0, len(text), 0, len(text), 0) for i, text in enumerate(lines)]
    for items in (blocks, [b if i % 2 else lines[i] for i, b in enumerate(blocks)], made):
        fast_firsts = [-1] * len(lines)
        assert FAST.rules.repeats(items, contained_min, firsts=fast_firsts) == expected
        assert fast_firsts == firsts
    assert [b.text for b in blocks] == lines


_WEAK_ALPHABET = [*"-*•·▪●|.)、!?。！？…\"'”’」』)）19٣ a中\t\u3000\x1c\u00a0x", "𠀀", "\u2028", "\n",
                  "12", "123", "1234", "٣٣", "\n1", "\n12.", "\n3)", "\n4、", "\n- ", "\n• x"]


#: The edges of each test: digit runs of 1-4, blanks after the number's end, closers.
_WEAK_EDGES = ["1234. x", "123. x", "12345) y", "1.", "1. ", "1.  x", "1.x", "١٢) x", "- x", "-x", "•\tx",
               "a.”", "a”", "。」", "?)", "a?))", "x.\u3000", "|", "| a"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WEAK_ALPHABET), max_size=40))
def test_weak_lines(parts: list[str]) -> None:
    """The native weak test of every block (``context_kinds`` of kept, non-body blocks)
    equals ``context.weak`` (and the one regex it stands for): item marks, numbers ending in
    . ) 、 and their blanks, sentence ends and closers, digits of other scripts, characters
    above the tables."""
    from scrubber.engine._passes import context_kinds

    from scrubber.engine.passes.context import _WEAK, NOISE, WEAK, weak, weak_table

    doc = split_text("\n".join([*_WEAK_EDGES, "".join(parts)]))
    expected = [weak(b.text) for b in doc.blocks]
    assert expected == [_WEAK.search(b.text) is not None for b in doc.blocks]
    n = len(doc.blocks)
    kinds = context_kinds(doc.source, doc.blocks, [None] * n, [False] * n, weak_table())
    assert kinds == bytes([WEAK if w else NOISE for w in expected])
    empty = [Block(0, "", 0, 0, 0, 0, 0)]  # hand-built documents may hold one
    assert context_kinds(doc.source, empty, [None], [False], weak_table()) == bytes([NOISE])
    assert not weak("")


_DATA_ALPHABET = [*"aZé中 :：/1٣x.-+($€%),\t", "ab", "价格", "     ", " 12 ", "5040", "-5.44%"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_DATA_ALPHABET), max_size=40))
def test_data_lines(parts: list[str]) -> None:
    """The native data-line test (``context_kinds``' DATA) equals ``context.data_row`` and
    ``classify`` (a data line with no data line beside it is noise), and ``data_row`` the
    regexes it stands for: a label of letters and spaces up to 12 characters, a colon of
    either width not opening ``//``, a digit of any script within 61 characters; or three
    words that are numbers (signs, currencies, separators, a closing ``%`` or ``)``)."""
    from types import SimpleNamespace

    import regex
    from scrubber.engine._passes import context_kinds

    from scrubber.engine.passes.context import DATA, NOISE, WEAK, classify, data_row, weak, weak_table

    edges = ["a" * 12 + ":1", "b:2", "a" * 13 + ":1", "-a:1", "a :1", "a://1", "a:/1", "a:" + "x" * 60 + "1",
             "a:" + "x" * 61 + "1", "a:", "a：١", "1a:1", "中文：2元", "1 2 3", "1 2", "-5.44% $2.8 (3)", "x1 2 3",
             "1  2\t3%)", "1. 2. 3.", "+-1 2 3", "$€1 2 3", "1 2 3" + " " * 95 + "x", "1 2 3" + " " * 94 + "x"]
    doc = split_text("\n".join([*edges, "".join(parts)]))
    pattern = regex.compile(r"^\p{L}[\p{L} ]{0,11}[:：](?!//).{0,60}\d")
    number = regex.compile(r"[-+(]?[$€£¥]?\d[\d.,:/%-]*[%)]?")
    expected = [data_row(b.text) for b in doc.blocks]
    assert expected == [len(b.text) <= 100 and (pattern.search(b.text) is not None
                        or sum(number.fullmatch(w) is not None for w in b.text.split()) >= 3) for b in doc.blocks]
    assert expected[13:23] == [True, False, True, False, True, True, False, False, False, True]
    assert expected[:5] == [True, True, False, False, True]
    n = len(doc.blocks)
    kinds = context_kinds(doc.source, doc.blocks, [None] * n, [False] * n, weak_table())
    assert kinds == classify(SimpleNamespace(doc=doc, verdict=[None] * n, body=[False] * n))
    lines = [WEAK if weak(b.text) else DATA if d else NOISE for b, d in zip(doc.blocks, expected, strict=True)]
    alone = [i for i, k in enumerate(lines) if k == DATA and DATA not in lines[max(i - 1, 0) : i] + lines[i + 1 : i + 2]]
    assert kinds == bytes([NOISE if i in alone else k for i, k in enumerate(lines)])
    assert kinds[:2] == bytes([DATA, DATA]) and kinds[4] == NOISE  # (a pair; then one alone)
    # Each line between two pairs of data lines: its own kind is its own test's answer.
    pair = ["Tel: 1", "Tel: 2"]
    doc = split_text("\n".join([*pair, *[x for b in doc.blocks for x in (b.text, *pair)]]))
    m = len(doc.blocks)
    kinds = context_kinds(doc.source, doc.blocks, [None] * m, [False] * m, weak_table())
    assert kinds[2::3] == bytes(lines) and set(kinds[0::3] + kinds[1::3]) == {DATA}


_HEADLINE_ALPHABET = [*"a中 ,，。.!?:：;；”」)）-1", "标题文字", "x" * 10]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0, 1, 2, 3]), st.lists(st.sampled_from(_HEADLINE_ALPHABET), max_size=12)),
                max_size=30))
def test_demoted_headlines(picks: list[tuple[int, list[str]]]) -> None:
    """The native demotion of short body blocks that end no sentence or clause equals
    ``context.demote_headlines``: lengths on both sides of the bound, sentence and clause
    ends, closers after them, item marks (weak), other kinds left alone."""
    from types import SimpleNamespace

    from scrubber.engine import _passes
    from scrubber.engine.passes import context

    texts = ["".join(parts).strip() or "-" for _, parts in picks]
    edges = ["x" * 39, "x" * 40, "x" * 38 + "。", "x" * 38 + "”", "x。”」", "- x", "x：", "”"]
    doc = split_text("\n".join(edges + texts))
    if len(doc.blocks) != len(edges) + len(texts):  # (a part made of blanks only: one block fewer)
        return
    kinds = bytes([0] * len(edges) + [kind for kind, _ in picks])
    state = SimpleNamespace(doc=doc)
    expected = context.demote_headlines(state, kinds)
    assert _passes.demote_headlines(doc.source, doc.blocks, kinds, context.weak_table(),
                                    context.HEADLINE_MAX_CHARS) == expected
    assert expected[: len(edges)] == bytes([2, 0, 0, 2, 0, 1, 0, 2])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0, 1, 2]), st.sampled_from(["", "x", "中文", "a b c", "价格：5元", "Tel: 1"]),
                          st.sampled_from([None, "R-1"]), st.booleans()), max_size=60),
       st.integers(0, 4))
def test_context_kinds_clusters_and_marks(picks: list[tuple[int, str, str | None, bool]], max_gap: int) -> None:
    """The context pass's native steps equal its Python functions: the kinds (removed,
    body, weak, data or noise), the body clusters and their text sizes, and the removals of noise
    runs and of the blocks outside the clusters (never over an earlier verdict)."""
    from types import SimpleNamespace

    from scrubber.engine import _passes
    from scrubber.engine.passes import context
    from scrubber.engine.state import Verdict

    text = "\n".join(f"{body}{'.' if weakish else ''}" or "-" for _, body, _, weakish in picks)
    doc = split_text(text)
    assert len(doc.blocks) == len(picks)
    earlier = Verdict("R-1", "navigation")
    verdict = [earlier if rule else None for _, _, rule, _ in picks]
    body = [kind == 0 for kind, *_ in picks]
    state = SimpleNamespace(doc=doc, verdict=verdict, body=body)
    kinds = context.classify(state)
    assert _passes.context_kinds(text, doc.blocks, verdict, body, context.weak_table()) == kinds
    found = context.clusters(state, kinds, max_gap)
    assert _passes.body_clusters(kinds, doc.blocks, max_gap) == found
    lo, hi = (found[0][0], found[-1][1]) if found else (len(kinds), -1)
    expected = SimpleNamespace(verdict=list(verdict))
    context.mark(expected, kinds, lo, hi)
    _passes.mark_context(verdict, kinds, context.RUN, lo, hi, context.RUNS, context.OUTSIDE)
    assert verdict == expected.verdict


_LAYOUT_ALPHABET = [*"a中b \t\n\r\u3000\u200b\ufeff\x1c\x85\u2028\xa0😀", "\r\n", "\n\n", "\n \n"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_LAYOUT_ALPHABET), max_size=40))
def test_layout(parts: list[str]) -> None:
    """The native layout (lines stripped, blank runs collapsed, ends trimmed) equals the
    Python one: every line break, every blank the text front end strips."""
    from scrubber.result import _NATIVE_LAYOUT, layout, layout_py

    text = "".join(parts)
    assert _NATIVE_LAYOUT is not None and layout(text) == layout_py(text)


class _OtherBlock(Block):
    """A Block subclass (read in C, as a Block) ..."""

    __slots__ = ()


def _other_kinds(block: Block, pick: int) -> object:
    """... or the pure-Python PyBlock (read through its attributes): the native walks must
    give the same answers for every kind of block a Document may hold."""
    fields = (block.index, block.text, block.start, block.end, block.line_start, block.line_end, block.para)
    return (_OtherBlock if pick == 5 else PyBlock)(*fields)


_LINE_ALPHABET = [*"a中 \t\n\r\u3000\u200b\ufeff\x1c\x85\u2028\xa0", "\r\n", "\n\n", "😀"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_LINE_ALPHABET), max_size=40),
       st.lists(st.integers(0, 6), max_size=40))
def test_removed_lines_cut_and_rows(parts: list[str], picks: list[int]) -> None:
    """The native Result path (``_lines.removed_lines``, ``cut``, ``removal_rows``) equals
    ``_core``'s Python one: the removed lines in order, the guard's counts (``str.strip``
    lengths of guarded removals; DOM blocks outside the total), the cut text and the rows."""
    from scrubber.engine._lines import cut, removal_rows, removed_lines

    from scrubber.engine.state import Verdict
    from scrubber.result import replay_rows

    text = "".join(parts)
    blocks: list[Any] = split_text(text, native=False).blocks
    kinds = [None, Verdict("R-1", "navigation"), Verdict("R-2", "boilerplate"),
             Verdict("R-3", "promo", exempt=True)]
    verdict = [kinds[p % 4] if p < 4 else None for p in (picks + [0] * len(blocks))[: len(blocks)]]
    for i, pick in enumerate(picks[: len(blocks)]):
        if pick == 4:  # a DOM block (removed by its exempt verdict)
            b = blocks[i]
            blocks[i] = Block(b.index, b.text, b.start, b.end, b.line_start, b.line_end, b.para,
                              dom_verdict=("DOM-1", "navigation"))
            verdict[i] = Verdict("DOM-1", "navigation", exempt=True)
        elif pick >= 5:
            blocks[i] = _other_kinds(blocks[i], pick)
    ranges, verdicts, gone, total = removed_lines(text, blocks, verdict)
    gone_blocks = [(b, v) for b, v in zip(blocks, verdict, strict=True) if v is not None]
    assert ranges.tolist() == [x for b, _ in gone_blocks for x in (b.line_start, b.line_end)]
    assert verdicts == [v for _, v in gone_blocks]
    assert gone == sum(len(text[b.line_start : b.line_end].strip()) for b, v in gone_blocks if v.guarded)
    assert total == sum(len(b.text) for b in blocks if b.dom_verdict is None)
    rows = [(b.line_start, b.line_end, v.rule_id, v.category, "") for b, v in gone_blocks]
    assert removal_rows(ranges, verdicts) == rows
    assert cut(text, ranges) == replay_rows(text, rows)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LINE_ALPHABET), min_size=1, max_size=30),
       st.lists(st.tuples(st.integers(0, 60), st.integers(0, 4), st.sampled_from(["", " ", "\u3000", "😀"])),
                max_size=12))
def test_cut_and_rows_with_replacements(parts: list[str], cuts: list[tuple[int, int, str]]) -> None:
    """``cut`` and ``removal_rows`` with replacements (a repair's joins) equal
    ``replay_rows`` and the Python rows, also for a replacement wider than the source's
    characters (the Python fallback inside ``cut``)."""
    import numpy as np
    from scrubber.engine._lines import cut, removal_rows

    from scrubber.engine.state import Verdict
    from scrubber.result import replay_rows

    text = "".join(parts)
    pos, ranges, replacements, verdicts = 0, [], [], []
    for gap, length, repl in cuts:  # sorted, not overlapping, inside the text
        start = min(pos + gap % 7, len(text))
        end = min(start + length, len(text))
        ranges += [start, end]
        replacements.append(repl)
        verdicts.append(Verdict("R-1", "repair") if repl else Verdict("R-2", "junk"))
        pos = end
    rows = [(ranges[2 * k], ranges[2 * k + 1], v.rule_id, v.category, repl)
            for k, (v, repl) in enumerate(zip(verdicts, replacements, strict=True))]
    array = np.array(ranges, dtype=np.int64)
    assert cut(text, array, replacements) == replay_rows(text, rows)
    assert removal_rows(array, verdicts, replacements) == rows
    with pytest.raises(ValueError):
        cut(text, array, [*replacements, ""])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=15),
       st.lists(st.tuples(st.integers(0, 40), st.integers(0, 3), st.booleans(), st.booleans()), max_size=8))
def test_spans_and_joins_merge_in_the_python_order(lines: list[tuple[int, int]],
                                                   extras: list[tuple[int, int, bool, bool]]) -> None:
    """``_core._merge_extra`` puts the spans of kept blocks and the joins among the removed
    lines where ``_result``'s Python path puts them (one stable sort by position: a removed
    line before a span or join at the same position), with their replacements, and counts
    the guarded spans' stripped lengths; spans of a block removed whole are left out."""
    from types import SimpleNamespace

    import numpy as np

    from scrubber._core import _merge_extra, _spans_gone
    from scrubber.engine.state import Verdict
    from scrubber.result import POSITION

    source = "ab cd  ef\n" * 6
    line, span, join = Verdict("L-1", "junk"), Verdict("S-1", "junk"), Verdict("J-1", "repair", exempt=True)
    pos, ranges = 0, []
    for gap, length in lines:  # the removed lines: sorted, not overlapping
        ranges += [pos + gap, pos + gap + length]
        pos += gap + length
    verdict: list[Any] = [None, line]
    spans = {0: [], 1: [(40, 44, span)]}  # block 1 is removed whole: its span is no removal
    joins = []
    for start, length, is_span, kept in extras:
        if is_span:
            spans[0].append((start, start + length, span))
        else:
            joins.append((start, start + length, " " if kept else "", join))
    state = SimpleNamespace(doc=SimpleNamespace(source=source), verdict=verdict, spans=spans, joins=joins)
    verdicts = [line] * (len(ranges) // 2)
    merged, kinds, replacements = _merge_extra(state, np.array(ranges, dtype=np.int64), verdicts)
    more = _spans_gone(state)
    rows = [(ranges[2 * k], ranges[2 * k + 1], line, "") for k in range(len(verdicts))]
    rows += [(s, e, v, "") for s, e, v in spans[0]] + [(s, e, v, r) for s, e, r, v in joins]
    rows.sort(key=POSITION)
    assert merged.tolist() == [x for s, e, _, _ in rows for x in (s, e)]
    assert kinds == [v for _, _, v, _ in rows]
    assert replacements == [r for _, _, _, r in rows]
    assert more == sum(len(source[s:e].strip()) for s, e, _ in spans[0])


def test_cut_rejects_bad_ranges() -> None:
    import numpy as np
    from scrubber.engine._lines import cut

    assert cut("ab\ncd\nef", np.array([3, 6], dtype=np.int64)) == "ab\nef"
    for bad in ([3, 6, 4, 7], [5, 3], [0, 99], [1]):
        with pytest.raises(ValueError):
            cut("ab\ncd\nef", np.array(bad, dtype=np.int64))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.integers(0, 3), st.integers(4, 40)), st.booleans(), st.booleans()),
                max_size=60))
def test_keep_templates(picks: list[tuple[int, bool, bool]]) -> None:
    """The native template test (``_dedup.keep_templates``) keeps the same repeats as the
    Python one: documents of texts 0-40 (each text's later copies are repeats of its first),
    the other blocks kept or contained at random; texts 4-40 mostly once: the unique blocks
    between a template's copies), with or without a short unique block (``between``) before
    each at random."""
    from scrubber.engine._dedup import keep_templates as native

    from scrubber.engine.passes import dedup

    found, firsts, first_of, between, short = [], [], {}, [], 0
    for text, contained, short_before in picks:
        short += short_before
        between.append(short)
        if text in first_of:
            found.append(dedup.REPEATED)
            firsts.append(first_of[text])
        else:
            first_of[text] = len(found)
            found.append(dedup.INSIDE if contained and text > 4 else dedup.KEPT)
            firsts.append(-1)
    expected = dedup.keep_templates(list(found), list(firsts))
    assert native(list(found), list(firsts), dedup.TEMPLATE_MIN_COPIES, dedup.TEMPLATE_MIN_LINES) == expected
    expected = dedup.keep_templates(list(found), list(firsts), between)
    got = native(list(found), list(firsts), dedup.TEMPLATE_MIN_COPIES, dedup.TEMPLATE_MIN_LINES, between)
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["- item", "* x", "• y", "| cell", "-x", "text", "長一點的中文句子", "ab"]),
                          st.integers(0, 3), st.booleans()), max_size=40),
       st.integers(0, 12))
def test_dedup_candidates(picks: list[tuple[str, int, bool]], min_chars: int) -> None:
    """The blocks dedup compares, picked in C, are the Python ones: kept, long enough, not
    list or table items (``- `` ``* `` ``• `` ``| ``; ``-x`` is no item)."""
    from types import SimpleNamespace

    from scrubber.engine._dedup import candidates

    from scrubber.engine.passes import dedup
    from scrubber.engine.state import Verdict

    doc = split_text("\n".join(text * (times + 1) for text, times, _ in picks))
    gone = Verdict("R-1", "navigation")
    verdict = [gone if removed else None for _, _, removed in picks][: len(doc.blocks)]
    state = SimpleNamespace(doc=doc, verdict=verdict)
    expected = dedup.candidates(state, min_chars)  # type: ignore[arg-type]
    assert candidates(doc.blocks, verdict, min_chars, dedup._ITEM) == expected


_REPAIR_PARTS = ["word", "Word", "中文", "，", ",", "、", "。", " ", "\t", "\u3000", "\xa0", "1", "_", "é", "ǅ", "𠀀",
                 "- ", "a) ", "ß", "İ"]


#: Halves of exactly MIN_CHARS and one less, before lowercase, uppercase and CJK starts.
_REPAIR_EDGES = [("abcdef,", False, False, False), ("x", False, False, False), ("abcdefg,", False, False, False),
                 ("next one", False, False, False), ("abcdefg", True, False, False), ("lowercase", True, False, False),
                 ("abcdefgh", True, False, False), ("lowercase", True, False, False), ("abcdefgh", True, False, False),
                 ("Uppercase", True, False, False), ("中文中文中文中文", True, False, False), ("中文，", True, False, False)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(_REPAIR_PARTS), min_size=1, max_size=8).map("".join),
                          st.booleans(), st.booleans(), st.booleans()), max_size=30))
def test_repair_pairs(picks: list[tuple[str, bool, bool, bool]]) -> None:
    """The pairs the native core hands the repair pass are those ``repair.broken`` accepts
    (comma ends, letter ends before lowercase starts, odd letters, body flags, removed blocks
    in between, short halves) -- all of them, and no other unless the block has spans or a
    character beyond the tables, which are left to the test; and the joins are the same."""
    import itertools

    from scrubber.engine.charset import DOMAIN
    from scrubber.engine.compile import Budget
    from scrubber.engine.passes import repair
    from scrubber.engine.state import State, Verdict

    picks = [*_REPAIR_EDGES, *(pick for pick in picks if pick[0].strip())]  # (one block a line)
    text = "\n".join(line for line, *_ in picks)
    joins = []
    for scrubber in (FAST, FALLBACK):
        doc = split_text(text)
        assert len(doc.blocks) == len(picks)
        state = State(doc=doc, config=scrubber.config, rules=scrubber.rules, budget=Budget(1.0))
        state.body = [body for _, body, _, _ in picks]
        gone = Verdict("R-1", "navigation")
        for b, (_, _, removed, span) in zip(doc.blocks, picks, strict=True):
            if removed:
                state.verdict[b.index] = gone
            elif span and b.end - b.start > 2:
                state.spans[b.index] = [(b.end - 2, b.end, gone)]
        if scrubber is FAST:
            kept = [b for b, v in zip(doc.blocks, state.verdict, strict=True) if v is None]
            accepted = [(a.index, b.index) for a, b in itertools.pairwise(kept) if repair.broken(state, a, b)]
            native = [(a.index, b.index) for a, b in repair._NATIVE_PAIRS(
                text, doc.blocks, state.verdict, state.body, state.spans, repair.repair_table(), repair.MIN_CHARS)]
            assert set(accepted) <= set(native)
            # Exactly those for blocks without spans or characters beyond the tables.
            odd = {b.index for b in doc.blocks if b.index in state.spans or max(map(ord, b.text)) >= DOMAIN}
            assert [p for p in native if not odd & {*p}] == [p for p in accepted if not odd & {*p}]
        repair.run(state)
        joins.append(state.joins)
    assert joins[0] == joins[1]


def test_line_cache_keeps_results_across_documents_bounded(tmp_path) -> None:
    """Results are the same with the cross-document line cache on, off or tiny (generations
    turning over); it holds at most two generations; lines a user pattern was searched for
    (whose result the document's budget may cut short) are never kept."""
    pack = tmp_path / "user.toml"
    pack.write_text('[pack]\nname = "user"\n[[rule]]\nid = "USR-001"\ncategory = "promo"\n'
                    'match = "regex"\npattern = \'^(?:promo|广告)\\b.{0,30}$\'\nmax_chars = 40\n'
                    'examples.remove = ["promo code today"]\n', encoding="utf-8")
    docs = [_document(random.Random(300 + k), 50) + "\npromo code today\npromo again" for k in range(12)]
    off = Scrubber(Config(line_cache=0, extra_packs=(str(pack),)))
    expected = [off.scrub(d).to_dict() for d in docs]
    assert any(r["rule_id"] == "USR-001" for e in expected for r in e["removals"])
    assert off.rules.line_matcher.cache_size() == 0
    for size in (7, 20_000):
        on = Scrubber(Config(line_cache=size, extra_packs=(str(pack),)))
        assert [on.scrub(d).to_dict() for d in docs * 2] == expected * 2
        held = on.rules.line_matcher.cache_size()
        assert 0 < held <= 2 * size
    # The user rule's lines were searched under the budget: a fresh cache never holds them.
    fresh = Scrubber(Config(line_cache=20_000, extra_packs=(str(pack),)))
    fresh.scrub("promo code today\npromo again")
    assert fresh.rules.line_matcher.cache_size() == 0
    fresh.scrub("首頁 > 科技")
    assert fresh.rules.line_matcher.cache_size() == 1


def test_line_cache_option_is_validated() -> None:
    for bad in (-1, 1.5, True, "10"):
        with pytest.raises(ValueError, match="line_cache"):
            Config(line_cache=bad)


def test_casefold_table_is_each_characters_casefold() -> None:
    """The table made by one casefold of the joined domain says, for every code point, what
    ``ch.casefold()`` does: one character (not a blank), a blank, or more than one."""
    import numpy as np

    from scrubber.engine.charset import domain_text
    from scrubber.engine.passes.dedup import BLANK, MULTI, casefold_table

    folded = [ch.casefold() for ch in domain_text()]
    expected = [MULTI if len(f) != 1 else BLANK if f.isspace() else ord(f) for f in folded]
    assert np.array_equal(casefold_table(), np.array(expected, dtype=np.uint32))


def test_stage_two_line_by_line_stops_at_the_first_decisive_hit() -> None:
    """Both stages, native vs ``match_lines(decided=True)``, on every line: the same hits.
    And against every rule that matches (``line_rules``): the same up to and including the
    first decisive hit (what the junk pass reads), nothing past it searched -- which does
    leave hits out on this corpus."""
    from scrubber.engine.compile import Budget

    rules = FAST.rules
    text = _document(random.Random(99), 400) + "\n" + "\n".join(EXAMPLES) + "\n" + _SEED
    doc = split_text(text)
    scan = DocScan(text, doc.blocks, rules.scan_tables, FAST.config)
    native = dict(rules.line_matcher.match(scan.folded, scan.starts, scan.ends, scan.bits,
                                           [b.index for b in doc.blocks], Budget(10.0)))
    lines = [(scan.folded[b.start : b.end], core(scan.folded[b.start : b.end]), scan.blocked[b.index])
             for b in doc.blocks]
    decided = rules.match_lines(lines, Budget(10.0), decided=True)
    every = rules.match_lines(lines, Budget(10.0))
    shortened = 0
    for block, hits, full in zip(doc.blocks, decided, every, strict=True):
        assert native.get(block.index, []) == hits, block.text
        first = next((i for i in full if rules.decisive[i]), None)
        assert set(hits) <= set(full), block.text  # (stage one's phrase hits past it stay)
        upto = [i for i in full if first is None or i <= first]
        assert [i for i in hits if first is None or i <= first] == upto, block.text
        shortened += hits != full
    assert shortened > 0


def test_cut_rest_at_its_thresholds(tmp_path) -> None:
    """``cut_rest`` applies only with enough body above the marker: ``Config.cut_rest_min_share``
    of the document's body text (at exactly the share it applies), or a rule's own
    ``min_body_chars`` (at one character fewer it does not: the marker line alone goes). The
    native junk pass and the Python one agree on each side of both thresholds, and both sides
    occur."""
    pack = tmp_path / "cut.toml"
    pack.write_text(
        '[[rule]]\nid = "CUT-SHARE"\ncategory = "comments"\nmatch = "exact"\nphrases = ["zorbling share"]\n'
        'max_chars = 40\naction = "cut_rest"\n'
        '[[rule]]\nid = "CUT-MIN"\ncategory = "comments"\nmatch = "exact"\nphrases = ["zorbling floor"]\n'
        'max_chars = 40\naction = "cut_rest"\nmin_body_chars = 300\n', encoding="utf-8")
    para = ("The council met on Tuesday and agreed a budget for the coming year, after a long debate "
            "about the roads, the schools and the library of the town, which ran late. ")[:150]
    assert len(para) == 150
    config = Config(extra_packs=(str(pack),))
    cut = {True: 0, False: 0}
    for marker, above, below in [("zorbling share", 3, 2), ("zorbling share", 2, 2), ("zorbling share", 3, 3),
                                 ("zorbling floor", 2, 4), ("zorbling floor", 1, 4)]:
        for trim in (0, 1):
            paras = [para] * above
            paras[-1] = paras[-1][: len(para) - trim]  # (one character short of the threshold)
            text = "\n\n".join([*paras, marker, *[para] * below])
            _same(text, config)
            result = Scrubber(config).scrub(text)
            taken = [r.text.strip() for r in result.removals if r.rule_id.startswith("CUT-")]
            cut[len(taken) > 1] += 1
            assert taken[0] == marker  # (not cut: the marker goes alone)
    assert cut[True] and cut[False]


def test_stage_one_with_dense_entries_too_far() -> None:
    """A dense row's entry may say 'too far for its 15 bits' (automata past 32,767 states): the
    walk then takes its own steps from that state. With every third entry so marked, stage
    one still equals the Python path on every line."""
    scrubber = Scrubber()
    scrubber.rules.line_matcher._far_every(3)
    text = _document(random.Random(5), 400) + "\n" + "\n".join(EXAMPLES) + "\n" + _SEED
    _, rows = _same_stage_one(text, scrubber)
    assert sum(bool(hits) for _, hits, _ in rows) > 50
    assert scrubber.scrub(text).to_dict() == PURE.scrub(text).to_dict()


_MARK = object()  # (an object that compares equal to nothing but itself, like a Verdict)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([None, True, False, _MARK]), max_size=30), st.integers(0, 35))
def test_list_scans(items: list[Any], start: int) -> None:
    """The passes' list scans (``engine.seq``) in C and in Python equal ``list.index`` /
    ``count`` on lists of verdict-like objects and body flags."""
    from scrubber.engine import _passes, seq

    for mod in (_passes, seq):
        find, count, bounds = (mod.find_is, mod.count_is, mod.truthy_bounds) if mod is _passes else (
            seq._find_is, seq._count_is, seq._truthy_bounds)
        for obj in (None, True, False, _MARK):
            assert count(items, obj) == items.count(obj)
            expected = items.index(obj, start) if obj in items[start:] else -1
            assert find(items, obj, start) == expected
            assert find(items, obj) == (items.index(obj) if obj in items else -1)
        trues = [i for i, item in enumerate(items) if item]
        assert bounds(items) == ((trues[0], trues[-1]) if trues else (-1, -1))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["Share", "share ", "Comments (3)", "Comments (4)", "Home", "首页", "分享",
                                 "Read more: the long headline of the day", "Read more: the long headline of the dax",
                                 "abcdefgh", "abcdefgi", "abcdefghabcdefgh", "bbcdefghabcdefgh", "𠀀 share",
                                 "© 2019 Example Corp. All rights reserved.", "Photo: Reuters", "Photo: Reuterz",
                                 "Shore", "Hume", "首长", "Comments", "Commentz", "Read more: the long headline of"
                                 " the dax!"]),
                min_size=1, max_size=30))
def test_lines_repeated_and_nearly_repeated(lines: list[str]) -> None:
    """Stage one matches each distinct line of a document once and hands its result to the
    line's repeats (a table of the folded characters' hashes, compared where they lie):
    lines equal but for one character, at either end or in any 8-character word of the
    hash, or in another string width, keep their own results -- in one call with the whole
    document's lines and in one with the lines picked out."""
    text = "\n".join(lines)
    _same_stage_one(text)
    _same(text)
    _same("The committee met for two hours on Tuesday to debate the budget, which passed.\n" + text)


def test_many_distinct_lines_of_one_length() -> None:
    """Thousands of distinct lines of one length, half of them a rule's (comment counters)
    and half not, then all of them again: the table's probe sequences run long, it grows
    (entries placed again) on the way, and every line keeps its own result."""
    numbers = random.Random(7).sample(range(10**7), 6000)  # (in no order a hash would spread evenly)
    lines = [f"Comment{'s' if i % 2 else 'z'} ({n:07d})" for i, n in enumerate(numbers)]
    text = "\n".join(lines + lines[::-1])  # (past 4,096 distinct lines the table grows)
    _same_stage_one(text)
    removed = [r.text for r in FAST.scrub(text).removals if r.rule_id == "EN-CMT-003"]
    assert len(removed) == 6000 and all(t.startswith("Comments (") for t in removed)  # (each counter twice)
    _same(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "ab", "ба", "阅读", "a\U0001f600", "Bob", "Dune."]),
                          st.booleans(), st.booleans()), max_size=40), st.booleans())
def test_uncompared_uniques(lines: list[tuple[str, bool, bool]], read_some: bool) -> None:
    """The native count of short unique blocks (``_dedup.uncompared_uniques``) is the
    Python one's, texts of every str width, read already or not."""
    from types import SimpleNamespace

    from scrubber.engine._dedup import uncompared_uniques as native

    from scrubber.engine.passes import dedup
    from scrubber.fronts.text import split_text

    doc = split_text("\n".join(text for text, _, _ in lines) or "x")
    verdict = [None if i >= len(lines) or not lines[i][1] else dedup.EXACT for i in range(len(doc.blocks))]
    indices = [i for i in range(len(doc.blocks)) if i < len(lines) and lines[i][2]]
    if read_some:
        for b in doc.blocks[::2]:
            _ = b.text
    state = SimpleNamespace(doc=doc, verdict=verdict)
    assert native(doc.blocks, verdict, indices) == dedup.uncompared_uniques(state, indices)

"""Issue 5 (hardening), plain text and packs: bad input, hostile packs, limits, the guard.

Every bad input gives a Result or a typed error (a ``ScrubberError`` or a ``TypeError``)
within bounded time and memory. Risky cases run in a subprocess (benchmarks/hardening_matrix.py
holds them, with the figures); the subprocess timeout is the hang guard, and the only
numeric assertions are the issue's generous bounds (1 GB, and the timeout).
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import scrubber
from benchmarks import hardening_matrix
from scrubber import (
    Config,
    InputError,
    InputTypeError,
    LimitError,
    PackError,
    Scrubber,
    ScrubberError,
    replay,
    scrub,
)
from scrubber.result import layout

ROOT = Path(__file__).resolve().parent.parent


MATRIX = hardening_matrix
PACKS = MATRIX.available_packs()
CFG = Config(packs=PACKS)
S = Scrubber(CFG)
BODY = MATRIX.prose(__import__("random").Random(0), zh=False)
BODY_ZH = MATRIX.prose(__import__("random").Random(1), zh=True)

# A small pack standing in for the built-in ones wherever a test needs rules to fire.
HARD_PACK = """
[pack]
name = "hardening"
[[rule]]
id = "HARD-001"
category = "share"
match = "contains"
phrases = ["share this", "分享到"]
max_chars = 60
examples.remove = ["Share this article"]
[[rule]]
id = "HARD-002"
category = "control"
match = "exact"
phrases = ["back to top", "返回顶部", "print", "next article"]
max_chars = 40
examples.remove = ["Back to top"]
[[rule]]
id = "HARD-003"
category = "ad"
match = "regex"
pattern = '^(?:advertisement|广告)\\b'
phrases = ["advertisement", "广告"]
max_chars = 40
examples.remove = ["Advertisement"]
"""


def _pack(tmp_path: Path, text: str, name: str = "pack.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _check_result(result: scrubber.Result) -> None:
    """The invariants every Result keeps, whatever the input."""
    assert replay(result.source, result.removals) == result.text
    for r in result.removals:
        assert result.source[r.start : r.end] == r.text
    json.dumps(result.to_dict())
    result.explain()


# --------------------------------------------------------------------------- bad input, in process


@pytest.mark.parametrize("text", ["", " ", "\n", " \t\r\n\f\v\u3000\u00a0\ufeff\u200b\n" * 50, "\r\r\r\n\n"])
def test_empty_and_whitespace_only(text: str) -> None:
    result = S.scrub(text)
    assert result.text == "" and result.removals == () and result.title is None
    _check_result(result)


@pytest.mark.parametrize(
    "bad", [None, b"bytes", bytearray(b"x"), memoryview(b"x"), 42, 4.2, ["a"], ("a",), {"a": 1}, object()]
)
def test_non_str_is_a_typed_type_error(bad: object) -> None:
    calls = (functools.partial(scrub, packs=PACKS), functools.partial(scrubber.clean, packs=PACKS), S.scrub)
    for call in calls:
        with pytest.raises(InputTypeError, match=rf"takes str, got {type(bad).__name__}") as info:
            call(bad)  # type: ignore[arg-type]
        assert isinstance(info.value, TypeError) and isinstance(info.value, ScrubberError)
        assert isinstance(info.value, InputError)


def test_str_subclass_is_accepted() -> None:
    class Text(str):
        pass

    result = S.scrub(Text(BODY))
    assert result.text == BODY and type(result.text) is str


def test_nul_and_control_characters() -> None:
    controls = "".join(chr(c) for c in range(32) if chr(c) not in "\n\r") + "\x7f\x85\u2028\u2029\ufffe\uffff"
    doc = f"{controls}\n\n{BODY}\x00\n\n\x00\x1b[31mred\x1b[0m\n\n{BODY_ZH}\n"
    result = S.scrub(doc)
    _check_result(result)
    assert BODY_ZH in result.text


def test_lone_surrogates_in_str() -> None:
    doc = (f"\ud800\n\nshare this \udfff\n\nsee \ud800 share this\n\nback \udc00 to top\n\n"
           f"{BODY}\ud83d\n\n\udc00{BODY_ZH}\n\n{BODY}")
    result = S.scrub(doc)
    _check_result(result)
    assert "\ud83d" in result.text  # kept as given, not replaced or dropped
    # with rules that fire (Aho-Corasick, exact lookup and regex all see the surrogates)
    with_rules = Scrubber(Config(packs=PACKS, extra_packs=(_hard_pack(),)))
    result = with_rules.scrub(doc)
    _check_result(result)
    assert "share this" not in result.text


def test_undecodable_bytes_surface_as_surrogates() -> None:
    # Text decoded with surrogateescape (what a careful reader of invalid UTF-8 produces).
    text = b"caf\xe9 \xff\xfe \xc3\x28 ok\n\n".decode("utf-8", "surrogateescape") + BODY
    result = S.scrub(text)
    _check_result(result)
    assert result.text.startswith("caf\udce9")


@pytest.mark.parametrize(
    "sep", ["\n", "\r\n", "\r", "\n\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"]
)
def test_every_line_break_keeps_replay_exact(sep: str) -> None:
    doc = sep.join(["Share this", BODY, "", BODY_ZH, "back to top", "", BODY + " 2"])
    result = Scrubber(Config(packs=PACKS, extra_packs=(_hard_pack(),))).scrub(doc)
    _check_result(result)
    assert BODY_ZH in result.text


def test_binary_garbage_as_text() -> None:
    garbage = MATRIX._garbage(MATRIX.PDF_HEADER, 50_000).decode("latin-1")
    result = S.scrub(garbage)
    _check_result(result)


_HARD_PACK_PATH: list[str] = []


def _hard_pack() -> str:
    if not _HARD_PACK_PATH:
        import tempfile

        path = Path(tempfile.mkdtemp()) / "hardening.toml"
        path.write_text(HARD_PACK, encoding="utf-8")
        _HARD_PACK_PATH.append(str(path))
    return _HARD_PACK_PATH[0]


# --------------------------------------------------------------------------- bad input, in a subprocess

TEXT_CASES = [c for c in MATRIX.CASES if c.api == "text"]
SLOW = {"text_1m_short_lines", "text_long_single_line_10mb", "text_20mb_prose", "text_20mb_same_tails",
        "text_cut_rest_storm", "text_100mb", "text_binary_garbage"}


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.slow) if c.name in SLOW else c for c in TEXT_CASES],
    ids=[c.name for c in TEXT_CASES],
)
def test_matrix_case_is_bounded(case) -> None:
    record = MATRIX.run_case(case.name, timeout=MATRIX.TIMEOUT)
    assert MATRIX.acceptable(record, case.expect), record
    assert record["rss_mb"] < MATRIX.MAX_RSS_MB, record


# --------------------------------------------------------------------------- limits


def test_documented_defaults() -> None:
    cfg = Config()
    assert cfg.max_input_chars == 64_000_000
    assert cfg.regex_budget == 1.0
    assert cfg.max_removed_share == 0.9
    security = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    for value in ("64,000,000", "1.0 s", "0.9"):
        assert value in security, f"SECURITY.md does not state the default {value}"


def test_max_input_chars_boundary() -> None:
    s = Scrubber(Config(packs=PACKS, max_input_chars=len(BODY)))
    assert s.scrub(BODY).text == BODY
    with pytest.raises(LimitError, match=r"max_input_chars=") as info:
        s.scrub(BODY + "x")
    assert isinstance(info.value, ScrubberError) and not isinstance(info.value, TypeError)
    with pytest.raises(LimitError):
        scrub("ab", packs=PACKS, max_input_chars=1)


def test_default_limit_rejects_100m_chars_before_any_work() -> None:
    big = "a" * 64_000_001
    start = time.perf_counter()
    with pytest.raises(LimitError, match="64,000,001"):
        S.scrub(big)
    assert time.perf_counter() - start < 5  # generous: the check is a len()


@pytest.mark.parametrize("value", [0, -1])
def test_nonpositive_max_input_chars_is_rejected_at_config(value: int) -> None:
    # Today Config(max_input_chars=0) is accepted and then every input, even "", raises
    # LimitError at scrub time; a bad limit should fail where it is set, like regex_budget.
    with pytest.raises(ValueError, match="max_input_chars"):
        Config(max_input_chars=value)


@pytest.mark.parametrize("value", [0, -0.5, float("nan")])
def test_bad_regex_budget_is_rejected_at_config(value: float) -> None:
    with pytest.raises(ValueError, match="regex_budget"):
        Config(regex_budget=value)


SLOW_RULE = """
[[rule]]
id = "{rid}"
category = "x"
unit = "{unit}"
match = "regex"
pattern = '{pattern}'
{extra}
"""


def _slow_pack(tmp_path: Path, *rules: tuple[str, str, str]) -> str:
    body = "".join(
        SLOW_RULE.format(rid=rid, unit=unit, pattern=pattern,
                         extra="max_chars = 100000" if unit == "line" else "")
        for rid, unit, pattern in rules
    )
    return _pack(tmp_path, body, "slow.toml")


@pytest.mark.parametrize("anchored", [False, True])
def test_regex_budget_stops_a_span_rule_and_names_it(tmp_path, anchored: bool) -> None:
    # Passes the load-time probes (no 'q' there) but is catastrophic on a q-run. Anchored by
    # a phrase, the rule runs in the native span loop (every span rule has anchors), else
    # in the Python one.
    pack = _slow_pack(tmp_path, ("SLOW-SPAN", "span", "(q+q+)+y"))
    if anchored:
        Path(pack).write_text(Path(pack).read_text(encoding="utf-8").replace(
            "unit = \"span\"", "unit = \"span\"\nphrases = [\"q\"]"), encoding="utf-8")
        assert Scrubber(Config(packs=PACKS, extra_packs=(pack,))).rules.span_table is not None
    doc = f"{BODY}\n\n" + "q" * 5000 + f"\n\n{BODY_ZH}"
    start = time.perf_counter()
    result = scrub(doc, packs=PACKS, extra_packs=(pack,), regex_budget=0.2)
    assert time.perf_counter() - start < 10
    assert "regex_timeout:SLOW-SPAN" in result.flags
    assert "q" * 5000 in result.text
    _check_result(result)


def test_regex_budget_is_shared_by_every_rule_and_each_is_named_once(tmp_path) -> None:
    pack = _slow_pack(tmp_path, ("SLOW-A", "line", "(q+q+)+y"), ("SLOW-B", "line", "(w+w+)+y"))
    lines = ["q" * 3000, "w" * 3000] * 20
    doc = BODY + "\n\n" + "\n".join(lines)
    start = time.perf_counter()
    result = scrub(doc, packs=PACKS, extra_packs=(pack,), regex_budget=0.3)
    assert time.perf_counter() - start < 10
    assert result.flags.count("regex_timeout:SLOW-A") == 1
    # SLOW-B is either named after its own timeout or skipped once the budget is spent.
    assert result.flags.count("regex_timeout:SLOW-B") == 1 or "regex_budget_exhausted" in result.flags
    assert result.text.count("q" * 3000) == 20


def test_regex_budget_is_per_document(tmp_path) -> None:
    pack = _slow_pack(tmp_path, ("SLOW-C", "line", "(q+q+)+y"))
    s = Scrubber(Config(packs=PACKS, extra_packs=(pack,), regex_budget=0.2))
    assert "regex_timeout:SLOW-C" in s.scrub(BODY + "\n\n" + "q" * 5000).flags
    fresh = s.scrub(BODY + "\n\nqqy\n")  # the rule works again on the next document
    assert fresh.flags == () and "qqy" not in fresh.text


# --------------------------------------------------------------------------- hostile packs
# (tests/test_packs.py has unknown field, bad enum, invalid regex, 'a|', (a+)+$, (a|a)+$,
#  invalid TOML and a missing file; tests/test_engine.py one more catastrophic pattern.)


@pytest.mark.parametrize(
    "pattern",
    ["|foo", "(foo|)", "(?:|foo)", "foo||bar", "(?i)(?:foo|)", "[a-z]*|foo", "(?V1)a||b", "(?<=a|)"],
)
def test_empty_alternation_is_rejected(tmp_path, pattern: str) -> None:
    pack = _slow_pack(tmp_path, ("EMPTY-1", "line", pattern))
    with pytest.raises(PackError, match="empty string") as info:
        Scrubber(Config(packs=(), extra_packs=(pack,)))
    assert (info.value.rule_id, info.value.field) == ("EMPTY-1", "pattern")


@pytest.mark.parametrize("pattern", [r"\b", "(?=.)", ".", r"[\s\S]", r"(?=\w)|x"])
def test_pattern_matching_every_line_is_rejected(tmp_path, pattern: str) -> None:
    # Zero-width or one-character patterns slip past the empty-string check yet match
    # (almost) every line: a rule that would remove the whole document.
    pack = _slow_pack(tmp_path, ("ALL-1", "line", pattern))
    with pytest.raises(PackError) as info:
        Scrubber(Config(packs=(), extra_packs=(pack,)))
    assert (info.value.rule_id, info.value.field) == ("ALL-1", "pattern")


@pytest.mark.parametrize("pattern", ["(a*)*$", "(a|aa)+$", r"(\w+\s?)+$", r"(\d+)+$"])
def test_more_catastrophic_patterns_are_rejected(tmp_path, pattern: str) -> None:
    pack = _slow_pack(tmp_path, ("CAT-1", "line", pattern))
    with pytest.raises(PackError) as info:
        Scrubber(Config(packs=(), extra_packs=(pack,)))
    assert (info.value.rule_id, info.value.field) == ("CAT-1", "pattern")


HUGE_REPEATS = ["(?:(?:a{60000}){60000})", "(?:(?:(?:(?:a{100}){100}){100}){100})"]


@pytest.mark.parametrize("pattern", HUGE_REPEATS)
def test_huge_counted_repeat_is_rejected_quickly(tmp_path, pattern: str) -> None:
    # regex.compile() itself runs unbounded on nested counted repeats, before any probe.
    pack = _slow_pack(tmp_path, ("HUGE-1", "line", pattern))
    code = (
        "import sys, scrubber\n"
        "try:\n"
        "    scrubber.Scrubber(scrubber.Config(packs=(), extra_packs=(sys.argv[1],)))\n"
        "    print('loaded')\n"
        "except scrubber.PackError as e:\n"
        "    print('PackError', e.field)\n"
    )
    try:
        proc = subprocess.run([sys.executable, "-c", code, pack], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail(f"loading a pack with pattern {pattern!r} hangs (> 20 s)")
    assert proc.stdout.split() == ["PackError", "pattern"], proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = " + "[" * 50_000 + "]" * 50_000, "invalid TOML"),
        ("x = " + "{a=" * 5_000 + "1" + "}" * 5_000, "invalid TOML"),
        ("[pack]\nname = 'a\x00b'\n", "invalid TOML"),
        ("[rule]\nid = 'X-1'\n", "array of tables"),
        ("[[rule]]\nid = 7\n", "'id' must be a string"),
        ("[[rule]]\nid = 'has space'\n", "'id' must be a string"),
        ("[[rule]]\nid = '" + "A" * 65 + "'\n", "'id' must be a string"),
        ("[pack]\nname = 'p'\nowner = 'me'\n", "unknown \\[pack\\] key"),
        ("colour = 'red'\n", "unknown top-level key"),
        ("[[rule]]\nid = 'X-1'\ncategory = 'Share'\nmatch = 'exact'\nphrases = ['x']\nmax_chars = 9\n",
         "lowercase"),
        ("[[rule]]\nid = 'X-1'\ncategory = 'x'\nmatch = 'exact'\nphrases = ['x', 3]\nmax_chars = 9\n",
         "list of non-empty strings"),
        ("[[rule]]\nid = 'X-1'\ncategory = 'x'\nmatch = 'exact'\nphrases = ['']\nmax_chars = 9\n",
         "list of non-empty strings"),
        ("[[rule]]\nid = 'X-1'\ncategory = 'x'\nmatch = 'exact'\nphrases = ['x']\nexamples = 3\n"
         "max_chars = 9\n",
         "examples"),
        ("[[rule]]\nid = 'X-1'\ncategory = 'x'\nmatch = 'exact'\nphrases = ['x']\n", "required for line"),
    ],
)
def test_hostile_pack_structure_is_a_pack_error(tmp_path, text: str, message: str) -> None:
    path = _pack(tmp_path, text)
    with pytest.raises(PackError, match=message) as info:
        Scrubber(Config(packs=(), extra_packs=(path,)))
    assert info.value.pack == path


@pytest.mark.parametrize("max_chars", ["0", "-1", "100001", "true", "'60'", "1.5"])
def test_bad_max_chars(tmp_path, max_chars: str) -> None:
    path = _pack(tmp_path, "[[rule]]\nid = 'X-1'\ncategory = 'x'\nmatch = 'exact'\nphrases = ['x']\n"
                           f"max_chars = {max_chars}\n")
    with pytest.raises(PackError, match="max_chars") as info:
        Scrubber(Config(packs=(), extra_packs=(path,)))
    assert info.value.field == "max_chars"


def test_pack_that_is_not_utf8_or_a_file(tmp_path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes("[pack]\nname = 'café'\n".encode("latin-1"))
    with pytest.raises(PackError, match="not UTF-8"):
        Scrubber(Config(packs=(), extra_packs=(str(path),)))
    with pytest.raises(PackError, match="cannot read"):
        Scrubber(Config(packs=(), extra_packs=(str(tmp_path),)))


def test_big_pack_loads_and_runs(tmp_path) -> None:
    rules = "".join(
        f"[[rule]]\nid = 'BIG-{i}'\ncategory = 'x'\nmatch = 'contains'\nphrases = ['zzq{i}zz', 'yyq{i}yy']\n"
        f"max_chars = 80\n"
        for i in range(3000)
    )
    path = _pack(tmp_path, rules)
    s = Scrubber(Config(packs=(), extra_packs=(path,)))
    result = s.scrub(f"{BODY}\n\nsee zzq2999zz here\n\n{BODY_ZH}")
    assert [r.rule_id for r in result.removals] == ["BIG-2999"]


# --------------------------------------------------------------------------- over-removal guard


def test_every_line_junk_comes_back_untouched_and_flagged() -> None:
    s = Scrubber(Config(packs=PACKS, extra_packs=(_hard_pack(),)))
    lines = ["Share this", "Back to top", "Print", "Advertisement", "分享到微信", "返回頂部", "NEXT ARTICLE"]
    doc = "\n".join(lines * 30)
    unguarded = Scrubber(Config(packs=PACKS, extra_packs=(_hard_pack(),), max_removed_share=1.0)).scrub(doc)
    assert unguarded.text == ""  # every line really trips a rule
    result = s.scrub(doc)
    assert result.flags[0] == "over_removal_guard"
    assert result.removals == () and result.title is None
    assert result.text == layout(doc) == doc
    _check_result(result)


def test_guard_counts_span_removals_too(tmp_path) -> None:
    pack = _pack(tmp_path, "[[rule]]\nid = 'SPAN-1'\ncategory = 'symbol'\nunit = 'span'\nmatch = 'regex'\n"
                           "pattern = '[#*~]{3,}'\n")
    doc = "\n".join(["#" * 20 + " a " + "#" * 20, "*" * 30 + " b", "~" * 40] * 10)
    result = scrub(doc, packs=(), extra_packs=(pack,))
    assert "over_removal_guard" in result.flags and result.text == doc


def test_guard_does_not_fire_on_a_normal_page() -> None:
    s = Scrubber(Config(packs=PACKS, extra_packs=(_hard_pack(),)))
    doc = "Share this\nBack to top\n\n" + "\n\n".join([BODY, BODY_ZH, BODY + " Again."]) + "\n\nPrint\n"
    result = s.scrub(doc)
    assert "over_removal_guard" not in result.flags
    assert result.text.splitlines()[0] == BODY

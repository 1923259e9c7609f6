"""Pack loading: invalid packs fail at load time naming the file, the rule id and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrubber import Config, PackError, Scrubber, clean
from scrubber.cli import main

GOOD = """
[pack]
name = "mine"
[[rule]]
id = "MY-001"
category = "promo"
match = "exact"
phrases = ["subscribe to our podcast"]
max_chars = 60
examples.remove = ["Subscribe to our podcast!"]
examples.keep = ["They subscribe to our podcast theory of change, she wrote in her long essay."]
"""

RULE = """
[[rule]]
id = "BAD-001"
category = "share"
examples.remove = ["x"]
"""


def _write(tmp_path: Path, text: str, name: str = "pack.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ('match = "exact"\nphrases = ["x"]\ncolour = "red"', "colour", "unknown field"),
        ('match = "fuzzy"\nphrases = ["x"]', "match", "must be one of"),
        ('match = "regex"\npattern = "(unclosed"', "pattern", "invalid regex"),
        ('match = "regex"\npattern = "a|"', "pattern", "empty string"),
        ('match = "regex"\npattern = "(a+)+$"\nunit = "span"\naction = "strip"', "pattern", "catastrophic"),
        ('match = "regex"\npattern = "(a|a)+$"', "pattern", "catastrophic"),
        # Blanks on both sides of a separator and in the parts between: a line of words and
        # arrows wide apart splits many ways (ZH-NAV-004 before 2026-11-30, 8 s on one line).
        ("match = \"regex\"\npattern = '^[^,]{1,24}?(?:\\s*→\\s*[^,→]{1,24}){1,6}\\s*$'\nunit = \"line\"\nmax_chars = 100",
         "pattern", "catastrophic"),
        # ... or a repeated group of optional parts, each after blanks (ZH-CMT-002 until then:
        # minutes on '赞', six blanks, four times, then 'kk').
        ("match = \"regex\"\npattern = '^[^\\p{L}\\p{N}]*(?:(?:评论|赞)\\s*[(（]?\\s*[\\d,.]*\\s*[万kw]?\\s*[)）]?"
         "\\s*(?:条|人)?\\s*[|/]?\\s*){1,4}[^\\p{L}\\p{N}]*$'", "pattern", "catastrophic"),
        ('match = "exact"', "phrases", "at least one phrase"),
        ('match = "exact"\nphrases = ["!!!"]', "phrases", "empty once punctuation"),
        ('match = "exact"\nphrases = ["x"]\nscope = "middle"', "scope", "must be one of"),
        ('match = "exact"\nphrases = "x"', "phrases", "list of non-empty strings"),
        ('match = "exact"\nphrases = ["x"]\nunit = "span"', "unit", "needs match = 'regex'"),
        ('match = "exact"\nphrases = ["x"]\naction = "strip"', "action", "needs unit = 'span'"),
        # Patterns see the folded line: an uppercase, traditional-Chinese or full-width literal
        # never matches (COM-CTL-002's Japanese '編集' never did, until 2026-12-01).
        ("match = \"regex\"\npattern = '^Copyright \\d{4}'", "pattern", "literal 'C' can never match"),
        ("match = \"regex\"\npattern = '^關於我們$'", "pattern", "where it is '关'"),
        ("match = \"regex\"\npattern = '^来源：'", "pattern", "literal '：' can never match"),
        # A recursive pattern whose backtracking grows without bound: the regex module raised
        # MemoryError out of Scrubber() until 2026-12-01 (found by a fuzz run).
        ("match = \"regex\"\npattern = '(?R)?x'", "pattern", "unbounded recursion"),
    ],
)
def test_invalid_rule_names_file_rule_and_field(tmp_path, body, field, message) -> None:
    if "unit" not in body:
        body += "\nmax_chars = 40"
    path = _write(tmp_path, RULE + body + "\n")
    with pytest.raises(PackError, match=message) as info:
        Scrubber(Config(extra_packs=(path,)))
    err = info.value
    assert (err.pack, err.rule_id, err.field) == (path, "BAD-001", field)
    assert path in str(err) and "BAD-001" in str(err) and field in str(err)


@pytest.mark.parametrize(("rid", "category"), [("NL-001\\n", "share"), ("NL-001", "share\\n")])
def test_id_and_category_with_a_trailing_newline_are_refused(tmp_path, rid: str, category: str) -> None:
    """'$' matches before a final newline: 'share\\n' passed as a category, so its removals
    carried 'share\\n' and ignore=('share',) did not turn the rule off."""
    body = f'[[rule]]\nid = "{rid}"\ncategory = "{category}"\nmatch = "exact"\nphrases = ["x y"]\nmax_chars = 40\n'
    with pytest.raises(PackError, match=r"field .(id|category)."):
        Scrubber(Config(extra_packs=(_write(tmp_path, body),)))


def test_invalid_toml_and_missing_file(tmp_path) -> None:
    path = _write(tmp_path, "[[rule]\nid=")
    with pytest.raises(PackError, match="invalid TOML") as info:
        Scrubber(Config(extra_packs=(path,)))
    assert info.value.pack == path
    with pytest.raises(PackError, match="cannot read"):
        Scrubber(Config(extra_packs=(str(tmp_path / "nope.toml"),)))


def test_duplicate_id_across_packs(tmp_path) -> None:
    a = _write(tmp_path, GOOD, "a.toml")
    b = _write(tmp_path, GOOD, "b.toml")
    with pytest.raises(PackError, match="already defined") as info:
        Scrubber(Config(extra_packs=(a, b)))
    assert info.value.rule_id == "MY-001"


def test_user_pack_adds_rules_and_folds_phrases(tmp_path) -> None:
    path = _write(tmp_path, GOOD)
    doc = "A body paragraph that is long enough to count as prose in the engine.\n\nSUBSCRIBE  TO OUR PODCAST »\n"
    assert "PODCAST" in clean(doc)
    assert "PODCAST" not in clean(doc, extra_packs=(path,))


def test_rules_check_command(tmp_path, capsys) -> None:
    assert main(["rules", "check", _write(tmp_path, GOOD)]) == 0
    bad_example = GOOD.replace("Subscribe to our podcast!", "Listen to our podcast!")
    assert main(["rules", "check", _write(tmp_path, bad_example, "b.toml")]) == 1
    assert "was not removed" in capsys.readouterr().out
    assert main(["rules", "check", _write(tmp_path, "nonsense = [", "c.toml")]) == 2


def test_rules_list_and_show(capsys) -> None:
    assert main(["rules", "list", "--category", "breadcrumb"]) == 0
    listed = capsys.readouterr().out.split()
    assert listed and listed[1] == "breadcrumb"
    assert main(["rules", "show", listed[0]]) == 0
    assert listed[0] in capsys.readouterr().out
    assert main(["rules", "show", "NO-SUCH-RULE"]) == 2


@pytest.mark.parametrize("name", Config().packs)
def test_builtin_packs_pass_the_user_pack_checks(name: str) -> None:
    """A built-in pack loads without compiling and probing its patterns (its regexes compile
    on first use): here it must pass every check a user pack gets, and load the same rules."""
    from dataclasses import replace

    from scrubber.rules.schema import builtin_pack_path, load_pack

    path = builtin_pack_path(name)
    checked, trusted = load_pack(path), load_pack(path, builtin=True)
    assert [replace(r, builtin=True) for r in checked.rules] == list(trusted.rules)
    assert any(r.pattern for r in trusted.rules) or name == "common"


def test_a_builtin_pattern_is_compiled_on_first_use_only() -> None:
    scrubber = Scrubber()
    lazy = list(scrubber.rules.pattern.values())
    assert lazy and not any(p.is_compiled for p in lazy)
    scrubber.scrub("Photo: Reuters\n\nA body paragraph that is long enough to stay where it is, with words.")
    assert 0 < sum(p.is_compiled for p in lazy) < len(lazy)


def test_the_shipped_parse_cache_is_current_and_used() -> None:
    """``packs/_parsed.json`` holds every built-in pack's parse under its file's SHA-256:
    regenerate it with ``python tools/gen_pack_cache.py`` after changing a pack."""
    import hashlib
    import json
    from importlib import resources

    import tomllib

    from scrubber.rules.schema import PARSE_CACHE

    packs = Path(str(resources.files("scrubber.rules") / "packs"))
    cache = json.loads((packs / PARSE_CACHE).read_text(encoding="utf-8"))
    stale = "run python tools/gen_pack_cache.py"
    assert set(cache) == {p.name for p in packs.glob("*.toml")}, stale
    for path in packs.glob("*.toml"):
        raw = path.read_bytes()
        assert cache[path.name]["sha256"] == hashlib.sha256(raw).hexdigest(), (stale, path.name)
        assert cache[path.name]["data"] == tomllib.loads(raw.decode("utf-8")), (stale, path.name)


def test_a_stale_or_missing_cache_entry_is_read_from_the_toml(tmp_path) -> None:
    """An entry whose SHA-256 is the file's is used as it is (here, a description changed in
    the cache only shows through); one that is stale, missing or malformed is not: the TOML
    is parsed, with its validation."""
    import hashlib

    import tomllib

    from scrubber.rules.schema import _read_cache, load_cached, load_pack

    path = tmp_path / "mine.toml"
    path.write_text('[pack]\nname = "mine"\ndescription = "from the toml"\n[[rule]]\nid = "MINE-1"\n'
                    'category = "share"\nmatch = "exact"\nphrases = ["share this"]\nmax_chars = 40\n', encoding="utf-8")
    raw = path.read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    data["pack"]["description"] = "from the cache"
    good = {"mine.toml": {"sha256": hashlib.sha256(raw).hexdigest(), "data": data}}
    assert load_cached(path, good).description == "from the cache"
    for cache in ({"mine.toml": {"sha256": "0" * 64, "data": data}}, {}, {"mine.toml": ["not", "an", "entry"]}):
        assert load_cached(path, cache) == load_pack(path, builtin=True)
        assert load_cached(path, cache).description == "from the toml"
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    assert _read_cache(tmp_path / "broken.json") == {} == _read_cache(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("pattern", "unfoldable"),
    [
        (r"^copyright \d{4}", []),
        (r"(?i)^Copyright", []),  # case-insensitive: its case never matters
        (r"(?P<Year>\d{4})-(?P=Year)", []),  # group names are not literals
        (r"\p{Han}+\N{EM DASH}\x{2014}\x41\u00C0", []),  # nor are escapes' arguments
        (r"[A-Z関]x{2,3}", []),  # a class may hold what folding removes (it is only unused)
        (r"(?<=Foo)bar(?#Comment)", ["F"]),
        ("a\xa0b", ["\xa0"]),  # blanks fold to a space
        ("關於", ["關", "於"]),
        ("[[]x", []),  # a valid class whose '[' is a member: read without an error
    ],
)
def test_unfoldable_literals(pattern: str, unfoldable: list[str]) -> None:
    from scrubber.rules.schema import unfoldable_literals

    assert unfoldable_literals(pattern) == unfoldable

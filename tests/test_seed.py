"""The canonical example through the API and the command line (issue #2)."""

from __future__ import annotations

import subprocess
import sys

from scrubber import clean, scrub
from scrubber.cli import main


def _seed(fixtures):
    return (fixtures / "golden" / "seed_zh_hant" / "input.txt").read_text(encoding="utf-8")


def test_api_title_and_body(fixtures) -> None:
    source = _seed(fixtures)
    result = scrub(source)
    assert result.title == "小弟用戶過億?老大哥該何去何從?"
    assert result.title not in result.text
    paragraphs = result.text.split("\n\n")
    assert len(paragraphs) == 17
    assert paragraphs[2].startswith("釘釘則完全相反,一開始就採用升維打法")
    assert "辦公溝通。 ?" not in result.text and paragraphs[1].endswith("辦公溝通。")
    for junk in ("您的位置", "Next Article", "喜欢就按个赞吧", "点击关闭提示"):
        assert junk not in result.text
    assert clean(source) == result.text


def test_each_body_paragraph_once(fixtures) -> None:
    text = scrub(_seed(fixtures)).text
    assert text.count("微信所要面臨的另一個問題是") == 1
    assert text.count("“交友詐騙”") == 1


def test_cli_prints_title_blank_line_body(fixtures, capsys) -> None:
    path = fixtures / "golden" / "seed_zh_hant" / "input.txt"
    assert main(["clean", str(path)]) == 0
    out = capsys.readouterr().out
    expected = (fixtures / "golden" / "seed_zh_hant" / "expected.txt").read_text(encoding="utf-8")
    assert out == "小弟用戶過億?老大哥該何去何從?\n\n" + expected


def test_cli_explain_names_a_rule_for_every_removal(fixtures, capsys) -> None:
    path = fixtures / "golden" / "seed_zh_hant" / "input.txt"
    assert main(["clean", str(path), "--explain"]) == 0
    err = capsys.readouterr().err.splitlines()
    by_category: dict[str, int] = {}
    for line in err:
        rule_id, category = line.split()[:2]
        assert "-" in rule_id
        by_category[category] = by_category.get(category, 0) + 1
    assert by_category["repair"] == 5
    assert by_category["duplicate"] == 7
    assert by_category["stray"] == 1
    assert by_category["breadcrumb"] == 1
    assert sum(by_category.values()) == 1 + 1 + 1 + 5 + 7 + 3  # + title + 3 tail lines


def test_console_script_runs_as_module(fixtures) -> None:
    path = fixtures / "golden" / "seed_zh_hant" / "input.txt"
    done = subprocess.run([sys.executable, "-m", "scrubber", "clean", str(path), "--no-title"],
                          capture_output=True, text=True, encoding="utf-8", check=True)
    assert done.stdout.startswith("說起騰訊和阿裡的競爭")

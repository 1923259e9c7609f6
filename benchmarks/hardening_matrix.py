"""Hardening matrix: every bad-input case, each in its own process, with time and peak memory.

    python benchmarks/hardening_matrix.py                 # every case, a markdown table
    python benchmarks/hardening_matrix.py --only text_    # cases whose name contains text_
    python benchmarks/hardening_matrix.py --case NAME     # one case, in this process (JSON line)

Each case builds an input and hands it to ``scrubber.scrub`` or ``scrubber.scrub_html``. The
outcome is ``ok`` (a Result), the name of a typed error (a ``ScrubberError`` or a
``TypeError``), ``UNTYPED:<name>`` (any other exception: a bug), ``TIMEOUT`` (a hang) or
``CRASH:<signal>``. Seconds are the scrub call only (building the input excluded); peak RSS
is the case process's own ``ru_maxrss``. The issue's bound: no case > 10 s or 1 GB.

tests/test_hardening.py and tests/test_html_hardening.py run the risky cases through
:func:`run_case` (a subprocess with a timeout), so a hang or a segfault fails a test
instead of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
#: Hang guard of one case (seconds); the issue's own bound is 10 s.
TIMEOUT = 60.0
#: Memory bound of one case (MB).
MAX_RSS_MB = 1024.0

# --------------------------------------------------------------------------- inputs

_EN = """
river market council morning winter student farmer library bridge village garden doctor harbour
station engineer painter teacher museum valley forest island letter window mountain evening summer
kitchen orchard railway lantern meadow planet traveller question answer story careful quiet bright
gentle ancient modern simple narrow heavy patient sudden distant
"""
_ZH = """
河流 市场 议会 早晨 冬天 学生 农民 图书馆 桥梁 村庄 花园 医生 港口 车站 工程师 画家 老师
博物馆 山谷 森林 岛屿 信件 窗户 山脉 傍晚 夏天 厨房 果园 铁路 灯笼 草地 星球 旅行者 问题
答案 故事 仔细 安静 明亮 温和 古老 现代 简单 狭窄 沉重 耐心 突然 遥远 討論 發展 經濟 環境
"""
#: Word lists of the generated prose: no boilerplate trigger words.
EN_WORDS = _EN.split()
ZH_WORDS = _ZH.split()


def prose(rng: random.Random, zh: bool, sentences: int = 4) -> str:
    """A paragraph of made-up prose (no boilerplate trigger words), ending in a full stop."""
    out = []
    for _ in range(sentences):
        if zh:
            words = [rng.choice(ZH_WORDS) for _ in range(rng.randint(8, 14))]
            out.append("".join(words[:5]) + "，" + "".join(words[5:]) + "。")
        else:
            words = [rng.choice(EN_WORDS) for _ in range(rng.randint(10, 16))]
            out.append(" ".join(words[:6]).capitalize() + ", " + " ".join(words[6:]) + ".")
    return ("" if zh else " ").join(out)


def big_prose_text(chars: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        para = prose(rng, zh=rng.random() < 0.5, sentences=rng.randint(2, 6))
        parts.append(para)
        size += len(para) + 2
    return "\n\n".join(parts)


def same_tail_text(chars: int) -> str:
    """Numbered paragraphs that all end the same way (forum posts, listings, 'Read more')."""
    para = "The quick brown fox jumps over the lazy dog, then it runs far away into the forest. " * 3
    n = chars // (len(para) + 10)
    return "\n\n".join(f"{i}. {para}" for i in range(n))


CUT_REST_PACK = """
[pack]
name = "hardening-cut-rest"
[[rule]]
id = "HARD-CUT-001"
category = "related"
match = "exact"
phrases = ["the end"]
max_chars = 20
action = "cut_rest"
examples.remove = ["The End"]
"""


def cut_rest_storm() -> tuple[str, dict[str, Any]]:
    """100,000 lines that a (legitimate) cut_rest rule matches, before the body (~0.8 MB)."""
    path = Path(tempfile.mkdtemp()) / "cut_rest.toml"
    path.write_text(CUT_REST_PACK, encoding="utf-8")
    rng = random.Random(3)
    body = "\n\n".join(prose(rng, zh=False) for _ in range(5))
    return "The End\n" * 100_000 + "\n" + body, {"extra_packs": (str(path),)}


def separator_chains() -> str:
    """2,000 distinct lines of words and arrows wide apart, ending in a long word: each a
    breadcrumb chain to the eye of a regex, that fails only at its end (the built-in
    ZH-NAV-004 once took 8 s on one such line; ~200 KB)."""
    unit = " " * 6 + "→" + " " * 6
    return "\n".join((unit.join(f"w{i}" for _ in range(5)) + unit + "b" * 30)[:100] for i in range(2000))


def counter_storms() -> str:
    """2,000 distinct short lines of a counter word and wide blanks (``赞      赞 ... 12kk``):
    the built-in ZH-CMT-002 once ran for minutes on one of them."""
    gap = " " * 6
    return "\n".join(gap.join(["赞"] * 4) + " " * (1 + i % 6) + f"{i}kk" for i in range(2000))


def html_page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>Test page</title></head><body>{body}</body></html>"


def html_article(rng: random.Random) -> str:
    paras = "".join(f"<p>{prose(rng, zh=rng.random() < 0.5)}</p>" for _ in range(5))
    return html_page(f"<article><h1>Headline of the article</h1>{paras}</article>")


PDF_HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"


def _garbage(header: bytes, n: int = 200_000) -> bytes:
    rng = random.Random(7)
    return header + bytes(rng.getrandbits(8) for _ in range(n))


def _json_page() -> str:
    rng = random.Random(5)
    items = [{"id": i, "title": prose(rng, False, 1), "tags": ["a", "<b>", "&amp;"]} for i in range(2000)]
    return json.dumps({"items": items, "next": None}, ensure_ascii=False)


def _xml_page() -> str:
    rng = random.Random(6)
    items = "".join(
        f"<item><title>{prose(rng, False, 1)}</title><link>http://x/{i}</link></item>" for i in range(2000)
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{items}</channel></rss>'


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    name: str
    #: "text" -> scrubber.scrub, "html" -> scrubber.scrub_html
    api: str
    #: builds the input, or (input, extra Config options)
    build: Callable[[], Any]
    #: what the issue demands: "ok", an error class name, or "any" (a result or a typed error)
    expect: str = "any"


CASES: tuple[Case, ...] = (
    # plain text
    Case("text_empty", "text", lambda: "", "ok"),
    Case("text_whitespace_only", "text", lambda: " \t\n\u3000\u00a0\r\n\u2028\f\v\n" * 1000, "ok"),
    Case("text_none", "text", lambda: None, "InputTypeError"),
    Case("text_bytes", "text", lambda: b"hello", "InputTypeError"),
    Case("text_int", "text", lambda: 42, "InputTypeError"),
    Case("text_nul_control", "text",
         lambda: "".join(chr(c) for c in range(32)) * 2000 + "\n" + big_prose_text(2000), "ok"),
    Case("text_lone_surrogates", "text",
         lambda: "\ud800 share \udfff\n\n" + big_prose_text(2000) + "\ud83d", "ok"),
    Case("text_binary_garbage", "text", lambda: _garbage(PNG_HEADER).decode("latin-1"), "ok"),
    Case("text_1m_short_lines", "text", lambda: "Home\nNews\nAbout us\n" * 333_334, "ok"),
    Case("text_long_single_line_10mb", "text", lambda: big_prose_text(10_000_000).replace("\n", " "), "ok"),
    Case("text_20mb_prose", "text", lambda: big_prose_text(20_000_000), "ok"),
    Case("text_20mb_same_tails", "text", lambda: same_tail_text(20_000_000), "ok"),
    Case("text_cut_rest_storm", "text", cut_rest_storm, "ok"),
    Case("text_separator_chains", "text", separator_chains, "ok"),
    Case("text_counter_storms", "text", counter_storms, "ok"),
    Case("text_100mb", "text", lambda: "a" * 100_000_000, "LimitError"),
    # HTML
    Case("html_empty", "html", lambda: b""),
    Case("html_whitespace_only", "html", lambda: b" \n\t\r\n" * 1000),
    Case("html_none", "html", lambda: None, "InputTypeError"),
    Case("html_int", "html", lambda: 42, "InputTypeError"),
    Case("html_invalid_utf8", "html",
         lambda: html_page("<p>caf\xe9 \xff\xfe\xc3\x28 ok</p>").encode("latin-1").replace(
             b"<head>", b'<head><meta charset="utf-8">')),
    Case("html_nul_control", "html",
         lambda: html_page("<p>a\x00b\x01c\x1b[31m</p>" * 1000 + "<p>\x00</p>").encode()),
    Case("html_lone_surrogates_str", "html", lambda: html_page("<p>x \ud800 y</p>")),
    Case("html_pdf_bytes", "html", lambda: _garbage(PDF_HEADER)),
    Case("html_png_bytes", "html", lambda: _garbage(PNG_HEADER)),
    Case("html_json", "html", lambda: _json_page().encode()),
    Case("html_xml", "html", lambda: _xml_page().encode()),
    Case("html_100k_nested_divs", "html",
         lambda: html_page("<div>" * 100_000 + "deep text" + "</div>" * 100_000).encode()),
    Case("html_45k_br", "html", lambda: html_page("line<br>" * 45_000).encode()),
    # Too deep for the tree, so stripped by pattern: openers never closed, each of which a
    # lazy pattern read to the end of the page (quadratic: 19,000 templates took 30 s).
    Case("html_40k_unclosed_templates", "html",
         lambda: ("<p>body text first</p>" + "<template>" * 40_000 + "<p>body text last</p>").encode()),
    Case("html_deep_then_80k_unclosed_comments", "html",
         lambda: ("<div>" * 3000 + "<p>body text</p>" + "<!--" * 80_000).encode()),
    Case("html_deep_then_40k_unclosed_tags", "html",
         lambda: ("<div>" * 3000 + "<p>body text</p>" + "<p " * 40_000).encode()),
    Case("html_1m_tiny_elements", "html", lambda: html_page("<i>x</i>" * 1_000_000).encode()),
    Case("html_20mb_article", "html",
         lambda: html_page("".join(f"<p>{p}</p>" for p in big_prose_text(20_000_000).split("\n\n")))
         .encode()),
    Case("html_100mb", "html", lambda: b"<p>" + b"a" * 100_000_000 + b"</p>", "LimitError"),
)
BY_NAME = {c.name: c for c in CASES}


def available_packs() -> tuple[str, ...]:
    """The built-in packs that load right now (all of them once the packs have landed).

    The pack files were written concurrently with this harness; a missing or broken pack is
    left out here (tests/test_packs.py and tests/test_rule_examples.py own pack validity).
    """
    from scrubber.config import BUILTIN_PACKS
    from scrubber.rules.schema import builtin_pack_path, load_pack

    out = []
    for name in BUILTIN_PACKS:
        try:
            load_pack(builtin_pack_path(name))
        except Exception:
            continue
        out.append(name)
    return tuple(out)


def run_here(name: str) -> dict[str, Any]:
    """Run one case in this process; the outcome record (see the module docstring)."""
    import scrubber

    case = BY_NAME[name]
    built = case.build()
    data, options = built if isinstance(built, tuple) else (built, {})
    options = {"packs": available_packs(), **options}
    call = scrubber.scrub if case.api == "text" else scrubber.scrub_html
    start = time.perf_counter()
    detail = ""
    try:
        result = call(data, **options)
        outcome = "ok"
        flags = list(result.flags)[:3]
        detail = f"{len(result.text)} chars out, {len(result.removals)} removals, flags={flags}"
    except (scrubber.ScrubberError, TypeError) as exc:
        outcome = type(exc).__name__
        detail = str(exc)[:120]
    except BaseException as exc:
        outcome = f"UNTYPED:{type(exc).__name__}"
        detail = str(exc)[:120]
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"case": name, "outcome": outcome, "seconds": seconds, "rss_mb": rss_mb, "detail": detail}


def run_case(name: str, timeout: float = TIMEOUT) -> dict[str, Any]:
    """Run one case in a fresh process; a hang is ``TIMEOUT``, a signal ``CRASH:<n>``."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--case", name],
            capture_output=True, text=True, timeout=timeout, env=env, cwd=str(REPO_ROOT),
        )
    except subprocess.TimeoutExpired:
        return {"case": name, "outcome": "TIMEOUT", "seconds": time.perf_counter() - start,
                "rss_mb": float("nan"), "detail": f"no answer within {timeout:.0f} s"}
    if proc.returncode < 0:
        return {"case": name, "outcome": f"CRASH:{-proc.returncode}", "seconds": time.perf_counter() - start,
                "rss_mb": float("nan"), "detail": proc.stderr[-200:]}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return {"case": name, "outcome": f"EXIT:{proc.returncode}", "seconds": time.perf_counter() - start,
                "rss_mb": float("nan"), "detail": proc.stderr[-300:]}
    return json.loads(lines[-1])


def acceptable(record: dict[str, Any], expect: str) -> bool:
    """A result or a typed error (``expect == "any"``), or exactly the expected outcome."""
    outcome = record["outcome"]
    if expect == "any":
        return not outcome.startswith(("UNTYPED", "TIMEOUT", "CRASH", "EXIT"))
    return outcome == expect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", help="run one case in this process and print its JSON record")
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--timeout", type=float, default=TIMEOUT)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_here(args.case)))
        return 0
    try:
        from benchmarks.report import markdown_table
    except ImportError:  # run as a script from inside benchmarks/
        from report import markdown_table  # type: ignore[no-redef]

    rows = []
    for case in CASES:
        if args.only not in case.name:
            continue
        rec = run_case(case.name, args.timeout)
        verdict = "yes" if acceptable(rec, case.expect) and rec["seconds"] <= 10 and not (
            rec["rss_mb"] > MAX_RSS_MB) else "NO"
        rows.append([case.name, rec["outcome"], round(rec["seconds"], 2),
                     round(rec["rss_mb"], 1), verdict, rec["detail"][:70].replace("|", "/")])
        print(f"{case.name}: {rec['outcome']} {rec['seconds']:.2f}s", file=sys.stderr, flush=True)
    print(markdown_table(["case", "outcome", "seconds", "peak RSS MB", "within bounds", "detail"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

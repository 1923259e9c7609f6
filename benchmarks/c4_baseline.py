"""C4-style line filter extended to CJK text, used as a text-mode baseline.

A line is kept only if it ends in sentence punctuation (ASCII ``. ! ?``,
optionally followed by closing quotes, or CJK ``。！？…`` optionally followed by
closing quotes/brackets) and has at least 3 whitespace-separated words or at
least 10 CJK characters.  With ``c4_extras`` the original C4 line drops are
applied too (lines mentioning javascript or cookie/privacy/terms policies).

Figures on input_fulltext (F1; the issue quotes 0.851 / 0.841 / 0.711):
scrapinghub 0.844, zh_cwced_dev 0.842, zh_magichtml_dev 0.715; with
``c4_extras`` 0.848 / 0.842 / 0.715.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import regex

try:
    from benchmarks.scoring import TEXT_INPUTS, load_set, score
except ImportError:  # run as a script from inside benchmarks/
    from scoring import TEXT_INPUTS, load_set, score  # type: ignore[no-redef]

MIN_WORDS = 3
MIN_CJK = 10
_END_RE = regex.compile(r"""(?:[.!?]|[。！？…])["'”’」』）)]*\s*$""")
_C4_DROP = (
    "javascript",
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
_CJK_RE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\uAC00-\uD7A3]")


def keep_line(line: str, c4_extras: bool = False) -> bool:
    """Return True if ``line`` looks like a sentence by the C4-CJK rule."""
    line = line.strip()
    if not line or not _END_RE.search(line):
        return False
    if c4_extras and any(word in line.lower() for word in _C4_DROP):
        return False
    return len(line.split()) >= MIN_WORDS or len(_CJK_RE.findall(line)) >= MIN_CJK


def c4_cjk_filter(text: str, c4_extras: bool = False) -> str:
    """Return the lines of ``text`` that pass :func:`keep_line`."""
    lines = text.splitlines()
    return "\n".join(line.strip() for line in lines if keep_line(line, c4_extras))


def main() -> None:
    """Score the C4-CJK filter on the text-mode inputs of dataset folders."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", help="dataset folders with gold.jsonl")
    parser.add_argument("--c4-extras", action="store_true", help="also apply C4's line drops")
    args = parser.parse_args()
    for folder in args.folders:
        data = load_set(folder)
        for name in TEXT_INPUTS:
            pairs = ((c4_cjk_filter(r.get(name, ""), args.c4_extras), r["gold"]) for r in data.values())
            res = score(pairs)
            print(
                f"{Path(folder).name:20} {name:18} P {res['precision']:.3f} "
                f"R {res['recall']:.3f} F1 {res['f1']:.3f}"
            )


if __name__ == "__main__":
    main()

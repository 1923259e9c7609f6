"""Scoring used by the scrubber benchmarks (see the datasets README).

Tokens are runs of ``\\w`` characters, lowercased, except that every CJK
ideograph, kana and hangul syllable is a token of its own.  Shingles are
windows of 4 consecutive tokens.  Per page, TP/FP/FN are the multiset overlap
of predicted and gold shingles.  Precision is the mean of TP/(TP+FP) over pages
with TP+FP > 0, recall the mean of TP/(TP+FN) over pages with TP+FN > 0 (a page
where both sides are empty, FP = FN = 0, counts as 1 in both), and F1 is the
harmonic mean of the two means.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import regex

SHINGLE_SIZE = 4
# A single CJK ideograph, kana or hangul syllable is one token; other word
# characters form runs.  Kana is taken by Unicode block (U+3040-U+30FF), so the
# katakana middle dot U+30FB is a token too: the README reference figures
# (zh_cwced_dev 0.772 / 0.840) are reproduced only with this reading.
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\u3040-\u30FF\u31F0-\u31FF\uAC00-\uD7A3"
_TOKEN_RE = regex.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_SPACE_RE = regex.compile(r"\s+")

TEXT_INPUTS = ("input_fulltext", "input_trafilatura")


def tokens(text: str) -> list[str]:
    """Return the lowercased tokens of ``text``."""
    return _TOKEN_RE.findall(text.lower())


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """Return the multiset of 4-token shingles of ``text``."""
    toks = tokens(text)
    if not toks:
        return Counter()
    if len(toks) < SHINGLE_SIZE:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + SHINGLE_SIZE]) for i in range(len(toks) - SHINGLE_SIZE + 1))


def page_counts(pred: str, gold: str) -> tuple[int, int, int]:
    """Return (tp, fp, fn) of ``pred`` against ``gold`` as shingle multisets."""
    p, g = shingles(pred), shingles(gold)
    tp = sum((p & g).values())
    return tp, sum(p.values()) - tp, sum(g.values()) - tp


def page_scores(tp: int, fp: int, fn: int) -> tuple[float | None, float | None]:
    """Return per-page (precision, recall); None where a page is not in that mean."""
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def page_f1(pred: str, gold: str) -> float:
    """Return the F1 of one page (0 where precision or recall is undefined)."""
    p, r = page_scores(*page_counts(pred, gold))
    return harmonic(p or 0.0, r or 0.0)


def harmonic(a: float, b: float) -> float:
    """Return the harmonic mean of ``a`` and ``b`` (0 if both are 0)."""
    return 2 * a * b / (a + b) if a + b else 0.0


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def score(pairs: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Score (pred, gold) pairs: macro precision, recall, F1 and page count."""
    precisions: list[float] = []
    recalls: list[float] = []
    pages = 0
    for pred, gold in pairs:
        pages += 1
        p, r = page_scores(*page_counts(pred, gold))
        if p is not None:
            precisions.append(p)
        if r is not None:
            recalls.append(r)
    precision, recall = _mean(precisions), _mean(recalls)
    return {
        "precision": precision,
        "recall": recall,
        "f1": harmonic(precision, recall),
        "pages": pages,
    }


def collapse_ws(text: str) -> str:
    """Collapse whitespace runs to a single space."""
    return _SPACE_RE.sub(" ", text)


def snippet_counts(
    text: str, with_list: Iterable[str], without_list: Iterable[str]
) -> tuple[int, int, int, int]:
    """Return (with found, with total, without absent, without total) for one page."""
    hay = collapse_ws(text)
    found = [collapse_ws(s) in hay for s in with_list]
    absent = [collapse_ws(s) not in hay for s in without_list]
    return sum(found), len(found), sum(absent), len(absent)


def snippet_score(text: str, with_list: Iterable[str], without_list: Iterable[str]) -> dict[str, float]:
    """Score one page's text against ``with``/``without`` snippets.

    Returns the share of ``with`` snippets found, of ``without`` snippets absent
    (whitespace collapsed on both sides, case-sensitive substring test), and
    their harmonic mean.
    """
    wf, wn, na, nn = snippet_counts(text, with_list, without_list)
    with_share = wf / wn if wn else 1.0
    without_share = na / nn if nn else 1.0
    return {
        "with_found": with_share,
        "without_absent": without_share,
        "hmean": harmonic(with_share, without_share),
    }


def snippet_total(results: Iterable[tuple[int, int, int, int]]) -> dict[str, float]:
    """Aggregate per-page snippet counts into corpus-level shares (micro average)."""
    wf = wn = na = nn = pages = 0
    for a, b, c, d in results:
        wf, wn, na, nn, pages = wf + a, wn + b, na + c, nn + d, pages + 1
    with_share = wf / wn if wn else 1.0
    without_share = na / nn if nn else 1.0
    return {
        "with_found": with_share,
        "without_absent": without_share,
        "hmean": harmonic(with_share, without_share),
        "pages": pages,
    }


def read_jsonl(path: Path) -> list[dict]:
    """Read a JSON-lines file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_set(folder: str | Path) -> dict[str, dict]:
    """Load a dataset folder: id -> record with gold fields, inputs and page path.

    Each record holds the gold object's fields (``text`` renamed ``gold``; for
    snippet sets ``with``/``without``), ``input_fulltext`` and
    ``input_trafilatura`` when present, and ``page`` (Path to ``pages/ID.html``).
    """
    folder = Path(folder)
    records: dict[str, dict] = {}
    gold_file = folder / "gold.jsonl"
    base = gold_file if gold_file.exists() else folder / "checks.jsonl"
    for obj in read_jsonl(base):
        rec = dict(obj)
        if "text" in rec:
            rec["gold"] = rec.pop("text")
        rec["page"] = folder / "pages" / f"{obj['id']}.html"
        records[obj["id"]] = rec
    for name in TEXT_INPUTS:
        path = folder / f"{name}.jsonl"
        if path.exists():
            for obj in read_jsonl(path):
                if obj["id"] in records:
                    records[obj["id"]][name] = obj["text"]
    return records


def main() -> None:
    """Score the text-mode inputs of the given dataset folders as they are."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", help="dataset folders with gold.jsonl")
    args = parser.parse_args()
    for folder in args.folders:
        data = load_set(folder)
        for name in TEXT_INPUTS:
            res = score((r.get(name, ""), r["gold"]) for r in data.values())
            print(
                f"{Path(folder).name:20} {name:18} P {res['precision']:.3f} "
                f"R {res['recall']:.3f} F1 {res['f1']:.3f} ({res['pages']} pages)"
            )


if __name__ == "__main__":
    main()

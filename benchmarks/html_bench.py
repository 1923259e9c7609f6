"""HTML-mode benchmark: scrubber.scrub_html() against third-party extractors.

Each page is decoded to str once (for the third-party extractors; scrubber gets
the original bytes), then every extractor runs over all pages in this process,
timed per call.  Per set prints P/R/F1 (snippet sets: with found / without
absent / harmonic mean) and pages/s.

    python benchmarks/html_bench.py /path/to/datasets [--sets a,b]
        [--extractors scrubber,trafilatura,...] [--worst N] [--limit N]
"""

from __future__ import annotations

import argparse
import codecs
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import regex

try:
    from benchmarks.report import (
        import_library,
        library_function,
        list_sets,
        markdown_table,
    )
    from benchmarks.scoring import (
        load_set,
        page_f1,
        score,
        snippet_counts,
        snippet_score,
        snippet_total,
    )
except ImportError:  # run as a script from inside benchmarks/
    from report import (  # type: ignore[no-redef]
        import_library,
        library_function,
        list_sets,
        markdown_table,
    )
    from scoring import (  # type: ignore[no-redef]
        load_set,
        page_f1,
        score,
        snippet_counts,
        snippet_score,
        snippet_total,
    )

ALL_EXTRACTORS = (
    "scrubber",
    "scrubber_scorer",
    "scrubber_trafilatura",
    "trafilatura",
    "trafilatura_nocomments",
    "trafilatura_precision",
    "readability",
    "justext",
)
# Extractor signature: (decoded html, original bytes, url, lang) -> text.
Extractor = Callable[[str, bytes, str, str], str]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHARSET_RE = regex.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<text\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    regex.IGNORECASE,
)
_GB_ALIASES = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn", "csgb2312"}
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
_JUSTEXT_STOPLISTS = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "it": "Italian",
    "id": "Indonesian",
    "ko": "Korean",
    "nl": "Dutch",
    "sv": "Swedish",
    "cs": "Czech",
}


# --- decoding -------------------------------------------------------------


def normalise_charset(name: str) -> str | None:
    """Return a Python codec name for a declared charset (GB family -> gb18030)."""
    name = name.strip().lower()
    if name in _GB_ALIASES:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(raw: bytes) -> str | None:
    """Return the charset declared in the first 4 KB (meta / CleanEval wrapper)."""
    match = _CHARSET_RE.search(raw[:4096])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii", "ignore")
    return normalise_charset(name)


def detect_charset(raw: bytes) -> str:
    """Guess the charset with charset_normalizer (utf-8 if it has no answer)."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        return "utf-8"
    return normalise_charset(best.encoding) or "utf-8"


def decode_html(raw: bytes) -> str:
    """Decode page bytes: BOM, then declared charset, then detection."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw.decode(codec, errors="replace")
    declared = declared_charset(raw)
    if declared:
        try:
            return raw.decode(declared)
        except UnicodeDecodeError:
            pass
    return raw.decode(detect_charset(raw), errors="replace")


# --- extractors -------------------------------------------------------------


def make_scrubber(module_name: str = "scrubber", **options: str) -> Extractor | None:
    """Return ``<module>.scrub_html`` (with ``options``) as an extractor, or None if unavailable."""
    scrub_html = library_function(import_library(module_name), "scrub_html")
    if scrub_html is None:
        return None

    def run(_html: str, raw: bytes, url: str, _lang: str) -> str:
        result = scrub_html(raw, url=url, **options)
        return getattr(result, "text", result) or ""

    return run


def make_trafilatura(**options: bool) -> Extractor:
    """Return trafilatura.extract with ``options`` as an extractor."""
    import trafilatura

    def run(html: str, _raw: bytes, url: str, _lang: str) -> str:
        return trafilatura.extract(html, url=url or None, **options) or ""

    return run


def block_text(fragment: str) -> str:
    """Return the text of an HTML fragment with block elements on their own lines."""
    import lxml.html

    root = lxml.html.fromstring(fragment)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            if element.tag.lower() != "br":
                element.text = "\n" + (element.text or "")
    lines = (line.strip() for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def make_readability() -> Extractor:
    """Return readability-lxml Document(html).summary(html_partial=True) + block text."""
    from readability import Document

    def run(html: str, _raw: bytes, _url: str, _lang: str) -> str:
        return block_text(Document(html).summary(html_partial=True))

    return run


def make_justext() -> Extractor:
    """Return jusText with the stoplist of the page language (English fallback)."""
    import justext

    available = set(justext.get_stoplists())
    cache: dict[str, frozenset[str]] = {}

    def stoplist(lang: str) -> frozenset[str]:
        name = _JUSTEXT_STOPLISTS.get((lang or "").lower()[:2], "English")
        name = name if name in available else "English"
        if name not in cache:
            cache[name] = justext.get_stoplist(name)
        return cache[name]

    def run(html: str, _raw: bytes, _url: str, lang: str) -> str:
        paragraphs = justext.justext(html, stoplist(lang))
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return run


def make_extractor(name: str, module_name: str = "scrubber") -> Extractor | None:
    """Build the named extractor; None (with a note) if it cannot be set up."""
    factories: dict[str, Callable[[], Extractor | None]] = {
        "scrubber": lambda: make_scrubber(module_name),
        # Config.main_content modes other than the default "auto".
        "scrubber_scorer": lambda: make_scrubber(module_name, main_content="scorer"),
        "scrubber_trafilatura": lambda: make_scrubber(module_name, main_content="trafilatura"),
        "trafilatura": make_trafilatura,
        "trafilatura_nocomments": lambda: make_trafilatura(include_comments=False),
        "trafilatura_precision": lambda: make_trafilatura(favor_precision=True),
        "readability": make_readability,
        "justext": make_justext,
    }
    if name not in factories:
        print(f"NOTE: unknown extractor {name!r}; skipped.")
        return None
    try:
        return factories[name]()
    except ImportError as exc:
        print(f"NOTE: extractor {name!r} unavailable ({exc}); skipped.")
        return None


# --- running and scoring ---------------------------------------------------


@dataclass
class Page:
    """One page: id, original bytes, decoded html and its gold record."""

    page_id: str
    raw: bytes
    html: str
    record: dict


@dataclass
class Run:
    """Outputs of one extractor over a set, with timing and failure count."""

    name: str
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    errors: int = 0
    empty: int = 0


def load_pages(folder: Path, limit: int | None) -> list[Page]:
    """Load and decode the pages of a set (each page decoded once)."""
    records = load_set(folder)
    ids = sorted(records)[:limit] if limit else sorted(records)
    pages = []
    for page_id in ids:
        raw = records[page_id]["page"].read_bytes()
        pages.append(Page(page_id, raw, decode_html(raw), records[page_id]))
    return pages


def call_extractor(extract: Extractor, page: Page) -> tuple[str, bool]:
    """Run one extractor on one page; return (text, failed with an exception)."""
    url = page.record.get("url", "") or ""
    lang = page.record.get("lang", "") or ""
    try:
        return extract(page.html, page.raw, url, lang), False
    except Exception:
        return "", True


def run_extractor(name: str, extract: Extractor, pages: list[Page]) -> Run:
    """Run one extractor over all pages (after one untimed warm-up call)."""
    run = Run(name)
    call_extractor(extract, pages[0])
    for page in pages:
        start = time.perf_counter()
        text, failed = call_extractor(extract, page)
        run.seconds += time.perf_counter() - start
        run.errors += failed
        run.empty += not text.strip()
        run.outputs[page.page_id] = text
    return run


def page_metric(text: str, record: dict) -> float:
    """Per-page score: shingle F1, or snippet harmonic mean for snippet sets."""
    if "gold" in record:
        return page_f1(text, record["gold"])
    return snippet_score(text, record["with"], record["without"])["hmean"]


def run_scores(run: Run, pages: list[Page]) -> dict[str, float]:
    """Return the aggregate scores of one run over a set."""
    if "gold" in pages[0].record:
        return score((run.outputs[p.page_id], p.record["gold"]) for p in pages)
    return snippet_total(
        snippet_counts(run.outputs[p.page_id], p.record["with"], p.record["without"]) for p in pages
    )


def score_row(run: Run, pages: list[Page]) -> list:
    """Return a table row for one run."""
    res = run_scores(run, pages)
    rate = len(pages) / run.seconds if run.seconds else float("inf")
    mb_s = sum(len(p.raw) for p in pages) / 1e6 / run.seconds if run.seconds else 0.0
    if "gold" in pages[0].record:
        metrics = [res["precision"], res["recall"], res["f1"]]
    else:
        metrics = [res["with_found"], res["without_absent"], res["hmean"]]
    return [run.name, *metrics, f"{rate:.1f}", f"{mb_s:.2f}", run.errors, run.empty]


def print_table(runs: list[Run], pages: list[Page]) -> None:
    """Print the per-set markdown table."""
    if "gold" in pages[0].record:
        heads = ["extractor", "P", "R", "F1"]
    else:
        heads = ["extractor", "with found", "without absent", "hmean"]
    heads += ["pages/s", "MB/s", "errors", "empty"]
    print(markdown_table(heads, [score_row(r, pages) for r in runs]))


def print_worst(runs: list[Run], pages: list[Page], n: int) -> None:
    """Print scrubber's ``n`` worst pages with the best other extractor beside."""
    mine = next((r for r in runs if r.name == "scrubber"), None)
    others = [r for r in runs if r.name != "scrubber"]
    if mine is None:
        print("\n(--worst: scrubber did not run)")
        return
    rows = []
    for page in pages:
        own = page_metric(mine.outputs[page.page_id], page.record)
        best = max(
            ((page_metric(r.outputs[page.page_id], page.record), r.name) for r in others),
            default=(0.0, "-"),
        )
        rows.append([page.page_id, own, best[0], best[1]])
    rows.sort(key=lambda r: r[1])
    print(f"\nworst {n} pages for scrubber:\n")
    print(markdown_table(["id", "scrubber", "best other", "by"], rows[:n]))


def bench_set(folder: Path, extractors: dict[str, Extractor], args: argparse.Namespace) -> None:
    """Run every extractor on one set and print its results."""
    pages = load_pages(folder, args.limit)
    mb = sum(len(p.raw) for p in pages) / 1e6
    print(f"\n## {folder.name} ({len(pages)} pages, {mb:.1f} MB HTML)\n")
    if not pages:
        return
    runs = [run_extractor(name, ex, pages) for name, ex in extractors.items()]
    print_table(runs, pages)
    if args.worst:
        print_worst(runs, pages, args.worst)


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets_dir", type=Path, help="folder holding the sets")
    parser.add_argument("--sets", help="comma-separated set names (default: all)")
    parser.add_argument(
        "--extractors",
        default=",".join(ALL_EXTRACTORS),
        help="comma-separated extractors (default: %(default)s)",
    )
    parser.add_argument("--worst", type=int, default=0, help="list N worst pages")
    parser.add_argument("--limit", type=int, default=None, help="first N pages/set")
    parser.add_argument("--module", default="scrubber", help="library module name")
    return parser.parse_args()


def main() -> None:
    """Run the HTML-mode benchmark."""
    args = parse_args()
    names = [n.strip() for n in args.extractors.split(",") if n.strip()]
    built = {name: make_extractor(name, args.module) for name in names}
    extractors = {name: ex for name, ex in built.items() if ex is not None}
    for folder in list_sets(args.datasets_dir, args.sets):
        bench_set(folder, extractors, args)


if __name__ == "__main__":
    main()

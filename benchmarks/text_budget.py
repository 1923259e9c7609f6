"""Where text mode's time goes, stage by stage, on the engine as it runs.

    python benchmarks/text_budget.py /path/to/datasets [--sets a,b] [--passes 5]

Times growing prefixes of the text pipeline over every ``input_fulltext`` and
``input_trafilatura`` text (one process, the fastest of ``--passes`` runs): cutting into lines,
the document scan (fold, condition bits, prose counts), stage one of line matching (exact
phrases, Aho-Corasick, gates; native when built), stage two (the regex searches), then the
whole ``Scrubber.scrub``. Each stage's share is the difference between two prefixes; "MB/s
alone" is what the engine could not exceed even if everything else cost nothing. With
``--no-native`` the path of an install without the native core is timed instead (Python stages,
``CompiledRules.match_lines``). The stages run with ``Config.line_cache`` off (each pass would
find the last one's lines); the last two lines time the engine with it and without it, a fresh
Scrubber a pass (which also pays the Scrubber's first use: ~7 ms on the full-page texts).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

try:
    from benchmarks.throughput import load_texts, timed_fresh
except ImportError:  # run as a script from inside benchmarks/
    from throughput import load_texts, timed_fresh  # type: ignore[no-redef]

from scrubber import Config, Scrubber
from scrubber.engine.compile import Budget
from scrubber.engine.docscan import DocScan
from scrubber.engine.fold import core
from scrubber.fronts.text import split_text


def fastest(fn: Callable[[], object], passes: int) -> float:
    """The fastest of ``passes`` runs, in seconds: differences of prefixes need the least
    noisy figure (this machine's speed drifts between runs more than a stage costs)."""
    best = float("inf")
    for _ in range(passes):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("datasets", type=Path)
    parser.add_argument("--sets", default="scrapinghub,zh_cwced_dev,zh_magichtml_dev")
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--inputs", default="input_fulltext,input_trafilatura",
                        help="which text inputs of each set (comma-separated; the issue's target "
                             "is on input_fulltext)")
    parser.add_argument("--no-native", action="store_true",
                        help="time the path of an install without the native core")
    args = parser.parse_args()
    texts = load_texts(args.datasets, args.sets.split(","), tuple(args.inputs.split(",")))
    mb = sum(len(t.encode("utf-8", "surrogatepass")) for t in texts) / 1e6
    # The line cache off: every pass would otherwise find the texts' lines from the last one
    # (the stages here are the engine's cost per line; the cache's own effect is printed last).
    scrubber = Scrubber(Config(line_cache=0), _native=not args.no_native)
    rules, config = scrubber.rules, scrubber.config
    native = rules.line_matcher is not None

    # Each prefix runs document by document and drops its results, as scrub() does (holding
    # every document's blocks at once would time the garbage collector instead).
    def split(text: str) -> object:
        return split_text(text, native=native)

    def scan(text: str) -> tuple:
        doc = split_text(text, native=native)
        return doc, DocScan(doc.source, doc.blocks, rules.scan_tables, config)

    def lines_of(doc: object, sc: DocScan) -> list[tuple[str, str, int]]:
        out = []
        for b in doc.blocks:  # type: ignore[attr-defined]
            if b.end - b.start <= rules.line_max:
                folded = sc.folded[b.start : b.end]
                out.append((folded, core(folded), sc.blocked[b.index]))
        return out

    def stage_one(text: str) -> list:
        doc, sc = scan(text)
        if native:
            todo = [b.index for b in doc.blocks if b.end - b.start <= rules.line_max]
            return rules.line_matcher.match(sc.folded, sc.starts, sc.ends, sc.bits, todo)
        return rules.match_lines(lines_of(doc, sc), None, stage_one=True)

    def stage_two(text: str) -> list:
        doc, sc = scan(text)
        budget = Budget(config.regex_budget)
        if native:  # the native matcher runs the searches itself when given the budget
            todo = [b.index for b in doc.blocks if b.end - b.start <= rules.line_max]
            return rules.line_matcher.match(sc.folded, sc.starts, sc.ends, sc.bits, todo, budget)
        return rules.match_lines(lines_of(doc, sc), budget)

    def each(fn: Callable[[str], object]) -> Callable[[], None]:
        def run() -> None:
            for text in texts:
                fn(text)
        return run

    steps: list[tuple[str, Callable[[], object]]] = [
        ("cut into lines (split_text)", each(split)),
        ("+ document scan (DocScan)", each(scan)),
        (f"+ stage one of matching ({'native' if native else 'Python'})", each(stage_one)),
        ("+ stage two: regex searches", each(stage_two)),
        ("+ every other pass and the Result (Scrubber.scrub)", each(scrubber.scrub)),
    ]
    print(f"{len(texts)} documents, {mb:.2f} MB, {'Python' if args.no_native else 'native'} path, "
          f"fastest of {args.passes} passes\n")
    print("| prefix of the pipeline | ms | this stage ms | this stage alone MB/s |")
    print("|---|---:|---:|---:|")
    before = 0.0
    for name, fn in steps:
        secs = fastest(fn, args.passes)
        stage = max(secs - before, 1e-9)
        print(f"| {name} | {1000 * secs:.0f} | {1000 * stage:.0f} | {mb / stage:,.0f} |")
        before = secs
    print(f"\nwhole engine: {mb / before:.2f} MB/s per core")
    if native:
        # A fresh Scrubber also pays its first use (each regex compiled and split on first
        # search, its scratch buffers): timed with the cache off too, so that the cache's own
        # cost or gain is the difference of these two lines, not of this and the one above.
        for label, config in (("with the line cache", None), ("without it", Config(line_cache=0))):
            cold = min(timed_fresh(lambda s: [s.scrub(t) for t in texts], 1, config)
                       for _ in range(args.passes))
            print(f"{label} (Config.line_cache, a fresh Scrubber each pass): {1000 * cold:.0f} ms, "
                  f"{mb / cold:.2f} MB/s per core")


if __name__ == "__main__":
    main()

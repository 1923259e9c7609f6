"""Text-mode benchmark: score inputs, the C4-CJK filter and scrubber.scrub().

For each dataset with gold and each text input (input_fulltext,
input_trafilatura) prints P/R/F1 of (a) the input as given, (b) the C4-CJK
line filter, (c) ``scrubber.scrub(text).text``, plus scrub timing and the pages
where scrub lost most F1 against its input.

    python benchmarks/text_bench.py /path/to/datasets [--sets a,b] [--worst N]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    from benchmarks.c4_baseline import c4_cjk_filter
    from benchmarks.report import (
        import_library,
        library_function,
        list_sets,
        markdown_table,
    )
    from benchmarks.scoring import TEXT_INPUTS, load_set, page_f1, score
except ImportError:  # run as a script from inside benchmarks/
    from c4_baseline import c4_cjk_filter  # type: ignore[no-redef]
    from report import (  # type: ignore[no-redef]
        import_library,
        library_function,
        list_sets,
        markdown_table,
    )
    from scoring import TEXT_INPUTS, load_set, page_f1, score  # type: ignore[no-redef]

Scrub = Callable[[str], Any]


def load_scrub(module_name: str) -> Scrub | None:
    """Import the library lazily and return its ``scrub`` function, or None."""
    return library_function(import_library(module_name), "scrub")


def run_scrub(scrub: Scrub, texts: dict[str, str]) -> tuple[dict[str, str], dict]:
    """Run ``scrub`` on every text; return outputs and timing/error stats.

    A page whose scrub raises counts as empty output; errors are summarised by
    message, not printed one by one.
    """
    outputs: dict[str, str] = {}
    errors: Counter[str] = Counter()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for page_id, text in texts.items():
        try:
            outputs[page_id] = scrub(text).text or ""
        except Exception as exc:
            errors[f"{type(exc).__name__}: {exc}"[:200]] += 1
            outputs[page_id] = ""
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    size_mb = sum(len(t.encode("utf-8")) for t in texts.values()) / 1e6
    stats = {"mb": size_mb, "wall": wall, "cpu": cpu, "errors": errors}
    return outputs, stats


def result_row(label: str, outputs: dict[str, str], gold: dict[str, str]) -> list:
    """Return a table row (label, P, R, F1) for outputs scored against gold."""
    res = score((outputs[i], gold[i]) for i in gold)
    return [label, res["precision"], res["recall"], res["f1"]]


def worst_pages(inputs: dict[str, str], outputs: dict[str, str], gold: dict[str, str], n: int) -> list[list]:
    """Return the ``n`` pages where scrub's F1 fell most below the input's."""
    rows = []
    for page_id, gold_text in gold.items():
        f_in = page_f1(inputs[page_id], gold_text)
        f_out = page_f1(outputs[page_id], gold_text)
        rows.append([page_id, f_in, f_out, f_out - f_in])
    rows.sort(key=lambda r: r[3])
    return rows[:n]


def timing_line(stats: dict) -> str:
    """Format scrub timing stats (and the most common errors, if any)."""
    wall, cpu, errors = stats["wall"], stats["cpu"], stats["errors"]
    rate = stats["mb"] / wall if wall else float("inf")
    line = (
        f"scrub timing: {stats['mb']:.2f} MB input, wall {wall:.2f} s, "
        f"CPU {cpu:.2f} s, {rate:.2f} MB/s (wall), errors {sum(errors.values())}"
    )
    for message, count in errors.most_common(3):
        line += f"\n  {count} x {message}"
    return line


def bench_input(data: dict[str, dict], name: str, scrub: Scrub | None, worst: int) -> None:
    """Print the table (and scrub timing / worst pages) for one input of a set."""
    gold = {i: r["gold"] for i, r in data.items()}
    inputs = {i: r.get(name, "") for i, r in data.items()}
    rows = [
        result_row("input as given", inputs, gold),
        result_row("C4-CJK filter", {i: c4_cjk_filter(t) for i, t in inputs.items()}, gold),
    ]
    outputs, stats = (None, None) if scrub is None else run_scrub(scrub, inputs)
    if outputs is not None:
        rows.append(result_row("scrubber.scrub", outputs, gold))
    print(f"\n### {name}\n")
    print(markdown_table(["method", "P", "R", "F1"], rows))
    if stats is not None:
        print("\n" + timing_line(stats))
    if outputs is not None and worst > 0:
        table = worst_pages(inputs, outputs, gold, worst)
        print(f"\nworst {worst} pages by F1 delta (scrub - input):\n")
        print(markdown_table(["id", "F1 input", "F1 scrubbed", "delta"], table))


def main() -> None:
    """Parse arguments and run the text-mode benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets_dir", type=Path, help="folder holding the sets")
    parser.add_argument("--sets", help="comma-separated set names (default: all)")
    parser.add_argument("--worst", type=int, default=0, help="list N worst pages")
    parser.add_argument("--module", default="scrubber", help="library module name")
    parser.add_argument(
        "--multilingual",
        action="store_true",
        help="accepted for symmetry; snippet sets have no text input (use html_bench)",
    )
    args = parser.parse_args()
    if args.multilingual:
        print("NOTE: snippet sets have no text input; run html_bench.py for them.")
    scrub = load_scrub(args.module)
    for folder in list_sets(args.datasets_dir, args.sets):
        if not (folder / "gold.jsonl").exists():
            print(f"\n## {folder.name}: no gold text / text input, skipped in text mode")
            continue
        data = load_set(folder)
        print(f"\n## {folder.name} ({len(data)} pages)")
        for name in TEXT_INPUTS:
            bench_input(data, name, scrub, args.worst)


if __name__ == "__main__":
    main()

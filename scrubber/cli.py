"""The ``scrubber`` command.

    scrubber clean [FILE|-]... [--explain] [--json] [--no-title] [--pack FILE]... [--select S]...
                   [--ignore S]... [--jsonl [--field text|html] [--with-removals] | --warc | --html]
                   [--out FILE|DIR/] [--jobs N] [--fail-fast] [--quiet]
    scrubber rules list [--category C] | show ID | check PACK...

One input file (or stdin) without ``--out``, ``--jsonl`` or ``--warc`` is cleaned as before:
the body on stdout. Anything else is a batch run (see :mod:`scrubber.batch`): inputs may be
gzip/zstd/bz2/xz compressed (detected from their bytes), outputs are compressed by extension,
``--jobs N`` runs N worker processes that parse, clean and serialise chunks of raw input, a
progress bar shows when stderr is a terminal and a summary is printed on stderr at the end.
Several plain-text documents on one stream are separated by a line holding a form feed.

Exit codes: 0 success; 1 ``rules check`` found failing examples, or a batch run completed but
some documents failed (each is reported); 2 usage, pack or input errors, an output that cannot
be written, or ``--fail-fast`` stopped a batch run; 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ._core import Scrubber
from .config import MAIN_CONTENT, Config
from .errors import ScrubberError
from .io import looks_like_html, open_input
from .result import Result
from .rules.check import check_rules

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scrubber", description="Strip boilerplate from scraped text.")
    sub = parser.add_subparsers(dest="command", required=True)

    clean = sub.add_parser("clean", help="clean text files, JSONL or WARC (or stdin)")
    clean.add_argument("files", nargs="*", default=["-"], metavar="FILE",
                       help="input files, or - for stdin (default)")
    clean.add_argument("--explain", action="store_true", help="list every removal on stderr")
    clean.add_argument("--json", action="store_true", help="print the result as JSON")
    clean.add_argument("--no-title", action="store_true", help="do not print the title first")
    clean.add_argument("--encoding", default="utf-8", help="input encoding (default utf-8)")
    mode = clean.add_mutually_exclusive_group()
    mode.add_argument("--jsonl", action="store_true",
                      help="inputs are JSON lines; each record gets clean_text and title")
    mode.add_argument("--warc", action="store_true",
                      help="inputs are WARC files; each HTML response becomes a JSON line")
    mode.add_argument("--html", action="store_true", help="input files are HTML pages")
    clean.add_argument("--field", default="text", metavar="text|html",
                       help="--jsonl: the field holding the document; 'html' cleans it as HTML")
    clean.add_argument("--with-removals", action="store_true", help="--jsonl/--warc: add removals")
    clean.add_argument("--out", metavar="FILE|DIR/",
                       help="write here instead of stdout (a directory: one output per input, "
                            "named as the input; a page's .html becomes .txt, or .json with --json)")
    clean.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="worker processes (0: one per CPU this process may use; default 1)")
    clean.add_argument("--fail-fast", action="store_true", help="stop at the first bad document")
    clean.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    clean.add_argument("--main-content", choices=MAIN_CONTENT, default="auto",
                       help="HTML: how the body is chosen (default auto: our scorer, trafilatura "
                            "only where it is unsure; scorer: fastest; trafilatura: every page)")
    clean.add_argument("--include-comments", action="store_true",
                       help="keep reader comments under an article (HTML: their elements; text "
                            "and HTML: a comment thread's header removes only itself)")
    clean.add_argument("--line-cache", type=_count, default=Config().line_cache, metavar="N",
                       help="lines whose match results are kept across documents, per process "
                            f"(0: none; default {Config().line_cache:,}; same results either way)")
    _add_rule_options(clean)

    rules = sub.add_parser("rules", help="list, show or check rules")
    rsub = rules.add_subparsers(dest="rules_command", required=True)
    lst = rsub.add_parser("list", help="list the rules")
    lst.add_argument("--category", help="only this category")
    _add_rule_options(lst)
    show = rsub.add_parser("show", help="show one rule")
    show.add_argument("rule_id")
    _add_rule_options(show)
    check = rsub.add_parser("check", help="validate user packs and run their examples")
    check.add_argument("packs", nargs="+", help="pack files")
    return parser


def _add_rule_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pack", action="append", default=[], metavar="FILE",
                   help="add a user pack (repeatable)")
    p.add_argument("--select", action="append", default=[], metavar="S",
                   help="only these rules (id/name glob or category; repeatable)")
    p.add_argument("--ignore", action="append", default=[], metavar="S",
                   help="disable rules (id/name glob or category; repeatable)")


def _count(text: str) -> int:
    """argparse type: a non-negative integer."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return value


def _config(args: argparse.Namespace) -> Config:
    html_options = {name: getattr(args, name) for name in ("main_content", "include_comments", "line_cache")
                    if hasattr(args, name)}
    return Config(extra_packs=tuple(args.pack), select=tuple(args.select), ignore=tuple(args.ignore),
                  **html_options)


def _encoding(name: str) -> str:
    return "utf-8-sig" if name.lower().replace("-", "") in ("utf8", "utf8sig") else name


def _clean(args: argparse.Namespace) -> int:
    if args.jsonl or args.warc or args.out or len(args.files) > 1:
        return run_batch(args)
    args.file = args.files[0]
    scrubber = Scrubber(_config(args))
    try:
        with open_input(args.file) as stream:
            data = stream.read()
    except Exception as exc:  # missing, or a damaged compressed stream (EOFError, zlib.error ...)
        return _fail(f"cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}")
    if args.html or looks_like_html(args.file, data):
        return _print(scrubber.scrub_html(data), args)
    try:
        text = data.decode(_encoding(args.encoding))
    except (UnicodeDecodeError, LookupError) as exc:
        return _fail(f"cannot decode {args.file} as {args.encoding}: {exc} (try --encoding)")
    return _print(scrubber.scrub(text), args)


def _print(result: Result, args: argparse.Namespace) -> int:
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        if result.title and not args.no_title:
            print(result.title)
            print()
        print(result.text)
    if args.explain:
        print(result.explain(), file=sys.stderr)
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    if args.rules_command == "check":
        return check_rules(args.packs, out=sys.stdout)
    scrubber = Scrubber(_config(args))
    rules = scrubber.rules.rules
    if args.rules_command == "list":
        for rule in rules:
            if args.category in (None, rule.category):
                print(f"{rule.id:<14} {rule.category:<11} {rule.scope:<8} {rule.match:<8} {rule.name}")
        return EXIT_OK
    for rule in rules:
        if rule.id == args.rule_id:
            print(_describe(rule))
            return EXIT_OK
    return _fail(f"no rule with id {args.rule_id!r} (see `scrubber rules list`)")


def _describe(rule: object) -> str:
    fields = getattr(rule, "__dataclass_fields__", {})
    return "\n".join(f"{name:<16} {getattr(rule, name)!r}" for name in fields)


def _fail(message: str) -> int:
    print(f"scrubber: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def run_batch(args: argparse.Namespace) -> int:
    """The batch modes of ``scrubber clean`` (see :mod:`scrubber.etl`)."""
    from .etl import run

    return run(args, _config(args))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``scrubber`` console script."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "clean":
            return _clean(args)
        return _rules(args)
    except ScrubberError as exc:
        return _fail(str(exc))
    except BrokenPipeError:  # `scrubber clean big.txt | head`
        return EXIT_OK
    except KeyboardInterrupt:  # Ctrl-C: the workers ignore it; the pool is shut down on the way out
        print("scrubber: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())

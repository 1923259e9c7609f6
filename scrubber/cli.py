"""The ``scrubber`` command.

    scrubber clean [FILE|-] [--explain] [--json] [--pack FILE]... [--select S]... [--ignore S]...
    scrubber rules list [--category C] | show ID | check PACK...

Exit codes: 0 success; 1 ``rules check`` found failing examples; 2 usage, pack or input errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ._core import Scrubber
from .config import Config
from .errors import ScrubberError
from .rules.check import check_rules

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scrubber", description="Strip boilerplate from scraped text.")
    sub = parser.add_subparsers(dest="command", required=True)

    clean = sub.add_parser("clean", help="clean a text file (or stdin) and print the body")
    clean.add_argument("file", nargs="?", default="-", help="input file, or - for stdin (default)")
    clean.add_argument("--explain", action="store_true", help="list every removal on stderr")
    clean.add_argument("--json", action="store_true", help="print the result as JSON")
    clean.add_argument("--no-title", action="store_true", help="do not print the title first")
    clean.add_argument("--encoding", default="utf-8", help="input encoding (default utf-8)")
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


def _config(args: argparse.Namespace) -> Config:
    return Config(extra_packs=tuple(args.pack), select=tuple(args.select), ignore=tuple(args.ignore))


def _read(name: str, encoding: str) -> str:
    data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    if encoding.lower().replace("-", "") in ("utf8", "utf8sig"):
        encoding = "utf-8-sig"
    return data.decode(encoding)


def _clean(args: argparse.Namespace) -> int:
    scrubber = Scrubber(_config(args))
    try:
        text = _read(args.file, args.encoding)
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror or exc}")
    except (UnicodeDecodeError, LookupError) as exc:
        return _fail(f"cannot decode {args.file} as {args.encoding}: {exc} (try --encoding)")
    result = scrubber.scrub(text)
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


if __name__ == "__main__":
    sys.exit(main())

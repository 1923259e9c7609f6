"""Small helpers shared by the benchmark scripts: tables, set discovery, imports."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]


def _is_number(value: object) -> bool:
    if isinstance(value, (int, float)):
        return True
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def markdown_table(headers: list[str], rows: list[list[object]]) -> str:
    """Return a markdown table; floats get 3 decimals, numeric columns align right."""

    def cell(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    numeric = [bool(rows) and all(_is_number(r[i]) for r in rows) for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |"]
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def list_sets(datasets_dir: Path, wanted: str | None) -> list[Path]:
    """Return the dataset folders under ``datasets_dir`` (optionally a subset)."""
    folders = sorted(
        p for p in datasets_dir.iterdir() if (p / "gold.jsonl").exists() or (p / "checks.jsonl").exists()
    )
    if wanted:
        names = {n.strip() for n in wanted.split(",") if n.strip()}
        missing = names - {p.name for p in folders}
        if missing:
            sys.exit(f"unknown set(s): {', '.join(sorted(missing))}")
        folders = [p for p in folders if p.name in names]
    return folders


def import_library(name: str) -> ModuleType | None:
    """Import the library under test, adding the repo root to sys.path if needed.

    Returns None (after printing why) if it cannot be imported.
    """
    try:
        return importlib.import_module(name)
    except ImportError:
        if str(REPO_ROOT) not in sys.path:
            sys.path.insert(0, str(REPO_ROOT))
    try:
        return importlib.import_module(name)
    except Exception as exc:
        print(f"NOTE: cannot import {name!r} ({type(exc).__name__}: {exc}); skipped.")
        return None


def library_function(module: ModuleType | None, attr: str) -> Callable[..., Any] | None:
    """Return ``module.attr`` or None (printing a note) if it does not exist."""
    if module is None:
        return None
    func = getattr(module, attr, None)
    if func is None:
        print(f"NOTE: {module.__name__}.{attr} does not exist yet; skipped.")
    return func

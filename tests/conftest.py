"""Shared fixtures: the project's own fixtures/ folder (tests never read ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrubber import Config, Scrubber

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="session")
def scrubber() -> Scrubber:
    return Scrubber(Config())


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def boom_kills_the_worker(monkeypatch: pytest.MonkeyPatch) -> str:
    """Scrubber.scrub patched to kill its process on the text "boom" (a stand-in for an
    out-of-memory kill or a crash in a C extension); forked workers inherit the patch.
    Returns the text."""
    import os

    real = Scrubber.scrub

    def scrub(self: Scrubber, text: str) -> object:
        if text == "boom":
            os._exit(9)
        return real(self, text)

    monkeypatch.setattr(Scrubber, "scrub", scrub)
    return "boom"

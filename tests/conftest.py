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

"""Shared fixtures: a fresh in-process sandbox, and one served over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox_server import Clock, Venues, running_sandbox
from tui.sandbox import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A fresh in-process :class:`Sandbox` (in-memory ledger, default seed) per test."""
    box = Sandbox()
    yield box
    box.close()


@pytest.fixture
def live_sandbox() -> Iterator[tuple[Sandbox, str]]:
    """A fresh sandbox served by uvicorn on a free loopback port: ``(sandbox, base_url)``."""
    box = Sandbox()
    with running_sandbox(box) as base_url:
        yield box, base_url
    box.close()


@pytest.fixture
def venues() -> Iterator[Venues]:
    """A fresh sandbox on a hand-moved :class:`Clock`, with signed request helpers."""
    clock = Clock()
    box = Sandbox(clock=clock)
    yield Venues(box, clock)
    box.close()

"""Fixtures for the browser tests: one real stack and one headless Chromium per module.

Chromium is the Debian package (/usr/bin/chromium) and axe-core comes from npm; `make browser-deps`
installs both. Nothing here downloads a browser.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ops.stack import Stack
from tests.browser.widget_page import AXE_PATH, CHROMIUM_PATH, WidgetPage
from tests.integration.conftest import stack_settings, trained_model

__all__ = ["trained_model"]

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}


def missing_browser_deps() -> list[str]:
    missing = []
    if not CHROMIUM_PATH.exists():
        missing.append(f"Chromium at {CHROMIUM_PATH}")
    if not AXE_PATH.exists():
        missing.append(f"axe-core at {AXE_PATH}")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the Python package playwright in .venv")
    return missing


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium, shared by the tests of a module.

    Not by the session: Playwright's sync API keeps an event loop running in this thread while it
    is open, and every later test that calls asyncio.run() would fail.
    """
    missing = missing_browser_deps()
    if missing:
        pytest.fail(f"Browser tests need {', '.join(missing)}. Run `make browser-deps` first.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The real Rasa server, action server and gateway on free ports, for one test module."""
    settings = stack_settings(tmp_path_factory.mktemp("browser") / "var", None)
    running = Stack(settings, trained_model)
    try:
        running.start()
        running.wait_until_healthy()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def gateway_url(stack: Stack) -> str:
    return f"http://127.0.0.1:{stack.settings.gateway_port}"


@pytest.fixture
def open_widget_page(browser: Any, gateway_url: str) -> Iterator[Any]:
    """Factory: a fresh browser context (own sessionStorage) with the demo page loaded.

    At the end, every page must have run without script errors and without CSP violations.
    """
    pages: list[WidgetPage] = []
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None, **context_options: Any) -> WidgetPage:
        context = browser.new_context(viewport=viewport or DESKTOP, locale="da-DK", **context_options)
        contexts.append(context)
        page = WidgetPage(context.new_page(), gateway_url)
        pages.append(page)
        page.goto_demo()
        return page

    yield make
    problems = [problem for page in pages for problem in page.script_problems]
    for context in contexts:
        context.close()
    assert not problems, "The page had script errors or CSP violations:\n" + "\n".join(problems)

"""Pytest fixtures for tests in a real browser: Playwright driving the system's Chromium
(Debian's package, never a downloaded one). Loaded as a plugin by kefu/conftest.py."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("KEFU_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(
    os.environ.get(
        "KEFU_SCREENSHOT_DIR", Path(__file__).resolve().parent.parent / "var" / "screenshots"
    )
)


# Every Content-Security-Policy violation becomes a console error, so that any browser test
# fails on one: blocked inline scripts and styles, images from elsewhere, eval.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("Content-Security-Policy violation: " + event.violatedDirective
                + " blocked " + (event.blockedURI || "inline")
                + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


class BrowserPage:
    """One signed-in browser tab that fails the test on any console or page error, and so
    on any Content-Security-Policy violation."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        page.add_init_script(REPORT_CSP_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            # A failed load names no address in its text; the location does.
            where = (message.location or {}).get("url") or self.page.url
            self.errors.append(f"{message.text} ({where})")

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 500, path
        return response

    def sign_in(self, username: str, password: str) -> None:
        self.goto("/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("form.login button[type=submit]")
        self.page.wait_for_url(lambda url: "/login/" not in url)

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    # Playwright's synchronous API keeps an event loop running in the test's thread, which
    # Django's guard against blocking calls inside event loops would otherwise refuse.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium: Any, live_server: Any) -> Iterator[Callable[..., BrowserPage]]:
    """Opens tabs in fresh browser sessions (one per person); checks them for errors."""
    opened: list[tuple[Any, BrowserPage]] = []

    def open_page(width: int = 1366, height: int = 768) -> BrowserPage:
        context = chromium.new_context(
            viewport={"width": width, "height": height}, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        tab = BrowserPage(context.new_page(), live_server.url)
        opened.append((context, tab))
        return tab

    yield open_page
    for context, tab in opened:
        context.close()
        assert tab.errors == [], tab.errors

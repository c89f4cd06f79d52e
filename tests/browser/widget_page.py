"""Driving the widget on the demo page: asking, waiting for answers, focus, axe and screenshots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_PATH = Path("/usr/bin/chromium")
AXE_PATH = PROJECT_ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT_DIR = PROJECT_ROOT / "var" / "test-output" / "browser"

# The widget's open shadow root, for the few checks that need page JavaScript.
SHADOW = "document.getElementById('borgerbot-root').shadowRoot"
DDH_TEL = "tel:+4570200000"
LAUNCHER_NAME = "Åbn chat med Borgerbot"
ANSWER_TIMEOUT_MS = 60_000

_FOCUSED = f"""() => {{
  const root = document.getElementById('borgerbot-root');
  const el = root && document.activeElement === root ? {SHADOW}.activeElement : document.activeElement;
  if (!el) return {{id: '', name: ''}};
  return {{id: el.id, name: (el.getAttribute('aria-label') || el.textContent || '').trim()}};
}}"""

# Lets the panel's entrance finish (not the endless typing dots), so axe sees final colours.
_SETTLE = f"""() => Promise.all({SHADOW}.getAnimations()
  .filter(a => a.effect.getTiming().iterations !== Infinity).map(a => a.finished))"""

_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' >> ')),
  }));
}"""


class WidgetPage:
    """One browser page with the demo municipal page and the widget on it."""

    def __init__(self, page: Any, gateway_url: str) -> None:
        self.page = page
        self.gateway_url = gateway_url
        self.script_problems: list[str] = []
        # axe-core is added before any page script runs: the demo page's CSP forbids inline scripts,
        # so page.add_script_tag (an inline <script>) would be refused.
        page.add_init_script(path=str(AXE_PATH))
        page.on("pageerror", lambda error: self.script_problems.append(f"pageerror: {error}"))
        page.on("console", self._on_console)

    def _on_console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.script_problems.append(f"CSP: {message.text}")

    # Navigation and state

    def goto_demo(self) -> None:
        self.page.goto(f"{self.gateway_url}/")
        self.page.wait_for_function(f"() => window.Borgerbot && {SHADOW} !== null")

    def reload(self) -> None:
        self.page.reload()
        self.page.wait_for_function(f"() => window.Borgerbot && {SHADOW} !== null")

    @property
    def launcher(self) -> Any:
        return self.page.locator("button.launcher")

    @property
    def panel(self) -> Any:
        return self.page.locator("#bb-panel")

    @property
    def input(self) -> Any:
        return self.page.locator("#bb-input")

    @property
    def log(self) -> Any:
        return self.page.locator("[role=log]")

    def messages(self, selector: str = ".msg") -> Any:
        return self.log.locator(selector)

    def transcript(self) -> list[str]:
        return [text.strip() for text in self.messages().all_inner_texts()]

    def focused(self) -> dict[str, str]:
        result: dict[str, str] = self.page.evaluate(_FOCUSED)
        return result

    def session_storage(self) -> dict[str, str]:
        result: dict[str, str] = self.page.evaluate("() => ({...sessionStorage})")
        return result

    # Conversation

    def wait_idle(self, bot_messages_before: int) -> None:
        """Wait until the widget has shown at least one new bot message and stopped waiting."""
        self.page.wait_for_function(
            f"""n => {SHADOW}.querySelectorAll('.msg.bot').length > n
                 && {SHADOW}.querySelector('[role=log]').dataset.busy === 'false'""",
            arg=bot_messages_before,
            timeout=ANSWER_TIMEOUT_MS,
        )

    def retry(self) -> None:
        """Click "Prøv igen" and wait until the widget has its answer (or its error) again.

        The click replaces the error at once and starts waiting, so the widget is busy right after it.
        """
        self.messages(".qr button").filter(has_text="Prøv igen").click()
        self.page.wait_for_function(
            f"() => {SHADOW}.querySelector('[role=log]').dataset.busy === 'false'", timeout=ANSWER_TIMEOUT_MS
        )

    def ask(self, text: str) -> list[Any]:
        """Type a question, send it with Enter, and return the bot messages of the answer."""
        before = self.messages(".msg.bot").count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_idle(before)
        bots = self.messages(".msg.bot")
        return [bots.nth(i) for i in range(before, bots.count())]

    # Keyboard

    def tab_to(self, name: str, backwards: bool = False, limit: int = 40) -> None:
        """Press Tab (or Shift+Tab) until the element with this accessible name has focus."""
        seen = []
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            focused = self.focused()
            if focused["name"] == name:
                return
            seen.append(focused["name"] or focused["id"] or "?")
        raise AssertionError(f"Tab never reached {name!r}; focus went through: {seen}")

    # Evidence

    def screenshot(self, state: str) -> Path:
        OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
        path = OUTPUT_DIR / f"{state}.png"
        self.page.evaluate(_SETTLE)
        self.page.screenshot(path=str(path), animations="disabled")
        return path

    def assert_accessible(self, state: str) -> list[dict[str, Any]]:
        """axe-core on the whole page (it enters the open shadow root): no serious or critical violation.

        All violations of the state are written to var/test-output/browser/axe-<state>.json.
        """
        self.page.evaluate(_SETTLE)
        violations: list[dict[str, Any]] = self.page.evaluate(_AXE)
        OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
        report = OUTPUT_DIR / f"axe-{state}.json"
        report.write_text(json.dumps(violations, ensure_ascii=False, indent=2), encoding="utf-8")
        grave = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not grave, f"axe-core found serious or critical violations in state {state!r}:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']}; at {', '.join(v['targets'])}" for v in grave
        )
        return violations

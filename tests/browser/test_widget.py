"""The chat widget in real headless Chromium, on the demo page, against the real stack.

The tests run in file order: the last two stop processes of the module's stack on purpose.
"""

from __future__ import annotations

import re
import signal
from typing import Any

import pytest

from ops.stack import Stack
from tests.browser.widget_page import DDH_TEL, LAUNCHER_NAME, SHADOW, WidgetPage

pytestmark = pytest.mark.integration

GUIDE_QUESTIONS = {
    "pas": "Hvad koster et pas?",
    "flytning": "Hvornår skal jeg melde flytning?",
    "mitid": "Jeg har glemt min MitID-adgangskode",
}
OPENING_HOURS_QUESTION = "Hvornår har Borgerservice åbent?"
# Opening hours as "9.00", "10:00" or "9-15", or the phone numbers given when hours are not confirmed.
HOURS_OR_PHONE = re.compile(r"\b\d{1,2}[.:]\d{2}\b|\bkl\. ?\d{1,2}\b|59 53 44 00|70 20 00 00")


def new_window_links(message: Any) -> list[dict[str, str]]:
    links: list[dict[str, str]] = message.locator("a[target=_blank]").evaluate_all(
        "els => els.map(a => ({href: a.href, rel: a.rel, text: a.textContent}))"
    )
    return links


def open_panel(widget: WidgetPage) -> None:
    widget.launcher.click()
    widget.panel.wait_for(state="visible")


def stop_process(stack: Stack, name: str) -> None:
    """Stop one process of the stack (its whole process group), as a crash or an outage would."""
    child = stack.spec(name).child
    assert child.running(), f"{child.label} is not running"
    child.stop(((signal.SIGTERM, 30.0),))


def test_answers_a_question_on_every_topic(open_widget_page: Any) -> None:
    widget: WidgetPage = open_widget_page()
    assert widget.panel.is_hidden()
    assert widget.launcher.get_attribute("aria-expanded") == "false"
    assert widget.launcher.get_attribute("aria-controls") == "bb-panel"
    widget.screenshot("closed")
    widget.assert_accessible("closed")

    open_panel(widget)
    assert widget.launcher.get_attribute("aria-expanded") == "true"
    assert widget.focused()["id"] == "bb-input", "opening moves focus to the input"
    assert "Skriv ikke dit CPR-nummer" in widget.transcript()[0], "a local welcome, without calling the API"
    assert widget.session_storage() == {"borgerbot.open.kalundborg": "1"}, "no session before the first question"
    assert widget.panel.locator(f".foot a[href='{DDH_TEL}']").is_visible()
    widget.screenshot("open")
    widget.assert_accessible("open")

    for topic, question in GUIDE_QUESTIONS.items():
        answer = widget.ask(question)
        links = [link for message in answer for link in new_window_links(message)]
        texts = "\n".join(message.inner_text() for message in answer)
        assert any(link["href"].startswith("https://") for link in links), f"{topic}: no https link in {texts!r}"
        assert all(link["rel"] == "noopener noreferrer" for link in links), links
        assert all("(åbner i et nyt vindue)" in link["text"] for link in links), links
        assert "Kilde: " in texts, f"{topic}: the answer names its source: {texts!r}"
        older_quick_replies = widget.page.evaluate(
            f"n => [...{SHADOW}.querySelectorAll('.msg')].slice(0, -n).filter(m => m.querySelector('.qr')).length",
            len(answer),
        )
        assert older_quick_replies == 0, "quick replies of earlier answers are gone once the citizen goes on"

    answer = widget.ask(OPENING_HOURS_QUESTION)
    texts = "\n".join(message.inner_text() for message in answer)
    assert HOURS_OR_PHONE.search(texts), f"opening hours: neither hours nor a phone number in {texts!r}"
    hours_links = [link["href"] for message in answer for link in new_window_links(message)]
    assert "https://www.kalundborg.dk/" in hours_links, f"opening hours link the municipality's site: {hours_links}"

    assert len(widget.session_storage()["borgerbot.session.kalundborg"]) == 32
    widget.screenshot("answered")
    widget.assert_accessible("answered")


def test_reload_shows_the_same_conversation_with_the_panel_open(open_widget_page: Any) -> None:
    widget: WidgetPage = open_widget_page()
    open_panel(widget)
    widget.ask(GUIDE_QUESTIONS["pas"])
    before = widget.messages(".msg.bot").count()
    widget.messages(".qr button").filter(has_text="Ja").click()  # the citizen's bubble shows the title
    widget.wait_idle(before)
    shown = widget.transcript()
    storage = widget.session_storage()
    assert any(text.endswith("Ja") for text in shown if text.startswith("Du skrev")), shown

    widget.reload()
    widget.page.wait_for_function(f"n => {SHADOW}.querySelectorAll('.msg').length >= n", arg=len(shown))
    assert widget.panel.is_visible(), "the panel stays open across a reload"
    assert widget.launcher.get_attribute("aria-expanded") == "true"
    assert widget.session_storage() == storage
    assert widget.transcript() == shown
    widget.screenshot("reloaded")


def test_a_lost_session_starts_afresh_silently(open_widget_page: Any) -> None:
    widget: WidgetPage = open_widget_page()
    widget.page.evaluate(
        """() => { sessionStorage.setItem('borgerbot.session.kalundborg', '0123456789abcdef0123456789abcdef');
                   sessionStorage.setItem('borgerbot.open.kalundborg', '1'); }"""
    )
    widget.reload()  # the history answers 404: the widget forgets the id and shows only its welcome
    widget.page.wait_for_function(
        "() => !sessionStorage.getItem('borgerbot.session.kalundborg')"
        " && document.getElementById('borgerbot-root').shadowRoot.querySelector('[role=log]').dataset.busy === 'false'"
    )
    assert widget.panel.is_visible()
    assert widget.messages(".msg.error").count() == 0
    assert len(widget.transcript()) == 1, widget.transcript()

    answer = widget.ask(GUIDE_QUESTIONS["pas"])
    assert answer and widget.messages(".msg.error").count() == 0
    assert len(widget.session_storage()["borgerbot.session.kalundborg"]) == 32


def test_a_refused_message_shows_the_reason_and_keeps_the_text(open_widget_page: Any) -> None:
    widget: WidgetPage = open_widget_page()
    open_panel(widget)
    too_long = "Hvad koster et pas? " * 101  # more than the gateway's 2,000 characters: 422
    widget.ask(too_long)
    error = widget.messages(".msg.error").last
    assert "Beskeden er for lang" in error.inner_text(), error.inner_text()
    assert widget.messages(".msg.citizen").count() == 0, "a refused message is not shown as sent"
    assert widget.input.input_value() == too_long.strip(), "the citizen's text stays in the input"


def test_a_question_in_another_language_is_answered_in_it(open_widget_page: Any) -> None:
    widget: WidgetPage = open_widget_page()
    open_panel(widget)
    first, danish = widget.ask("How do I renew my passport? I do not speak Danish.")
    english = first.locator("p.text[lang=en]")
    assert "only answer in Danish" in english.inner_text(), first.inner_text()
    assert first.locator(f"a[href='{DDH_TEL}']").count() == 1
    assert danish.locator("p.text[lang]").count() == 0 and "kun på dansk" in danish.inner_text()
    arabic = widget.ask("كيف يمكنني تجديد جواز السفر؟")[0].locator("p.text[lang=ar]")
    assert arabic.get_attribute("dir") == "auto", "right-to-left text gets its direction"


def test_a_whole_conversation_with_the_keyboard_alone(open_widget_page: Any) -> None:
    widget: WidgetPage = open_widget_page()
    widget.tab_to(LAUNCHER_NAME)
    widget.page.keyboard.press("Enter")
    widget.panel.wait_for(state="visible")
    assert widget.focused()["id"] == "bb-input"

    before = widget.messages(".msg.bot").count()
    widget.page.keyboard.type(GUIDE_QUESTIONS["pas"])
    widget.page.keyboard.press("Enter")
    widget.wait_idle(before)
    assert widget.messages(".qr button").filter(has_text="Ja").count() == 1, widget.transcript()

    widget.tab_to("Ja", backwards=True)  # the quick replies sit just above the input
    before = widget.messages(".msg.bot").count()
    widget.page.keyboard.press("Space")
    widget.wait_idle(before)
    assert widget.transcript()[-2].endswith("Ja"), widget.transcript()
    assert widget.focused()["id"] == "bb-input", "after a quick reply, typing goes on in the input"
    widget.screenshot("keyboard")

    widget.page.keyboard.press("Escape")
    assert widget.panel.is_hidden()
    assert widget.launcher.get_attribute("aria-expanded") == "false"
    assert widget.focused()["name"] == LAUNCHER_NAME, "Escape returns focus to the launcher"


def test_the_panel_fits_a_phone(open_widget_page: Any) -> None:
    widget: WidgetPage = open_widget_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    open_panel(widget)
    widget.ask(GUIDE_QUESTIONS["mitid"])
    box = widget.panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    sizes = widget.page.evaluate(
        """() => {
          const log = document.getElementById('borgerbot-root').shadowRoot.querySelector('[role=log]');
          return {page: document.documentElement.scrollWidth, view: window.innerWidth,
                  log: log.scrollWidth, logView: log.clientWidth};
        }"""
    )
    assert sizes["page"] <= sizes["view"], f"the page scrolls sideways: {sizes}"
    assert sizes["log"] <= sizes["logView"], f"the conversation scrolls sideways: {sizes}"
    widget.screenshot("phone")


@pytest.mark.parametrize(("motion", "animation"), [("no-preference", "bb-in"), ("reduce", "none")])
def test_the_panel_moves_only_for_those_who_want_motion(open_widget_page: Any, motion: str, animation: str) -> None:
    widget: WidgetPage = open_widget_page(reduced_motion=motion)
    open_panel(widget)
    name = widget.page.evaluate(f"() => getComputedStyle({SHADOW}.getElementById('bb-panel')).animationName")
    assert name == animation, f"prefers-reduced-motion: {motion} gives animation {name!r}"


def test_rasa_down_offers_ddh_and_retry(open_widget_page: Any, stack: Stack) -> None:
    stop_process(stack, "rasa")  # the gateway now answers 503 with a degraded body
    widget: WidgetPage = open_widget_page()
    open_panel(widget)
    question = GUIDE_QUESTIONS["pas"]
    widget.ask(question)
    assert widget.log.locator(f"a[href='{DDH_TEL}']").first.is_visible()
    retry = widget.messages(".qr button").filter(has_text="Prøv igen")
    assert retry.count() == 1
    assert widget.input.input_value() == question, "the citizen's text is kept when sending failed"

    errors = widget.messages(".msg.error").count()
    assert errors >= 1, "the degraded reply is marked as an error"
    widget.retry()
    assert widget.messages(".msg.error").count() == errors, "the retry replaces the error, it does not pile up"
    assert widget.messages(".msg.citizen").count() == 1, "the retry resends the same message, no second bubble"
    assert widget.messages(".qr button").filter(has_text="Prøv igen").count() == 1, "never a dead end"
    assert widget.log.locator(f"a[href='{DDH_TEL}']").last.is_visible()
    widget.screenshot("error")
    widget.assert_accessible("error")


def test_gateway_unreachable_offers_ddh_and_retry(open_widget_page: Any, stack: Stack) -> None:
    widget: WidgetPage = open_widget_page()  # the page is loaded while the gateway is still up
    open_panel(widget)
    stop_process(stack, "gateway")
    question = GUIDE_QUESTIONS["flytning"]
    widget.ask(question)
    error = widget.messages(".msg.error").last
    assert "70 20 00 00" in error.inner_text()
    assert error.locator(f"a[href='{DDH_TEL}']").is_visible()
    assert error.locator(f"a[href='{DDH_TEL}']").get_attribute("target") is None, "tel: links open in place"
    assert widget.input.input_value() == question, "the citizen's text is kept when sending failed"

    widget.retry()
    assert widget.messages(".msg.error").count() == 1, "the retry replaces the error, it does not pile up"
    assert widget.messages(".msg.citizen").count() == 1, "the retry resends the same message, no second bubble"
    assert widget.messages(".qr button").filter(has_text="Prøv igen").count() == 1, "never a dead end"
    widget.screenshot("error-offline")
    widget.assert_accessible("error-offline")

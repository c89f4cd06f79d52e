"""Faults on the real stack under supervisord, while simulated citizens talk to it.

The action server and then the Rasa server are killed with SIGKILL mid-conversation; on PostgreSQL
the database drops every connection. Citizens must only ever see an answer or the documented 503
with Den Digitale Hotline's number, never a refused connection; the processes must come back by
themselves; every answered turn must be in the gateway's history and in Rasa's tracker store.
Recovery times are logged (faults.recovered) and recorded as test properties.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from core.settings import Settings
from ops.review import load_conversations
from ops.supervision import Event
from ops.supervisor import SupervisedStack
from tests.integration.conftest import ADMIN_POSTGRES_URL, stack_settings

pytestmark = pytest.mark.integration
logger = logging.getLogger("tests.faults")

DDH = "70 20 00 00"
CITIZENS = [
    [
        "Hvad koster et pas?",
        "Hvor lang tid tager det at få et nyt pas?",
        "Hvad skal jeg have med, når jeg søger om pas?",
        "Hvornår har Borgerservice åbent i dag?",
    ],
    [
        "Hvornår skal jeg melde flytning?",
        "Hvordan melder jeg flytning på borger.dk?",
        "Koster det noget at melde flytning?",
        "Skal mine børn også meldes flyttet?",
    ],
    [
        "Hvordan får jeg MitID?",
        "Jeg har glemt min adgangskode til MitID, hvad gør jeg?",
        "Kan jeg få MitID uden pas?",
        "Hvornår har Den Digitale Hotline åbent?",
    ],
]
# Between a reply and the next message: 15 messages a minute per conversation, under its rate limit (20).
PAUSE_SECONDS = 4.0
MAX_TURNS_PER_CITIZEN = 60
RECOVERY_TIMEOUT_SECONDS = 240.0
TERMINATE_BACKENDS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
)


@dataclass
class Turn:
    text: str
    sent_at: float
    received_at: float
    status: int | None  # None: the gateway itself could not be reached
    body: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class Citizen:
    """One simulated citizen: a conversation held in a thread, every turn kept."""

    gateway: str
    script: list[str]
    session_id: str | None = None
    turns: list[Turn] = field(default_factory=list)

    def say(self, http: httpx.Client, text: str) -> Turn:
        body: dict[str, Any] = {"municipality": "kalundborg", "message": text}
        if self.session_id:
            body["session_id"] = self.session_id
        sent = time.monotonic()
        try:
            response = http.post(f"{self.gateway}/api/v1/chat", json=body, timeout=60)
        except httpx.HTTPError as exc:
            turn = Turn(text, sent, time.monotonic(), None, error=f"{type(exc).__name__}: {exc}")
        else:
            turn = Turn(text, sent, time.monotonic(), response.status_code, response.json())
            if self.session_id is None and turn.body:
                # A degraded reply carries the session too: the conversation goes on in it.
                self.session_id = turn.body.get("session_id")
        self.turns.append(turn)
        return turn

    def talk(self, stop: threading.Event) -> None:
        with httpx.Client() as http:
            while not stop.is_set() and len(self.turns) < MAX_TURNS_PER_CITIZEN:
                self.say(http, self.script[len(self.turns) % len(self.script)])
                stop.wait(PAUSE_SECONDS)

    def answered(self, after: float = 0.0) -> list[Turn]:
        return [t for t in self.turns if t.status == 200 and t.sent_at > after]


def chat(gateway: str, text: str, session_id: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"municipality": "kalundborg", "message": text}
    if session_id:
        body["session_id"] = session_id
    return httpx.post(f"{gateway}/api/v1/chat", json=body, timeout=60)


def health(gateway: str) -> httpx.Response:
    return httpx.get(f"{gateway}/api/v1/health", timeout=10)


def assert_ddh_503(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["degraded"] is True and body["escalated"] is True
    assert DDH in body["messages"][0]["text"], body
    assert body["messages"][0]["links"][0]["url"] == "tel:+4570200000"


def wait_for(condition: Any, timeout: float, what: str, interval: float = 0.25) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f} s"
        time.sleep(interval)


@pytest.fixture(scope="module")
def guide_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One guide index for this module's stacks: building it takes minutes on a busy machine."""
    var = tmp_path_factory.mktemp("faults-index") / "var"
    stack_settings(var, None)  # builds var/index
    return var / "index"


def fresh_var(tmp_path: Path, guide_index: Path) -> Path:
    """A var/ folder of its own for a stack, starting with the module's index (so it is current)."""
    var = tmp_path / "var"
    shutil.copytree(guide_index, var / "index", symlinks=True)
    return var


@pytest.fixture
def supervised() -> Iterator[list[SupervisedStack]]:
    """Stacks a test starts, stopped at its end whatever happens."""
    started: list[SupervisedStack] = []
    yield started
    for stack in started:
        stack.stop()


def _recovered(name: str, killed_at: float, back: Any, record_property: Any) -> float:
    """Wait until ``back()``; log and record how long the program was down."""
    wait_for(back, RECOVERY_TIMEOUT_SECONDS, f"{name} back by itself")
    back_at = time.monotonic()
    seconds = round(back_at - killed_at, 1)
    logger.info("faults.recovered", extra={"component": name, "seconds": seconds})
    record_property(f"recovery_seconds_{name}", seconds)
    return back_at


def test_citizens_see_ddh_while_a_process_is_down_and_lose_no_answered_turn(
    tmp_path: Path, trained_model: Path, guide_index: Path, supervised: list[SupervisedStack], record_property: Any
) -> None:
    settings = stack_settings(fresh_var(tmp_path, guide_index), None)
    gateway = f"http://127.0.0.1:{settings.gateway_port}"
    stack = SupervisedStack(settings, trained_model)
    supervised.append(stack)
    events: list[Event] = []
    stack.start()

    # Start-up: the gateway answers long before Rasa has loaded its model.
    wait_for(lambda: _answers(gateway), 120, "the gateway answering")
    starting = health(gateway)
    assert starting.status_code == 503, starting.text
    rasa_health = starting.json()["components"]["rasa"]
    assert rasa_health["ok"] is False and rasa_health["detail"].startswith("starting: unreachable"), rasa_health
    during_start = chat(gateway, "Hvad koster et pas?")
    assert_ddh_503(during_start)
    probe_session = during_start.json()["session_id"]

    stack.wait_until_healthy(on_event=events.append)
    gateway_pid = stack.pid("gateway")
    after_start = chat(gateway, "Hvad koster et pas?", probe_session)
    assert after_start.status_code == 200, "the first message after start-up is answered in the same conversation"

    citizens = [Citizen(gateway, script) for script in CITIZENS]
    stop = threading.Event()
    threads = [threading.Thread(target=c.talk, args=(stop,), daemon=True) for c in citizens]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: all(len(c.answered()) >= 2 for c in citizens), 120, "two answered turns each")

        # The action server dies: Rasa cannot run the actions that answer from the guides.
        actions_killed, actions_back = kill_and_recover(
            stack, "actions", gateway, probe_session, events, record_property, "action_server"
        )
        wait_for(lambda: all(c.answered(after=actions_back) for c in citizens), 60, "an answer after the restart")

        # Then the Rasa server dies: the gateway cannot reach it until it has loaded its model again.
        rasa_killed, rasa_back = kill_and_recover(
            stack, "rasa", gateway, probe_session, events, record_property, "rasa"
        )
        wait_for(lambda: all(c.answered(after=rasa_back) for c in citizens), 90, "an answer after the restart")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=90)

    outages = [(actions_killed, actions_back), (rasa_killed, rasa_back)]
    for citizen in citizens:
        refused = [t for t in citizen.turns if t.status is None]
        assert refused == [], f"the gateway itself failed: {refused[:3]}"
        for turn in citizen.turns:
            assert turn.status in (200, 503), (turn.status, turn.body)
            if turn.status == 503:
                assert_ddh_503(httpx.Response(503, json=turn.body))
            # Outside an outage (a turn wholly before a kill, or sent after the recovery) it is answered.
            in_outage = any(turn.received_at >= killed and turn.sent_at <= back for killed, back in outages)
            if not in_outage:
                assert turn.status == 200, f"{turn.text!r} sent outside an outage got {turn.status}: {turn.body}"
        _assert_nothing_lost(settings, gateway, citizen)
    for window, name in zip(outages, ("actions", "rasa"), strict=True):
        seen = [t.status for c in citizens for t in c.turns if t.received_at >= window[0] and t.sent_at <= window[1]]
        logger.info("faults.citizens_saw", extra={"component": name, "503": seen.count(503), "200": seen.count(200)})
        record_property(f"citizen_replies_during_{name}_outage", f"{seen.count(503)}x503 {seen.count(200)}x200")

    # supervisord restarted them and make run would have said why, in plain words; the gateway never stopped.
    for name, label in (("actions", "The action server"), ("rasa", "The Rasa server")):
        exited = [e for e in events if e.kind == "exited" and e.name == name]
        assert len(exited) == 1, [(e.kind, e.name) for e in events]
        assert exited[0].message.startswith(f"{label} stopped: it was killed by signal SIGKILL")
        assert any(e.kind == "recovered" and e.name == name for e in events)
    assert not [e for e in events if e.kind == "fatal"]
    assert stack.pid("gateway") == gateway_pid


def kill_and_recover(
    stack: SupervisedStack,
    name: str,
    gateway: str,
    probe_session: str,
    events: list[Event],
    record_property: Any,
    component: str,
) -> tuple[float, float]:
    """SIGKILL the program; check what a citizen and the health check see while it is down; wait until
    supervisord has it back and healthy. (When it was killed, when it was back.)"""
    spec = stack.spec(name)
    old_pid = stack.pid(name)
    since = len(events)
    os.kill(old_pid, signal.SIGKILL)
    killed_at = time.monotonic()
    # At once, while it is surely still down (the action server loads its model, Rasa its model).
    assert_ddh_503(chat(gateway, "Hvad koster et pas?", probe_session))
    down = health(gateway)
    assert down.status_code == 503
    detail = down.json()["components"][component]
    assert detail["ok"] is False and detail["detail"].startswith("unreachable (connection refused)"), detail
    logger.info("faults.health_while_down", extra={"component": component, "detail": detail["detail"]})

    def back() -> bool:
        events.extend(stack.poll())
        return stack.pid(name) not in (0, old_pid) and stack.healthy(spec, timeout=1.0)

    back_at = _recovered(name, killed_at, back, record_property)

    def reported_back() -> bool:
        # What make run prints: supervision saw it back, at its next look after the health check.
        events.extend(stack.poll())
        return any(e.kind == "recovered" and e.name == name for e in events[since:])

    wait_for(reported_back, 10, f"supervision reporting {name} back")
    said = {e.kind: e.message for e in events[since:] if e.name == name}
    logger.info("faults.supervision_said", extra={"component": name, **said})
    assert health(gateway).status_code == 200
    assert chat(gateway, "Hvad koster et pas?", probe_session).status_code == 200
    return killed_at, back_at


def _answers(gateway: str) -> bool:
    try:
        health(gateway)
    except httpx.HTTPError:
        return False
    return True


def _assert_nothing_lost(settings: Settings, gateway: str, citizen: Citizen) -> None:
    """Every answered turn, and nothing else, is in the gateway's history; each is in Rasa's tracker too."""
    assert citizen.session_id is not None
    history = httpx.get(
        f"{gateway}/api/v1/chat/{citizen.session_id}/history", params={"municipality": "kalundborg"}, timeout=10
    )
    assert history.status_code == 200, history.text
    shown = [(m["role"], m["text"]) for m in history.json()["messages"]]
    expected = []
    for turn in citizen.answered():
        assert turn.body is not None and turn.body["session_id"] == citizen.session_id
        expected += [("citizen", turn.text), *(("bot", m["text"]) for m in turn.body["messages"])]
    assert shown == expected
    tracker = load_conversations(settings.tracker_database_url, [citizen.session_id])[citizen.session_id]
    remaining = iter([t.text for t in tracker])
    missing = [t.text for t in citizen.answered() if not any(text == t.text for text in remaining)]
    assert missing == [], f"answered turns missing from Rasa's tracker store: {missing}"


def test_database_dropping_every_connection_costs_no_message(
    tmp_path: Path,
    trained_model: Path,
    guide_index: Path,
    postgres_url: str,
    supervised: list[SupervisedStack],
    record_property: Any,
) -> None:
    settings = stack_settings(fresh_var(tmp_path, guide_index), postgres_url)
    gateway = f"http://127.0.0.1:{settings.gateway_port}"
    stack = SupervisedStack(settings, trained_model)
    supervised.append(stack)
    stack.start()
    stack.wait_until_healthy()
    citizen = Citizen(gateway, CITIZENS[1])
    database = make_url(postgres_url).database
    with httpx.Client() as http:
        for text in CITIZENS[1][:2]:
            assert citizen.say(http, text).status == 200
        for round_ in range(2):
            with psycopg.connect(ADMIN_POSTGRES_URL, autocommit=True) as admin:
                cut = admin.execute(TERMINATE_BACKENDS, (database,)).fetchall()
            # The gateway's and Rasa's pooled connections, at least.
            assert len(cut) >= 2 and all(ok for (ok,) in cut), cut
            record_property(f"connections_terminated_round_{round_ + 1}", len(cut))
            turn = citizen.say(http, CITIZENS[1][2 + round_])
            assert turn.status == 200, f"the message after the database dropped its connections: {turn.body}"
    assert not [e for e in stack.poll() if e.kind != "recovered"], "no process died of it"
    _assert_nothing_lost(settings, gateway, citizen)

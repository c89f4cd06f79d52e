"""The production shape (ops.production) on the machine's real PostgreSQL, Redis and RabbitMQ: two action
servers, two Rasa replicas and two gateways behind real nginx, one stack for the module.

The faults run last, each leaving the stack whole again: RabbitMQ restarted, PostgreSQL dropping every
connection, a Rasa replica killed, every replica restarted in turn (ops.rolling).
"""

from __future__ import annotations

import itertools
import json
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pika
import psycopg
import pytest
from psycopg import sql
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import make_url

from core.settings import Settings
from ops.ports import free_port_block
from ops.production import Layout, production_specs
from ops.publishing import publish_content
from ops.review import load_conversations
from ops.rolling import rasa_drain, rolling_restart
from ops.stack import ProcessSpec, Stack
from tests.integration.conftest import ADMIN_POSTGRES_URL

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="Debian's nginx is needed (make nginx)"),
]

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/%2F"
REDIS = "redis://127.0.0.1:6379/3"
QUESTIONS = [
    "Hvad koster et pas?",
    "Hvornår skal jeg melde flytning?",
    "Hvordan bestiller jeg MitID?",
    "Hvornår har Borgerservice åbent?",
    "Hvor lang tid tager det at få et nyt pas?",
    "Koster det noget at melde flytning?",
]
CITIZENS_UNDER_LOAD = 6
PAUSE_SECONDS = 0.3
TERMINATE_BACKENDS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
)


@dataclass
class Production:
    settings: Settings
    stack: Stack
    layout: Layout

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.gateway_port}"

    @property
    def gateways(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.layout.gateway_ports]

    def spec(self, name: str) -> ProcessSpec:
        return self.stack.spec(name)


def _port_blocks(*sizes: int) -> list[int]:
    """Disjoint blocks of consecutive free ports, one per size."""
    while True:
        bases = [free_port_block(size) for size in sizes]
        taken = [set(range(base, base + size)) for base, size in zip(bases, sizes, strict=True)]
        if sum(len(t) for t in taken) == len(set().union(*taken)):
            return bases


@pytest.fixture(scope="module")
def production(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Production]:
    name = f"borgerbot_prod_{uuid.uuid4().hex[:8]}"
    queue = f"borgerbot.test.{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    gateway_base, action_base, rasa_base = _port_blocks(3, 3, 2)
    settings = Settings(
        var_dir=tmp_path_factory.mktemp("production") / "var",
        gateway_port=gateway_base,
        action_port=action_base,
        rasa_port=rasa_base,
        database_url=f"postgresql://postgres@127.0.0.1:5432/{name}",
        redis_url=REDIS,
        rabbitmq_url=RABBITMQ,
        rabbitmq_queue=queue,
        # Every simulated citizen comes from 127.0.0.1, and talks faster than a person.
        rate_limit_per_client=1_000_000,
        rate_limit_per_session=1_000_000,
    )
    publish_content(settings)
    stack = Stack(settings, trained_model, production_specs(settings, trained_model))
    stack.start()
    try:
        stack.wait_until_healthy()
        yield Production(settings, stack, Layout(settings))
    finally:
        stack.stop()
        with pika.BlockingConnection(pika.URLParameters(RABBITMQ)) as connection:
            channel = connection.channel()
            channel.queue_delete(queue)
            channel.exchange_delete(settings.rabbitmq_exchange)
        with psycopg.connect(ADMIN_POSTGRES_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def chat(http: httpx.Client, url: str, message: str, session_id: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"municipality": "kalundborg", "message": message}
    if session_id:
        body["session_id"] = session_id
    return http.post(f"{url}/api/v1/chat", json=body, timeout=60)


def guide_of(body: dict[str, Any]) -> str:
    """The guide the reply cites (the topic is its id's first word)."""
    for message in body["messages"]:
        if message.get("source") and message["source"].get("guide_id"):
            return str(message["source"]["guide_id"])
    return ""


def rasa_events(settings: Settings, session_id: str) -> list[dict[str, Any]]:
    engine = create_engine(make_url(settings.tracker_database_url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": session_id}
            ).all()
    finally:
        engine.dispose()
    return [json.loads(data) for (data,) in rows]


def analytics_turns_of(settings: Settings, sessions: list[str], expected: int, timeout: float) -> int:
    """How many analytics turns the conversations have, once ``expected`` arrived or ``timeout`` passed."""
    engine = create_engine(make_url(settings.gateway_database_url))
    statement = text("SELECT count(*) FROM analytics_turns WHERE conversation_id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    deadline = time.monotonic() + timeout
    try:
        while True:
            with engine.connect() as connection:
                found = int(connection.execute(statement, {"ids": sessions}).scalar_one())
            if found >= expected or time.monotonic() > deadline:
                return found
            time.sleep(1)
    finally:
        engine.dispose()


def _is_ddh(reply: httpx.Response) -> bool:
    """The gateway's degraded reply: 503 with Den Digitale Hotline's number, the conversation kept."""
    if reply.status_code != 503:
        return False
    body = reply.json()
    return bool(body.get("degraded")) and "70 20 00 00" in body["messages"][0]["text"]


@dataclass
class Load:
    """Citizens talking through nginx in threads until stopped; every reply's status kept."""

    url: str
    statuses: list[int | str] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    # Each citizen's statuses in order; a degraded reply carrying DDH's number is "ddh".
    by_citizen: dict[int, list[int | str]] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def _citizen(self, number: int) -> None:
        session: str | None = None
        with httpx.Client() as http:
            turn = 0
            while not self.stop.is_set():
                try:
                    reply = chat(http, self.url, QUESTIONS[(number + turn) % len(QUESTIONS)], session)
                    status: int | str = "ddh" if _is_ddh(reply) else reply.status_code
                    if session is None:
                        session = reply.json()["session_id"]
                        self.sessions.append(session)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                self.statuses.append(status)
                self.by_citizen.setdefault(number, []).append(status)
                turn += 1
                self.stop.wait(PAUSE_SECONDS)

    def during(self, action: Callable[[], None], settle_seconds: float = 3.0) -> None:
        """Run ``action`` while the citizens talk; they go on ``settle_seconds`` after it."""
        with ThreadPoolExecutor(CITIZENS_UNDER_LOAD) as pool:
            for number in range(CITIZENS_UNDER_LOAD):
                pool.submit(self._citizen, number)
            time.sleep(2.0)
            try:
                action()
                time.sleep(settle_seconds)
            finally:
                self.stop.set()

    def failures(self) -> list[int | str]:
        return [status for status in self.statuses if status != 200]


def test_the_widget_is_served_from_nginx_cache_with_its_caching_headers(production: Production) -> None:
    with httpx.Client() as http:
        first = http.get(f"{production.url}/widget.js")
        second = http.get(f"{production.url}/widget.js")
    assert first.status_code == second.status_code == 200
    assert "max-age=300" in second.headers["cache-control"]
    assert second.headers["x-cache-status"] == "HIT"
    assert second.text == first.text and "70 20 00 00" in second.text


def test_a_conversation_alternating_gateways_stays_one_conversation(production: Production) -> None:
    said = ["Hvad koster et pas?", "Hvor lang tid tager det at få et nyt pas?", "Hvornår skal jeg melde flytning?"]
    session: str | None = None
    with httpx.Client() as http:
        for turn, message in enumerate(said):
            reply = chat(http, production.gateways[turn % 2], message, session)
            assert reply.status_code == 200, reply.text
            session = session or reply.json()["session_id"]
            assert reply.json()["session_id"] == session
        history = http.get(f"{production.gateways[1]}/api/v1/chat/{session}/history")
    assert session is not None
    assert [t.text for t in load_conversations(production.settings.tracker_database_url, [session])[session]] == said
    if history.status_code == 200:
        assert [m["text"] for m in history.json()["messages"] if m["role"] == "citizen"] == said


def test_two_messages_at_once_through_two_gateways_are_handled_one_after_the_other(production: Production) -> None:
    with httpx.Client() as http:
        session = chat(http, production.url, "Hej").json()["session_id"]
    asked = {"Hvad koster et pas?": "pas", "Hvornår skal jeg melde flytning?": "flytning"}
    start = threading.Barrier(len(asked))

    def send(gateway: str, message: str) -> httpx.Response:
        with httpx.Client() as http:
            start.wait()
            return chat(http, gateway, message, session)

    with ThreadPoolExecutor(len(asked)) as pool:
        replies = list(pool.map(send, production.gateways, asked))
    for (message, topic), reply in zip(asked.items(), replies, strict=True):
        assert reply.status_code == 200, reply.text
        assert guide_of(reply.json()).startswith(topic), (message, reply.json())
    # Handled in order: each message's whole turn (its actions, its replies) before the next message.
    kinds = [
        e["event"] if e["event"] != "action" else f"action:{e['name']}"
        for e in rasa_events(production.settings, session)
    ]
    users = [i for i, kind in enumerate(kinds) if kind == "user"]
    assert len(users) == 3, kinds
    for first, second in itertools.pairwise(users):
        assert "action:action_listen" in kinds[first:second], f"two turns interleaved: {kinds}"


def test_rabbitmq_restarted_under_load_loses_no_event_for_the_analytics(production: Production) -> None:
    if shutil.which("rabbitmqctl") is None:
        pytest.skip("rabbitmqctl is needed to restart RabbitMQ")
    load = Load(production.url)

    def restart_rabbitmq() -> None:
        subprocess.run(["rabbitmqctl", "stop_app"], check=True, timeout=120, capture_output=True)
        time.sleep(3)
        subprocess.run(["rabbitmqctl", "start_app"], check=True, timeout=120, capture_output=True)

    load.during(restart_rabbitmq, settle_seconds=5.0)
    assert load.failures() == []
    answered = sum(1 for status in load.statuses if status == 200)
    found = analytics_turns_of(production.settings, load.sessions, answered, timeout=120)
    assert found == answered, f"{answered} messages answered, {found} in the analytics"


def test_postgres_dropping_every_connection_under_load_costs_no_message(production: Production) -> None:
    load = Load(production.url)
    database = make_url(production.settings.database_url or "").database

    def cut_connections() -> None:
        with psycopg.connect(ADMIN_POSTGRES_URL, autocommit=True) as admin:
            cut = admin.execute(TERMINATE_BACKENDS, (database,)).fetchall()
        assert len(cut) >= 2, cut

    load.during(cut_connections)
    assert load.failures() == []


def test_a_rasa_replica_killed_under_load_costs_no_answer(production: Production) -> None:
    load = Load(production.url)
    victim = production.spec("rasa-1")
    load.during(lambda: victim.child.send(signal.SIGKILL), settle_seconds=25.0)
    # A message the killed replica had in hand goes to the other, which has been seen to hold it past
    # the gateway's 20 s (not yet explained; the dead replica's lock ticket lasts 8 s): its citizen
    # may get DDH's number, never an error, and the conversation goes on.
    assert set(load.failures()) <= {"ddh"}, load.failures()
    assert len(load.failures()) <= CITIZENS_UNDER_LOAD, "at most the messages in flight at the kill"
    assert all(statuses[-1] == 200 for statuses in load.by_citizen.values()), "every conversation goes on"
    conversations = load_conversations(production.settings.tracker_database_url, load.sessions)
    assert set(conversations) == set(load.sessions)
    victim.child.stop()
    victim.child.start()
    production.stack.wait_until_healthy()


def test_every_replica_restarted_in_turn_under_load_gives_no_error(production: Production) -> None:
    load = Load(production.url)
    restarted: list[str] = []

    def restart_all() -> None:
        def restart(spec: ProcessSpec) -> None:
            spec.child.stop()  # SIGTERM: it finishes what it is handling
            spec.child.start()
            restarted.append(spec.name)

        timeout = production.settings.startup_timeout_seconds
        drain = rasa_drain(production.settings.redis_url, timeout)
        rolling_restart(production.stack.specs, restart, timeout, drain)

    load.during(restart_all)
    assert restarted == ["actions-1", "actions-2", "rasa-1", "rasa-2", "gateway-1", "gateway-2"]
    assert load.failures() == []
    assert len(load.statuses) > 50

"""Hold the evaluation conversations with a real stack, through the gateway's chat API."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from core.settings import Settings
from ops.eval.cases import Conversation
from ops.eval.judge import Result, observe
from ops.ports import free_port
from ops.publishing import copy_published_index, publish_content
from ops.review import load_conversations
from ops.stack import Stack

logger = logging.getLogger(__name__)

CONCURRENT_CONVERSATIONS = 4


def eval_settings(base: Settings, var_dir: Path) -> Settings:
    """A stack of its own: fresh var/ folder (SQLite stores), free ports, a copy of the published index."""
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    # A copy, not the shared index: the stack publishes its own content database into it (run_conversations).
    copy_published_index(base.index_dir, var_dir / "index")
    return base.model_copy(
        update={
            "var_dir": var_dir,
            "database_url": None,
            "rasa_port": free_port(),
            "action_port": free_port(),
            "gateway_port": free_port(),
            "gateway_host": "127.0.0.1",
            # Every simulated citizen comes from 127.0.0.1: the per-address limit would refuse them.
            "rate_limit_per_client": 1_000_000,
        }
    )


Exchange = tuple[str | None, list[dict[str, Any]]]  # session id, the gateway's replies


async def _converse(http: httpx.AsyncClient, municipality: str, says: Sequence[str]) -> Exchange:
    session_id: str | None = None
    responses: list[dict[str, Any]] = []
    for say in says:
        body: dict[str, Any] = {"message": say, "municipality": municipality}
        if session_id:
            body["session_id"] = session_id
        reply = await http.post("/api/v1/chat", json=body)
        if reply.status_code >= 500 and reply.status_code != 503:
            reply.raise_for_status()
        data = reply.json()
        session_id = data.get("session_id", session_id)
        responses.append(data)
    return session_id, responses


async def _converse_all(gateway_url: str, scripts: Sequence[tuple[str, Sequence[str]]]) -> list[Exchange]:
    """Each (municipality, messages) script in a session of its own, a few at a time."""
    limit = asyncio.Semaphore(CONCURRENT_CONVERSATIONS)
    async with httpx.AsyncClient(base_url=gateway_url, timeout=60) as http:

        async def one(municipality: str, says: Sequence[str]) -> Exchange:
            async with limit:
                return await _converse(http, municipality, says)

        return await asyncio.gather(*(one(m, s) for m, s in scripts))


def run_conversations(
    settings: Settings, model: Path, conversations: Sequence[Conversation], probes: Sequence[tuple[str, str]] = ()
) -> tuple[list[Result], list[dict[str, Any]]]:
    """Start the stack, hold every conversation, read the outcomes back from the tracker store.

    ``probes`` are single (municipality, message) exchanges judged from the gateway's reply alone
    (the messages in other languages); their replies come back in the same order.
    """
    scripts = [(c.municipality, [t.say for t in c.turns]) for c in conversations]
    scripts += [(municipality, [say]) for municipality, say in probes]
    # As make run: the app database migrated, kb/ imported and published (the same guides as the
    # files), so the gateway's and the consumer's turns are kept for the weekly review of this
    # traffic (ops.eval.traffic_review); the action server then follows that database.
    publish_content(settings)
    stack = Stack(settings, model)
    stack.start()
    try:
        stack.wait_until_healthy()
        exchanged = asyncio.run(_converse_all(settings.gateway_url, scripts))
    finally:
        stack.stop()
    held, probed = exchanged[: len(conversations)], exchanged[len(conversations) :]
    stored = load_conversations(settings.tracker_database_url, [s for s, _ in held if s])
    results = []
    for conversation, (session_id, responses) in zip(conversations, held, strict=True):
        turns = stored.get(session_id or "", [])
        if len(turns) != len(responses):
            logger.warning("eval.turns_mismatch", extra={"case": conversation.name, "stored": len(turns)})
        observed = [observe(r, turns[i] if i < len(turns) else None) for i, r in enumerate(responses)]
        results.append(Result(conversation, observed))
    return results, [responses[0] for _, responses in probed]

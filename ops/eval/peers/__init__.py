"""Peers: simpler systems built from the same guides, answering the same dev questions as the bot.

Each peer turns a dev question (``ops.devset.DevCase``) into a ``PeerReply`` (a guide id, or none: it declines and the
citizen would be handed over); ``ops.eval.compare`` scores every system the same way.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PeerReply:
    """What a system did with a dev question: answered from ``guide``, or declined (``guide`` None)."""

    guide: str | None
    detail: str = ""  # what decided it (intent and confidence, score), for the failure list
    reply: str = ""  # the text the citizen would have seen
    escalated: bool | None = None  # handed over to DDH; None: a peer, which hands over when it declines


def allowed(scope: str, municipality: str) -> bool:
    """A municipality's own guide is only ever shown on its own site (as kb.search filters)."""
    return scope in ("national", municipality)

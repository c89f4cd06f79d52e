"""Retention (docs/review.md): each municipality's conversations deleted from every store when due,
and one conversation deleted on an administrator's request.

A conversation is due when its last activity in any store is older than its municipality's
``retention_days``; one no store ties to a known municipality keeps the longest retention, never
less than the default. Logs carry counts only, never a conversation's id or content.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.analytics.retention_stores import ConversationStore, Seen, close_stores, open_stores
from core.log import configure_logging
from core.settings import get_settings
from kb.content.audit import record
from kb.live import LiveMunicipalities
from kb.municipalities import Municipality

logger = logging.getLogger(__name__)

# The audit action of a deletion on request.
CONVERSATION_DELETE = "conversation.delete"
# The municipality key of a conversation no store ties to a municipality.
UNKNOWN = "unknown"
DEFAULT_RETENTION_DAYS: int = Municipality.model_fields["retention_days"].default


class RetentionError(Exception):
    """A deletion on request that did not reach every store; the message (Danish) is for staff."""


def log_failure(event: str, exc: BaseException, **extra: object) -> None:
    """Log a failed deletion without the statement's parameters (they hold conversation ids): a database
    error by its driver's message, anything else with its traceback."""
    if isinstance(exc, DBAPIError):
        logger.error(event, extra={**extra, "error": f"{type(exc.orig).__name__}: {exc.orig}"})
    elif isinstance(exc, SQLAlchemyError):
        logger.error(event, extra={**extra, "error": type(exc).__name__})
    else:
        logger.error(event, extra={**extra, "error": type(exc).__name__}, exc_info=exc)


def unknown_retention_days(municipalities: Mapping[str, Municipality]) -> int:
    """The retention of a conversation tied to no known municipality: the longest, at least the default."""
    return max([DEFAULT_RETENTION_DAYS, *(m.retention_days for m in municipalities.values())])


@dataclass(frozen=True)
class Plan:
    """The conversations due, each with its municipality key, and which store holds which of them."""

    municipality: dict[str, str] = field(default_factory=dict)
    held_by: dict[str, frozenset[str]] = field(default_factory=dict)

    def counts(self, ids: Collection[str] | None = None) -> dict[str, int]:
        """Conversations by municipality key: all due, or those among ``ids``."""
        chosen = self.municipality if ids is None else {cid: self.municipality[cid] for cid in ids}
        return dict(sorted(Counter(chosen.values()).items()))


@dataclass(frozen=True)
class RetentionReport:
    """What one run deleted: conversations due by municipality; per store, conversations by municipality and rows."""

    due: dict[str, int]
    deleted: dict[str, dict[str, int]]
    rows: dict[str, int]
    failed: tuple[str, ...] = ()
    dry_run: bool = False


def _combined(stores: Sequence[ConversationStore], ids: Collection[str]) -> tuple[dict[str, Seen], dict[str, set[str]]]:
    """Each conversation's newest record over every store and first known municipality; who holds it."""
    combined: dict[str, Seen] = {}
    held_by: dict[str, set[str]] = {}
    for store in stores:
        found = store.last_seen(ids) if ids else {}
        held_by[store.name] = set(found)
        for cid, seen in found.items():
            old = combined.get(cid)
            combined[cid] = (
                seen if old is None else Seen(max(old.last_at, seen.last_at), old.municipality or seen.municipality)
            )
    return combined, held_by


def plan_retention(
    stores: Sequence[ConversationStore], municipalities: Mapping[str, Municipality], now: datetime
) -> Plan:
    """The conversations due now: last activity in every store older than their municipality's retention."""
    fallback = unknown_retention_days(municipalities)
    shortest = min([fallback, *(m.retention_days for m in municipalities.values())])
    # Nothing newer than the shortest retention can be due anywhere: those are the candidates.
    candidates: set[str] = set()
    for store in stores:
        candidates.update(store.conversations_older_than(now - timedelta(days=shortest)))
    combined, held_by = _combined(stores, candidates)
    due: dict[str, str] = {}
    for cid, seen in combined.items():
        known = municipalities.get(seen.municipality) if seen.municipality else None
        days = known.retention_days if known else fallback
        if seen.last_at < now - timedelta(days=days):
            due[cid] = seen.municipality or UNKNOWN
    return Plan(due, {name: frozenset(ids & due.keys()) for name, ids in held_by.items()})


def apply_retention(
    stores: Sequence[ConversationStore],
    municipalities: Mapping[str, Municipality],
    now: datetime,
    dry_run: bool = False,
) -> RetentionReport:
    """Delete from every store exactly the conversations due, each store in its own transaction.

    A store whose deletion fails is named in the report and logged; the others are still deleted
    from, and the next run finds what is left there.
    """
    plan = plan_retention(stores, municipalities, now)
    deleted: dict[str, dict[str, int]] = {}
    rows: dict[str, int] = {}
    failed: list[str] = []
    for store in stores:
        held = plan.held_by.get(store.name, frozenset())
        if dry_run or not held:
            deleted[store.name], rows[store.name] = plan.counts(held), 0
            continue
        try:
            rows[store.name] = store.delete(held)
        except Exception as exc:
            log_failure("retention.store_failed", exc, store=store.name)
            failed.append(store.name)
            deleted[store.name], rows[store.name] = {}, 0
        else:
            deleted[store.name] = plan.counts(held)
    report = RetentionReport(plan.counts(), deleted, rows, tuple(failed), dry_run)
    event = "retention.due" if dry_run else "retention.deleted"
    logger.info(
        event,
        extra={"conversations": report.due, "stores": report.deleted, "rows": report.rows, "failed": list(failed)},
    )
    return report


def delete_conversation(
    stores: Sequence[ConversationStore], conversation_id: str, actor: str, audit: Engine
) -> dict[str, int]:
    """Delete one conversation from every store on request, audited; rows deleted per store (all 0: unknown).

    Raises RetentionError when a store could not delete it (what was deleted is audited first).
    """
    combined, _ = _combined(stores, [conversation_id])
    municipality = combined[conversation_id].municipality if conversation_id in combined else None
    counts: dict[str, int] = {}
    failed: list[str] = []
    for store in stores:
        try:
            counts[store.name] = store.delete([conversation_id])
        except Exception as exc:
            log_failure("retention.store_failed", exc, store=store.name)
            failed.append(store.name)
    if any(counts.values()) or failed:
        with audit.begin() as conn:
            details: dict[str, object] = {"rows": counts, "failed": failed} if failed else {"rows": counts}
            record(conn, actor, CONVERSATION_DELETE, conversation_id, municipality, details)
        logger.info("retention.deleted_on_request", extra={"actor": actor, "rows": counts, "failed": failed})
    if failed:
        raise RetentionError("Samtalen kunne ikke slettes alle steder (" + ", ".join(failed) + "). Prøv igen om lidt.")
    return counts


def main_retention(argv: list[str] | None = None) -> int:
    """`python -m bot.analytics retention [--dry-run]`: apply retention once to the configured stores."""
    parser = argparse.ArgumentParser(prog="python -m bot.analytics retention", description=main_retention.__doc__)
    parser.add_argument("--dry-run", action="store_true", help="tæl kun, hvad der skal slettes; slet intet")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    municipalities = LiveMunicipalities(settings.index_dir, settings.kb_dir).get()
    stores = open_stores(settings)
    try:
        report = apply_retention(stores, municipalities, datetime.now(UTC), dry_run=args.dry_run)
    finally:
        close_stores(stores)
    sys.stdout.write(_summary(report))
    return 1 if report.failed else 0


def _summary(report: RetentionReport) -> str:
    """The run in Danish for the terminal: per store, conversations by municipality and rows."""
    verb = "skal slettes" if report.dry_run else "slettet"
    lines = []
    for store, counts in report.deleted.items():
        if store in report.failed:
            lines.append(f"{store}: kunne ikke slette (se loggen); prøves igen ved næste kørsel")
            continue
        by = ", ".join(f"{municipality} {n}" for municipality, n in counts.items())
        rows = "" if report.dry_run else f", {report.rows[store]} rækker"
        lines.append(f"{store}: {sum(counts.values())} samtaler {verb}" + (f" ({by})" if by else "") + rows)
    return "\n".join(lines) + "\n"

"""Restart the production shape's replicas one at a time, so no citizen notices (`make restart-prod`).

A Rasa replica is first drained (bot.rasa_drain: the gateways send it no new message) and given
``DRAIN_SECONDS`` to finish what it has. Each replica is then stopped gracefully (SIGTERM: it
finishes what it is handling and refuses new connections, so nginx or the gateways' Rasa pool send
the next messages to its twin), started again
with the current configuration (a new Rasa model, new settings), and waited for until it answers its
health check before the next one goes. Order: action servers, Rasa replicas, gateways; then nginx
re-reads its configuration (SIGHUP: it keeps serving while it does).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass

import redis

from bot.rasa_drain import start_draining, stop_draining
from core.log import configure_logging
from core.settings import get_settings
from ops.production import production_specs
from ops.stack import ProcessSpec
from ops.supervisor import SupervisedStack
from ops.training import ensure_model

logger = logging.getLogger(__name__)

ORDER = ("actions", "rasa", "gateway")
HEALTH_POLL_SECONDS = 0.5
# From the drain mark to the stop: the gateways see it (bot.rasa_drain.CACHE_SECONDS), then the
# messages the replica has finish (well under a second each, a few under heavy load).
DRAIN_SECONDS = 4.0
Drain = Callable[[ProcessSpec], AbstractContextManager[None]]


@dataclass(frozen=True)
class Restarted:
    name: str
    seconds: float  # from the stop to its health check passing


def restart_order(specs: Sequence[ProcessSpec]) -> list[ProcessSpec]:
    """The replicas to restart, in ORDER; a process with no twin (the consumer, nginx) is not among them."""
    replicas = [spec for spec in specs if spec.name != spec.kind and spec.kind in ORDER]
    return sorted(replicas, key=lambda spec: ORDER.index(spec.kind))


def wait_healthy(spec: ProcessSpec, timeout: float) -> None:
    """Wait until the replica answers its health check (ops.processes); TimeoutError after ``timeout``."""
    if spec.health_url is not None:
        spec.child.wait_until_healthy(spec.health_url, timeout=timeout, interval=HEALTH_POLL_SECONDS)


def rasa_drain(redis_url: str | None, timeout: float) -> Drain:
    """Drain a Rasa replica in Redis around its restart; other replicas (nginx in front) need none."""

    @contextmanager
    def drained(spec: ProcessSpec) -> Iterator[None]:
        if spec.kind != "rasa" or not redis_url or spec.health_url is None:
            yield
            return
        # Rasa's health URL is its base URL (Settings.rasa_url), as the gateways list the replicas.
        url = spec.health_url.rstrip("/")
        client = redis.Redis.from_url(redis_url)
        try:
            start_draining(client, url, DRAIN_SECONDS + timeout + 60)
            logger.info("rolling.draining", extra={"component": spec.name, "seconds": DRAIN_SECONDS})
            time.sleep(DRAIN_SECONDS)
            yield
        finally:
            stop_draining(client, url)
            client.close()

    return drained


def rolling_restart(
    specs: Sequence[ProcessSpec], restart: Callable[[ProcessSpec], None], timeout: float, drain: Drain | None = None
) -> list[Restarted]:
    """Restart each replica with ``restart`` (stop, then start), waiting for its health before the next."""
    done = []
    for spec in restart_order(specs):
        began = time.monotonic()
        logger.info("rolling.restarting", extra={"component": spec.name})
        with drain(spec) if drain is not None else nullcontext():
            restart(spec)
            wait_healthy(spec, timeout)
        seconds = time.monotonic() - began
        logger.info("rolling.restarted", extra={"component": spec.name, "seconds": round(seconds, 1)})
        done.append(Restarted(spec.name, seconds))
    return done


def supervised_restart(stack: SupervisedStack, changed: set[str]) -> Callable[[ProcessSpec], None]:
    """One replica restarted by the running supervisord; a changed program is re-added with its new command."""

    def restart(spec: ProcessSpec) -> None:
        stack.call("supervisor.stopProcess", spec.name, True)
        if spec.name in changed:
            stack.call("supervisor.removeProcessGroup", spec.name)
            stack.call("supervisor.addProcessGroup", spec.name)  # autostart: it starts at once
        else:
            stack.call("supervisor.startProcess", spec.name, True)

    return restart


def main() -> int:
    """Restart the running `make run-prod` one replica at a time, with the model for the current data."""
    settings = get_settings()
    configure_logging(settings.log_level)
    model = ensure_model(settings)
    # Rewrites supervisord's configuration with the current model and settings (nothing starts here).
    stack = SupervisedStack(settings, model, specs=production_specs(settings, model))
    if not stack.socket.exists():
        sys.stderr.write(f"No running production shape found (no {stack.socket}); start it with `make run-prod`.\n")
        return 1
    added, changed, removed = stack.call("supervisor.reloadConfig")[0]
    if added or removed:
        sys.stderr.write("The set of processes changed; stop `make run-prod` and start it again.\n")
        return 1
    timeout = settings.startup_timeout_seconds
    restart = supervised_restart(stack, set(changed))
    done = rolling_restart(stack.specs, restart, timeout, rasa_drain(settings.redis_url, timeout))
    stack.call("supervisor.signalProcess", "proxy", "HUP")
    for item in done:
        sys.stderr.write(f"{item.name}: restarted and healthy in {item.seconds:.1f} s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

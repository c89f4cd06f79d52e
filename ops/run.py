"""`make run`: train what is stale, migrate the content database and publish the index from it, start
the stack under supervisord, say in plain words what happens to its processes, stop everything on
Ctrl-C (the gateway first).

`make run-prod` (``--prod``) starts the production shape instead (ops.production): two of each server
behind nginx, on the PostgreSQL, Redis and RabbitMQ the settings name.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import tarfile
import time
from pathlib import Path
from types import FrameType

from bot.admin.accounts import AccountStore
from core.log import configure_logging
from core.settings import Settings, get_settings
from kb.content.engine import make_engine
from kb.store import InvalidGuideError
from ops.database import ensure_database
from ops.production import missing_servers, production_specs, unreachable_servers
from ops.publishing import publish_content
from ops.stack import ProcessDiedError, ProcessSpec
from ops.supervision import Event
from ops.supervisor import SupervisedStack, ports_in_use
from ops.training import ensure_model

logger = logging.getLogger("ops.run")
POLL_SECONDS = 1.0


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop()


def _already_stopping(signum: int, frame: FrameType | None) -> None:
    # A second Ctrl-C must not cut the orderly stop short and leave processes behind.
    logger.info("run.already_stopping")


def staff_pages_hint(settings: Settings) -> str:
    """Where the staff pages are, and, while nobody can log in, how to make the first administrator."""
    engine = make_engine(settings.gateway_database_url)
    try:
        has_users = bool(AccountStore(engine).list_users())
    finally:
        engine.dispose()
    line = f"Staff pages (guides, municipality data): {settings.gateway_url}/admin/"
    if has_users:
        return line
    return (
        f"{line}\nNo staff account yet. Make the first administrator (you choose the password):\n"
        '  .venv/bin/python -m bot.admin create-user --username <name> --name "<Full Name>" --role admin'
    )


def damaged_model(model: Path) -> str | None:
    """Why the model archive cannot be read, or None. Rasa would start without a model and answer
    its health check while every message fails, so this is checked before anything starts."""
    try:
        with tarfile.open(model, "r:gz") as archive:
            for _ in archive:
                pass
    except (OSError, EOFError, tarfile.TarError) as exc:
        return (
            f"The Rasa model {model} is damaged ({exc}); a training was probably interrupted. "
            "Delete it and start `make run` again, which trains a new one."
        )
    return None


def report(event: Event) -> None:
    """One event, in the log (run.process_exited / _recovered / _fatal) and in plain words on the terminal."""
    extra = {"component": event.name, "explanation": event.message}
    if event.kind == "recovered":
        logger.info("run.process_recovered", extra={"component": event.name, "seconds": round(event.seconds or 0, 1)})
        sys.stderr.write(f"\n{event.message}\n\n")
        return
    if event.kind == "fatal":
        logger.error("run.process_fatal", extra={**extra, "returncode": event.returncode})
    else:
        logger.warning("run.process_exited", extra={**extra, "returncode": event.returncode})
    sys.stderr.write(f"\n{event.message}\n\n")


def production_problems(settings: Settings) -> list[str]:
    """What keeps the production shape from starting: a shared server not named, or not answering."""
    missing = missing_servers(settings)
    if missing:
        return [f"The production shape needs {', '.join(missing)} (deploy/local-prod.env names these machines' own)."]
    return unreachable_servers(settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.run", description=__doc__)
    parser.add_argument("--prod", action="store_true", help="two of each server behind nginx (ops.production)")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    started = time.monotonic()
    if args.prod:
        problems = production_problems(settings)
        if problems:
            logger.error("run.servers_missing", extra={"explanation": " ".join(problems)})
            sys.stderr.write("\n" + "\n".join(problems) + "\n")
            return 1
        assert settings.database_url is not None  # production_problems says so otherwise
        ensure_database(settings.database_url)
    model = ensure_model(settings)
    try:
        # The first run imports kb/guides and kb/municipalities into the database; from then on the
        # database is what citizens get (staff edit it in /admin), and the action server keeps the index of it.
        publish_content(settings)
    except InvalidGuideError as exc:
        logger.error("run.invalid_guide", extra={"explanation": str(exc)})
        sys.stderr.write(
            f"\nEn vejledning kan ikke bruges:\n{exc}\nRet den ('make kb-check' viser alle fejl), og start igen.\n"
        )
        return 1
    damage = damaged_model(model)
    if damage:
        logger.error("run.model_damaged", extra={"explanation": damage})
        sys.stderr.write(f"\n{damage}\n")
        return 1
    specs: list[ProcessSpec] | None = production_specs(settings, model) if args.prod else None
    stack = SupervisedStack(settings, model, specs=specs)
    # Before supervisord: a port another program holds would only make it retry and give up.
    busy = ports_in_use(settings, stack.specs)
    if busy:
        logger.error("run.port_in_use", extra={"explanation": " ".join(busy)})
        advice = "Stop that program or choose other ports (README, Configuration)."
        sys.stderr.write("\n" + "\n".join([*busy, advice]) + "\n")
        return 1
    signal.signal(signal.SIGINT, _raise_stop)
    signal.signal(signal.SIGTERM, _raise_stop)
    code = 1
    try:
        stack.start()
        stack.wait_until_healthy(on_event=report)
        url = settings.gateway_url
        logger.info(
            "run.ready", extra={"url": url, "docs": f"{url}/docs", "seconds": round(time.monotonic() - started, 1)}
        )
        sys.stderr.write(f"\nBorgerbot is ready: {url}  (API docs: {url}/docs). Press Ctrl-C to stop.\n")
        sys.stderr.write(staff_pages_hint(settings) + "\n\n")
        # From here on nothing that happens to one process stops the others: supervisord restarts
        # it, and one it gives up on stays down while the gateway answers with DDH's number.
        while True:
            for event in stack.poll():
                report(event)
            time.sleep(POLL_SECONDS)
    except _Stop:
        logger.info("run.stopping", extra={"reason": "signal"})
        code = 0
    except (ProcessDiedError, TimeoutError, RuntimeError) as exc:
        logger.error("run.process_died", extra={"explanation": str(exc)})
        sys.stderr.write(f"\n{exc}\n")
    finally:
        # Whatever ended the run (Ctrl-C, a failed start, a bug here): supervisord runs in a session
        # of its own, so nothing else would stop it and its programs.
        signal.signal(signal.SIGINT, _already_stopping)
        signal.signal(signal.SIGTERM, _already_stopping)
        stack.stop()
        logger.info("run.stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())

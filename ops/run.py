"""`make run`: train and index what is stale, start the stack, watch it, stop it on Ctrl-C."""

from __future__ import annotations

import logging
import signal
import sys
import time
from types import FrameType

from core.log import configure_logging
from core.settings import get_settings
from kb.prepare import ensure_index
from kb.store import InvalidGuideError
from ops.stack import ProcessDiedError, Stack
from ops.training import ensure_model

logger = logging.getLogger("ops.run")


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop()


def main() -> int:
    settings = get_settings()
    configure_logging(settings.log_level)
    started = time.monotonic()
    model = ensure_model(settings)
    try:
        ensure_index(settings)
    except InvalidGuideError as exc:
        logger.error("run.invalid_guide", extra={"explanation": str(exc)})
        sys.stderr.write(
            f"\nEn vejledning kan ikke bruges:\n{exc}\nRet den ('make kb-check' viser alle fejl), og start igen.\n"
        )
        return 1
    stack = Stack(settings, model)
    signal.signal(signal.SIGINT, _raise_stop)
    signal.signal(signal.SIGTERM, _raise_stop)
    try:
        stack.start()
        stack.wait_until_healthy()
        url = settings.gateway_url
        logger.info(
            "run.ready", extra={"url": url, "docs": f"{url}/docs", "seconds": round(time.monotonic() - started, 1)}
        )
        sys.stderr.write(f"\nBorgerbot is ready: {url}  (API docs: {url}/docs). Press Ctrl-C to stop.\n\n")
        while True:
            stack.raise_if_dead()
            time.sleep(1)
    except _Stop:
        logger.info("run.stopping", extra={"reason": "signal"})
        stack.stop()
        return 0
    except (ProcessDiedError, TimeoutError) as exc:
        logger.error("run.process_died", extra={"explanation": str(exc)})
        sys.stderr.write(f"\n{exc}\n")
        stack.stop()
        return 1


if __name__ == "__main__":
    sys.exit(main())

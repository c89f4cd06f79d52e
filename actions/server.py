"""The action server: rasa-sdk's app, warmed up and served in one process on 127.0.0.1.

Loading the embedding model and the index takes seconds; doing it before the port
opens keeps that wait out of the first citizen's answer, and one process (rather
than Sanic's spawned workers) keeps the warmed model in the process that answers.
"""

from __future__ import annotations

import argparse
import logging
import time

from rasa_sdk.endpoint import create_app_for_serve
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic

from actions.context import guide_search
from core.log import configure_logging
from core.settings import get_settings
from kb.search import IndexUnavailableError

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Load the model and the published index with one real search."""
    started = time.monotonic()
    try:
        guide_search().search("pas", municipality=get_settings().default_municipality, k=1)
    except IndexUnavailableError as exc:
        # The server still starts: answers degrade to clarification until an index is published.
        logger.warning("actions.warm_up.no_index", extra={"error": str(exc)})
        return
    logger.info("actions.warm_up.done", extra={"seconds": round(time.monotonic() - started, 2)})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m actions.server", description=__doc__)
    parser.add_argument("--port", type=int, default=get_settings().action_port)
    args = parser.parse_args(argv)
    # rasa-sdk sets up only its own loggers; without this our action events
    # (actions.answer.guide, actions.escalate, …) would never reach the log.
    configure_logging(get_settings().log_level)
    executor = ActionExecutor()
    executor.register_package("actions")
    warm_up()
    # Only the Rasa server on loopback calls this server: no CORS.
    app = create_app_for_serve(executor, cors_origins=None)
    app.prepare(host="127.0.0.1", port=args.port, single_process=True, access_log=False)
    logger.info("actions.server.started", extra={"port": args.port})
    Sanic.serve_single(app)


if __name__ == "__main__":
    main()

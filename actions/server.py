"""The action server: rasa-sdk's app, warmed up and served in one process on 127.0.0.1.

Loading the embedding model and the index takes seconds; doing it before the port
opens keeps that wait out of the first citizen's answer, and one process (rather
than Sanic's spawned workers) keeps the warmed model in the process that answers.
The same process watches the content database and rebuilds the index when staff
publish (kb.publish.IndexWatcher): it has the model loaded already.
"""

from __future__ import annotations

import argparse
import logging
import time

from rasa_sdk.endpoint import create_app_for_serve
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from actions.context import guide_search
from core.log import configure_logging
from core.settings import get_settings
from kb.content import SqlContentStore
from kb.content.engine import make_engine
from kb.content.tables import state_table
from kb.publish import IndexWatcher
from kb.search import IndexUnavailableError

logger = logging.getLogger(__name__)

# Threads torch may use for one query embedding. Two threads on the 2 cores that Rasa, the gateway
# and other work share spin-wait on each other: median query embedding 206 ms against 38 ms on one
# thread (2026-12-02, busy machine); on an idle machine two threads save about 5 ms. Results do
# not depend on it (the dev set's decisions are identical).
QUERY_THREADS = 1


def limit_torch_threads(threads: int = QUERY_THREADS) -> None:
    """Run torch's operators on ``threads`` threads in this process (numpy's and faiss's: kb.search)."""
    import torch

    torch.set_num_threads(threads)


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


def start_index_watcher() -> IndexWatcher | None:
    """Watch the content database, when it has the content tables (`make run` migrates it; a bare
    database, as some tests start the stack with, leaves the index as it was built)."""
    settings = get_settings()
    database = make_url(settings.gateway_database_url).render_as_string(hide_password=True)
    try:
        engine = make_engine(settings.gateway_database_url)
        ready = inspect(engine).has_table(state_table.name)
    except SQLAlchemyError as exc:
        logger.warning("actions.index_watcher.database_unavailable", extra={"database": database, "error": str(exc)})
        return None
    if not ready:
        logger.info("actions.index_watcher.no_content_tables", extra={"database": database})
        engine.dispose()
        return None
    watcher = IndexWatcher(SqlContentStore(engine), settings, guide_search().embedder)
    watcher.start()
    return watcher


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m actions.server", description=__doc__)
    parser.add_argument("--port", type=int, default=get_settings().action_port)
    args = parser.parse_args(argv)
    # rasa-sdk sets up only its own loggers; without this our action events
    # (actions.answer.guide, actions.escalate, …) would never reach the log.
    configure_logging(get_settings().log_level)
    executor = ActionExecutor()
    executor.register_package("actions")
    limit_torch_threads()
    warm_up()
    start_index_watcher()
    # Only the Rasa server on loopback calls this server: no CORS.
    app = create_app_for_serve(executor, cors_origins=None)
    app.prepare(host="127.0.0.1", port=args.port, single_process=True, access_log=False)
    logger.info("actions.server.started", extra={"port": args.port})
    Sanic.serve_single(app)


if __name__ == "__main__":
    main()

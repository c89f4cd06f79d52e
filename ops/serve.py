"""Run one process of the stack in the foreground, as systemd starts it (deploy/systemd/).

It makes ready what that process needs (Rasa: the model for the current training data; the action
server: the content database migrated and the guide index published from it), then replaces itself
with the process as ops.stack defines it, so the server runs exactly what `make run` runs and
systemd watches the real process (same pid).
Usage: ``python -m ops.serve actions|rasa|gateway|analytics``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from core.log import configure_logging
from core.settings import get_settings
from ops.publishing import publish_content
from ops.stack import process_specs
from ops.training import ensure_model

logger = logging.getLogger("ops.serve")
PROGRAMS = ("actions", "rasa", "gateway", "analytics")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.serve", description=__doc__)
    parser.add_argument("program", choices=PROGRAMS)
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    # Only Rasa's command names a model; training one (about 10 minutes) happens on its first start only.
    model = ensure_model(settings) if args.program == "rasa" else settings.models_dir
    if args.program == "actions":
        # The action server starts first (deploy/systemd): the gateway finds the database migrated.
        publish_content(settings)
    spec = next(s for s in process_specs(settings, model) if s.name == args.program)
    child = spec.child
    logger.info("serve.exec", extra={"component": spec.name, "argv": list(child.argv)})
    if child.cwd is not None:
        os.chdir(child.cwd)
    # Output stays on this process's stdout and stderr (systemd's journal), not in child.log_path.
    sys.stdout.flush()
    sys.stderr.flush()
    # The argv comes from ops.stack, never from outside input.
    os.execve(child.argv[0], list(child.argv), dict(child.env if child.env is not None else os.environ))  # noqa: S606
    return 1  # not reached: execve replaces this process or raises


if __name__ == "__main__":
    sys.exit(main())

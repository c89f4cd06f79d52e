"""The municipality data citizens see now: that of the published build, followed without a restart.

A build made from the content database (kb.publish) holds the municipality data staff
saved; a process reads it again only when ``current`` points to another build (one
``readlink`` per call). Without such a build the shipped ``kb/municipalities/*.yml`` apply.
"""

from __future__ import annotations

import json
import logging
import threading
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from kb.layout import MUNICIPALITIES_FILE, current_target
from kb.municipalities import Municipality, load_municipalities

logger = logging.getLogger(__name__)


class LiveMunicipalities:
    """Municipality data by slug from the published build, re-read when the build changes."""

    def __init__(self, index_dir: Path, kb_dir: Path) -> None:
        self.index_dir = index_dir
        self.kb_dir = kb_dir
        self._lock = threading.Lock()
        self._loaded = False
        self._target: str | None = None
        self._data: dict[str, Municipality] = {}

    def get(self) -> dict[str, Municipality]:
        """Every municipality, keyed by slug (the same dict until the published build changes)."""
        target = current_target(self.index_dir)
        with self._lock:
            if not self._loaded or target != self._target:
                self._data = self._read(target)
                self._target, self._loaded = target, True
            return self._data

    def _read(self, target: str | None) -> dict[str, Municipality]:
        if target is not None:
            path = self.index_dir / target / MUNICIPALITIES_FILE
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                data = {slug: Municipality.model_validate(value) for slug, value in raw.items()}
            except FileNotFoundError:
                pass  # a build from the shipped files: their municipality data apply
            except (OSError, ValueError, ValidationError) as exc:
                # Never without municipality data: what was read last, else the shipped files.
                logger.warning("kb.live.municipalities_unreadable", extra={"build": target, "error": str(exc)})
                return self._data if self._loaded else load_municipalities(self.kb_dir)
            else:
                logger.info("kb.live.municipalities_loaded", extra={"build": target, "municipalities": len(data)})
                return data
        return load_municipalities(self.kb_dir)


@lru_cache(maxsize=4)
def live_municipalities(index_dir: Path, kb_dir: Path) -> LiveMunicipalities:
    """One follower per index folder and process."""
    return LiveMunicipalities(index_dir, kb_dir)

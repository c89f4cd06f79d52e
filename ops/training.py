"""Train the Rasa model only when its inputs changed: the model name carries their hash."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from core.settings import Settings

logger = logging.getLogger(__name__)

MODEL_PREFIX = "borgerbot-"


def training_inputs(root: Path) -> list[Path]:
    """Everything `rasa train` reads: config, domain and the training data."""
    files = [root / "config.yml"]
    # domain.yml is a link to the domain/ folder (so Rasa's commands find it without flags).
    for folder in (root / "domain", root / "data"):
        files += sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml"))
    return files


def training_fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def rasa_env(settings: Settings) -> dict[str, str]:
    """Environment for Rasa processes: no telemetry calls from a closed network."""
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def rasa_server_argv(settings: Settings) -> list[str]:
    """`rasa` as the stack runs it: through scripts/rasa_server.py, which compiles the check of
    each action server response once (see that file), in the Rasa environment."""
    python = settings.rasa_venv / "bin" / "python"
    if not python.exists():
        raise FileNotFoundError(f"Rasa is not installed at {settings.rasa_venv}; run 'make setup' first")
    return [str(python), str(settings.project_root / "scripts" / "rasa_server.py")]


def rasa_executable(settings: Settings) -> Path:
    path = settings.rasa_venv / "bin" / "rasa"
    if not path.exists():
        raise FileNotFoundError(f"Rasa is not installed at {path}; run 'make setup' first")
    return path


def ensure_model(settings: Settings) -> Path:
    """Path of a model trained on the current inputs, training one if needed."""
    name = MODEL_PREFIX + training_fingerprint(settings.project_root)
    model = settings.models_dir / f"{name}.tar.gz"
    if model.exists():
        logger.info("train.up_to_date", extra={"model": str(model)})
        return model
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    log_path = settings.log_dir / "train.log"
    logger.info("train.started", extra={"model": str(model), "log": str(log_path)})
    # Trained aside and renamed into place: an interrupted training never leaves a truncated
    # model under the name that says "current".
    staging = Path(tempfile.mkdtemp(prefix=".training-", dir=settings.models_dir))
    try:
        with log_path.open("w") as log:
            result = subprocess.run(
                [str(rasa_executable(settings)), "train", "--out", str(staging), "--fixed-model-name", name],
                cwd=settings.project_root,
                env=rasa_env(settings),
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        trained = staging / model.name
        if result.returncode != 0 or not trained.exists():
            tail = log_path.read_text(errors="replace").splitlines()[-15:]
            raise RuntimeError(f"rasa train failed (exit {result.returncode}); see {log_path}:\n" + "\n".join(tail))
        os.replace(trained, model)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _prune_models(settings.models_dir, keep=model)
    logger.info("train.finished", extra={"model": str(model)})
    return model


def _prune_models(models_dir: Path, keep: Path, max_old: int = 2) -> None:
    old = sorted(
        (p for p in models_dir.glob(f"{MODEL_PREFIX}*.tar.gz") if p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for path in old[max_old:]:
        path.unlink(missing_ok=True)

"""Peer (a): Rasa's documented FAQ bot from the guides, trained once per input hash and asked over HTTP.

The project is generated into ``var/eval/peers/faq/`` (see ``faq_data``), trained with
``rasa train`` when its inputs changed, served with ``rasa run --enable-api`` on a free port,
and every dev question goes to ``POST /model/parse``.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from core.settings import Settings
from kb.fees import load_fees, render
from kb.municipalities import load_hotline
from kb.schema import Guide
from kb.search import GuideSearch
from kb.store import FileGuideStore
from ops.devset import DevCase
from ops.eval.peers import PeerReply, allowed
from ops.eval.peers.faq_data import faq_project, guide_of, inputs_hash, out_of_scope_examples
from ops.ports import free_port
from ops.processes import Child, running
from ops.training import rasa_env, rasa_executable

logger = logging.getLogger(__name__)

MODEL_NAME = "faq"
DECLINING_INTENTS = frozenset({"out_of_scope", "nlu_fallback"})


def interpret_parse(
    parse: Mapping[str, Any], municipality: str, scopes: Mapping[str, str], answers: Mapping[str, str]
) -> PeerReply:
    """The peer's decision from Rasa's parse: out_of_scope or nlu_fallback declines; faq answers.

    The guide is the response selector's best key whose guide may be shown in this municipality
    (its own ranking, so a municipality's own guide elsewhere gives way to the next one).
    """
    intent = parse.get("intent") or {}
    name, confidence = str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)
    detail = f"intent {name} {confidence:.2f}"
    if name in DECLINING_INTENTS or name != "faq":
        return PeerReply(None, detail)
    selector = (parse.get("response_selector") or {}).get("faq") or {}
    response = selector.get("response") or {}
    candidates = [(response.get("intent_response_key"), response.get("confidence"))]
    candidates += [(r.get("intent_response_key"), r.get("confidence")) for r in selector.get("ranking") or []]
    for key, score in candidates:
        guide = guide_of(key)
        if guide is not None and allowed(scopes.get(guide, "national"), municipality):
            return PeerReply(guide, f"{detail}; response {score or 0.0:.2f}", answers.get(guide, ""))
    return PeerReply(None, f"{detail}; no response for this municipality")


def _write(folder: Path, files: Mapping[str, str]) -> None:
    shutil.rmtree(folder / "data", ignore_errors=True)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def ensure_faq_model(settings: Settings, folder: Path, guides: Sequence[Guide]) -> tuple[Path, float | None]:
    """The trained FAQ model for the current guides, and the training seconds (None: inputs unchanged, reused)."""
    out_of_scope = out_of_scope_examples(settings.project_root / "data" / "nlu" / "out_of_scope.yml")
    files = faq_project(guides, out_of_scope, load_hotline(settings.kb_dir).phone)
    digest = inputs_hash(files)
    model = folder / "models" / f"{MODEL_NAME}.tar.gz"
    stamp = folder / "models" / f"{MODEL_NAME}.inputs"
    if model.exists() and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == digest:
        logger.info("eval.peer.faq.up_to_date", extra={"model": str(model), "inputs": digest})
        return model, None
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder, files)
    stamp.unlink(missing_ok=True)
    log_path = folder / "train.log"
    logger.info("eval.peer.faq.training", extra={"inputs": digest, "log": str(log_path)})
    started = time.monotonic()
    argv = [str(rasa_executable(settings)), "train", "--config", "config.yml", "--domain", "domain.yml"]
    argv += ["--data", "data", "--out", "models", "--fixed-model-name", MODEL_NAME]
    with log_path.open("w") as log:
        result = subprocess.run(
            argv, cwd=folder, env=rasa_env(settings), stdout=log, stderr=subprocess.STDOUT, check=False
        )
    if result.returncode != 0 or not model.exists():
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-15:])
        raise RuntimeError(f"rasa train of the FAQ peer failed (exit {result.returncode}); see {log_path}:\n{tail}")
    stamp.write_text(digest + "\n", encoding="utf-8")
    seconds = time.monotonic() - started
    logger.info("eval.peer.faq.trained", extra={"seconds": round(seconds), "model": str(model)})
    return model, seconds


def faq_answers(settings: Settings, folder: Path, questions: Sequence[DevCase]) -> tuple[list[PeerReply], float | None]:
    """Train if needed, serve the model, and ask it every question; also the training seconds, if it trained."""
    guides = FileGuideStore(settings.kb_dir / "guides").list_guides()
    model, trained = ensure_faq_model(settings, folder, guides)
    scopes = {g.id: g.scope for g in guides}
    fees, today = load_fees(settings.kb_dir), GuideSearch.today()
    answers = {g.id: render(g.short_answer, fees, today) for g in guides}
    port = free_port()
    argv = [str(rasa_executable(settings)), "run", "--enable-api", "--model", str(model.relative_to(folder))]
    argv += ["--interface", "127.0.0.1", "--port", str(port)]
    server = Child("the FAQ peer's Rasa server", argv, folder / "rasa.log", folder, rasa_env(settings))
    with running(server, append=False), httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        server.wait_until(
            lambda: http.post("/model/parse", json={"text": "hej"}, timeout=5).status_code == 200,
            timeout=settings.startup_timeout_seconds,
            interval=1.0,
        )
        logger.info("eval.peer.faq.serving", extra={"pid": server.pid, "port": port})
        replies = []
        for question in questions:
            response = http.post("/model/parse", json={"text": question.text})
            response.raise_for_status()
            replies.append(interpret_parse(response.json(), question.municipality, scopes, answers))
        return replies, trained

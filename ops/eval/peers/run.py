"""Run every peer on the dev questions; a peer that cannot run is reported as such, never fatal."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import httpx

from core.settings import Settings
from ops.devset import DevCase
from ops.eval.peers import PeerReply
from ops.eval.peers.faq import faq_answers
from ops.eval.peers.faq_data import AMBIGUITY_THRESHOLD, EPOCHS, FALLBACK_THRESHOLD
from ops.eval.peers.lexical import lexical_answers

logger = logging.getLogger(__name__)

Answers = list[tuple[str, list[PeerReply]]]  # (peer name, one reply per question)


def run_peers(settings: Settings, questions: Sequence[DevCase]) -> tuple[Answers, dict[str, str]]:
    """The peers' replies in a fixed order, and a note per peer saying what it is (or why it is missing)."""
    answers: Answers = []
    notes: dict[str, str] = {
        "ours": "the whole bot through the gateway (Rasa NLU, scope gate, hybrid search, calibrated answer bar); "
        "its wrong-answer rate here is over these dev questions only",
    }
    started = time.monotonic()
    try:
        replies, trained = faq_answers(settings, settings.var_dir / "eval" / "peers" / "faq", questions)
    except (RuntimeError, TimeoutError, OSError, httpx.HTTPError) as exc:
        logger.error("eval.peer.failed", extra={"peer": "faq", "error": str(exc)})
        notes["faq"] = f"not available: {exc}"
    else:
        answers.append(("faq", replies))
        notes["faq"] = (
            "Rasa's documented FAQ bot: one retrieval intent faq/<guide> per guide from its questions, "
            "out_of_scope from data/nlu/out_of_scope.yml; WhitespaceTokenizer, LexicalSyntacticFeaturizer, "
            f"CountVectors (word, char_wb 1-4), DIET and ResponseSelector ({EPOCHS} epochs each), "
            f"FallbackClassifier {FALLBACK_THRESHOLD} (ambiguity {AMBIGUITY_THRESHOLD}); out_of_scope or "
            f"nlu_fallback hands over. "
            + (
                f"Trained in this run ({trained:.0f} s); "
                if trained is not None
                else "Model reused (inputs unchanged); "
            )
            + f"{time.monotonic() - started:.0f} s in all"
        )
    try:
        gated, top, bar = lexical_answers(settings, questions)
    except (RuntimeError, OSError, ValueError) as exc:
        logger.error("eval.peer.failed", extra={"peer": "lexical", "error": str(exc)})
        notes["lexical"] = f"not available: {exc}"
    else:
        answers += [("lexical", gated), ("lexical-top", top)]
        notes["lexical"] = (
            "the project's search in lexical mode (BM25 over stemmed words and character 4-grams), no NLU and no "
            f"scope gate; answers with the top guide when its lexical-mode confidence >= {bar:.2f}, the lexical "
            "threshold make calibrate stored (fitted on this dev set, like the bot's own bar)"
        )
        notes["lexical-top"] = "the same search, always answering with the top guide (declines only with no match)"
    return answers, notes

"""Peer (b): the project's own search in lexical mode alone (BM25 words + character 4-grams), no NLU.

Two variants from one search per question: ``lexical`` answers with the top guide when its
lexical-mode confidence reaches the lexical threshold ``make calibrate`` stored (the mode's
own bar, chosen the same way as the bot's), ``lexical-top`` always answers with the top guide.
Neither has the scope gate. The search applies the municipality filter itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.settings import Settings
from kb.confidence import Calibration
from kb.embedder import default_embedder
from kb.search import GuideSearch, Mode
from ops.devset import DevCase
from ops.eval.peers import PeerReply

MODE: Mode = "lexical"


def lexical_answers(
    settings: Settings, questions: Sequence[DevCase], calibration: Calibration | None = None
) -> tuple[list[PeerReply], list[PeerReply], float]:
    """(gated replies, always-the-top-guide replies, the bar used) for every question."""
    calibration = calibration or Calibration.load()
    bar = calibration.threshold(MODE)
    # Lexical mode embeds nothing: the embedder only names the model the index was built with.
    search = GuideSearch(settings.index_dir, default_embedder(settings.embedding_model_path), calibration)
    gated, top = [], []
    for question in questions:
        hits = search.search(question.text, municipality=question.municipality, k=1, mode=MODE)
        if not hits:
            gated.append(PeerReply(None, "no lexical match"))
            top.append(PeerReply(None, "no lexical match"))
            continue
        hit = hits[0]
        detail = f"confidence {hit.confidence:.2f}, bm25 {hit.lexical_score:.1f}"
        top.append(PeerReply(hit.guide_id, detail, hit.short_answer))
        if hit.confidence >= bar:
            gated.append(PeerReply(hit.guide_id, detail, hit.short_answer))
        else:
            gated.append(PeerReply(None, f"{detail} < bar {bar:.2f}"))
    return gated, top, bar

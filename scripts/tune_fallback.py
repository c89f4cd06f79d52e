"""Choose FallbackClassifier thresholds on the labelled dev set (runs in the Rasa 3.10 venv).

Each dev message is labelled with its intent (the topic of its guide, out_of_scope, or
request_human). For every pair of thresholds the fallback "keeps" a prediction or turns it
into nlu_fallback (a clarifying turn). A pair scores one point for each right prediction
it keeps and each wrong one it turns into a clarification. The choice is made on the dev
set's tuning half and scored on its held-out half (ops.devset), never tuned on the latter.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

# The checkout is on PYTHONPATH (the Makefile sets it); core.topics imports nothing but the standard library.
from core.topics import TOPIC_INTENTS
from ops.devset import Half, half_of, load_dev_set, load_dialogues

ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = [round(0.20 + 0.05 * i, 2) for i in range(15)]
AMBIGUITIES = [0.0, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2]

Case = tuple[str, str, float, float]  # labelled, predicted, top confidence, margin to the second


def labelled_messages(half: Half) -> list[tuple[str, str]]:
    dev = [case for case in load_dev_set() if case.half == half]
    messages = [(case.text, TOPIC_INTENTS[str(case.topic)]) for case in dev if case.in_scope]
    # Chit-chat has no single right intent ("er du en robot" is bot_challenge): left out.
    messages += [(case.text, "out_of_scope") for case in dev if not case.in_scope and not case.chit_chat]
    humans = [str(text) for text in load_dialogues().get("requests_for_human", [])]
    messages += [(text, "request_human") for text in humans if half_of(text) == half]
    return messages


async def parse_all(model: str, messages: list[tuple[str, str]]) -> list[Case]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    cases = []
    for text, label in messages:
        parsed = await agent.parse_message(text)
        ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
        top = ranking[0]
        second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
        cases.append((label, top["name"], top["confidence"], top["confidence"] - second))
    return cases


def score(cases: list[Case], threshold: float, ambiguity: float) -> tuple[int, float, float]:
    """Points, share kept, accuracy of what is kept."""
    points = kept = kept_right = 0
    for label, predicted, confidence, margin in cases:
        keep = confidence >= threshold and margin >= ambiguity
        right = label == predicted
        points += right if keep else not right
        kept += keep
        kept_right += keep and right
    return points, kept / len(cases), kept_right / max(1, kept)


def best(cases: list[Case]) -> tuple[float, float]:
    # Ties go to the lower thresholds: fewer clarifying detours for the same score.
    return max(
        ((t, a) for t in THRESHOLDS for a in AMBIGUITIES),
        key=lambda pair: (score(cases, *pair)[0], -pair[0], -pair[1]),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    cases = asyncio.run(parse_all(args.model, labelled_messages("tuning")))
    held = asyncio.run(parse_all(args.model, labelled_messages("heldout")))
    out = sys.stdout
    raw = sum(label == predicted for label, predicted, _, _ in cases) / len(cases)
    out.write(f"{len(cases)} labelled messages (tuning half); intent accuracy before fallback {raw:.3f}\n")
    out.write(f"{'threshold':>9} {'ambiguity':>9} {'points':>6} {'kept':>6} {'kept acc':>8}\n")
    ranked = sorted(((t, a) for t in THRESHOLDS for a in AMBIGUITIES), key=lambda pair: -score(cases, *pair)[0])
    for t, a in ranked[:10]:
        points, kept, accuracy = score(cases, t, a)
        out.write(f"{t:>9.2f} {a:>9.2f} {points:>6} {kept:>6.3f} {accuracy:>8.3f}\n")
    chosen = best(cases)
    points, kept, accuracy = score(cases, *chosen)
    out.write(
        f"chosen: threshold {chosen[0]:.2f}, ambiguity_threshold {chosen[1]:.2f} "
        f"(kept {kept:.3f}, accuracy of kept {accuracy:.3f})\n"
    )
    _, kept, accuracy = score(held, *chosen)
    raw_held = sum(label == predicted for label, predicted, _, _ in held) / max(1, len(held))
    out.write(
        f"held-out half ({len(held)} messages): intent accuracy before fallback {raw_held:.3f}; "
        f"with the choice kept {kept:.3f}, accuracy of kept {accuracy:.3f}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

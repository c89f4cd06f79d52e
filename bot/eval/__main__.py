"""make eval: every dev case and dialogue through a real stack; prints the figures and the failures."""

from __future__ import annotations

import argparse
import sys
import time

from bot.eval.cases import load_cases
from bot.eval.driver import eval_settings, run_conversations
from bot.eval.judge import Result, correct
from bot.eval.metrics import Summary, bar_sweep, summarise
from bot.logging_setup import configure_logging
from bot.settings import get_settings
from bot.training import ensure_model
from kb.confidence import Calibration
from kb.prepare import ensure_index

SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
TARGETS = (
    ("answer accuracy (in-scope dev)", "answer_accuracy", ">=", 0.90),
    ("out-of-scope escalated", "out_of_scope_escalated", ">=", 0.97),
    ("requests for a human escalated", "human_escalated", ">=", 0.97),
    ("wrong-answer rate", "wrong_answer_rate", "<=", 0.03),
)


def render(summary: Summary) -> str:
    """The figures as a plain-text table."""
    s = summary
    lines = [
        f"intent accuracy {s.intents.accuracy:.3f}  macro F1 {s.intents.macro_f1:.3f}",
        *(
            f"  {name:<20} P {p:.3f} R {r:.3f} F1 {f:.3f} (n={n})"
            for name, (p, r, f, n) in sorted(s.intents.per_intent.items())
        ),
        "  main confusions (labelled -> predicted): " + ", ".join(f"{g}->{p} {n}" for g, p, n in s.intents.confusions),
        f"answer accuracy (in-scope dev, right guide) {s.answer_accuracy:.3f}; answered at all {s.answered_share:.3f}",
        "  by topic: " + ", ".join(f"{t} {v:.3f}" for t, v in s.answer_accuracy_by_topic.items()),
        f"dialogue answer turns right {s.dialogue_answer_accuracy:.3f}; dialogue turns right "
        f"{s.dialogue_turn_accuracy:.3f}; dialogues fully right {s.dialogues_fully_right:.3f}",
        f"escalation precision {s.escalation_precision:.3f}  recall {s.escalation_recall:.3f}",
        f"out-of-scope escalated {s.out_of_scope_escalated:.3f}  "
        f"requests for a human escalated {s.human_escalated:.3f}",
        f"wrong answers {s.wrong_answers}/{s.messages} = {s.wrong_answer_rate:.3f}",
        "  wrong answers (expected -> given): " + ", ".join(f"{e}->{o} {n}" for e, o, n in s.wrong_guides),
        "targets:",
    ]
    for label, attr, op, target in TARGETS:
        value = getattr(s, attr)
        met = value >= target if op == ">=" else value <= target
        lines.append(f"  {label:<34} {value:.3f} {op} {target:.2f}  {'met' if met else 'NOT met'}")
    return "\n".join(lines)


def failures(results: list[Result]) -> str:
    """Every turn the bot got wrong, with its reply, for the weekly gap review."""
    lines = []
    for result in results:
        for turn, observed in result.turns():
            if not correct(turn.expect, observed):
                expected = turn.expect.guide or turn.expect.topic or turn.expect.reason or ""
                lines.append(
                    f"- [{result.conversation.name}] {turn.say!r}: expected {turn.expect.kind} {expected}; "
                    f"got {observed.kind} {observed.guide or observed.reason or ''} (intent {observed.intent}): "
                    f"{observed.reply[:160]!r}"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.eval", description=__doc__)
    parser.add_argument("--failures", action="store_true", help="list every failed turn")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging("WARNING")
    model = ensure_model(settings)
    ensure_index(settings)
    cases = load_cases()
    started = time.monotonic()
    results = run_conversations(eval_settings(settings, settings.var_dir / "eval"), model, cases)
    seconds = time.monotonic() - started
    summary = summarise(results)
    # The figures are this command's output, for a human reader.
    sys.stdout.write(f"{len(cases)} conversations, {summary.messages} messages, {seconds:.0f} s\n{render(summary)}\n")
    bar = Calibration.load().answer_bar(settings.min_answer_confidence)
    sys.stdout.write(f"answer bar now {bar:.3f}; what other bars would do on the one-message dev cases:\n")
    for point in bar_sweep(results, SWEEP):
        sys.stdout.write(
            f"  bar {point.bar:.2f}: answer accuracy {point.answer_accuracy:.3f}, "
            f"wrong answers {point.wrong_answer_rate:.3f}\n"
        )
    if args.failures:
        sys.stdout.write("failures:\n" + failures(results) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

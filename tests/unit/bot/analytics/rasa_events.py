"""Rasa 3.6's events as its event broker publishes them (``{"sender_id": …, **event.as_dict()}``).

Shaped after a real tracker's events: each message is preceded by ``action_listen``; a custom
action's bot messages come before the slot events it returned; ``action_listen`` ends the turn.
"""

from __future__ import annotations

from typing import Any

MODEL = {"model_id": "88194029db5845b195c47c14beaf6d64", "assistant_id": "borgerbot"}


class Conversation:
    """Builds one conversation's events with increasing timestamps."""

    def __init__(self, sender_id: str, start: float, municipality: str = "kalundborg") -> None:
        self.sender_id = sender_id
        self.clock = start
        self.municipality = municipality
        # The gateway's id of the next citizen message (it sends one in the metadata), when set.
        self.message_id: str | None = None
        self.events: list[dict[str, Any]] = []

    def _event(self, kind: str, metadata: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        self.clock += 0.0113
        event = {"sender_id": self.sender_id, "event": kind, "timestamp": round(self.clock, 7)}
        event["metadata"] = {**(metadata or {}), **MODEL}
        event.update(fields)
        self.events.append(event)
        return event

    def action(self, name: str) -> None:
        self._event("action", name=name, policy="RulePolicy", confidence=1.0, action_text=None, hide_rule_turn=True)

    def start_session(self) -> Conversation:
        self._event("slot", name="session_started_metadata", value={"municipality": self.municipality})
        self.action("action_session_start")
        self._event("session_started")
        self.action("action_listen")
        return self

    def user(self, text: str, intent: str, confidence: float = 0.99) -> float:
        """The citizen's message (the gateway sends the municipality and its message id as metadata); its timestamp."""
        sent = {"municipality": self.municipality, **({"message_id": self.message_id} if self.message_id else {})}
        event = self._event(
            "user",
            metadata=sent,
            text=text,
            parse_data={
                "intent": {"name": intent, "confidence": confidence},
                "entities": [],
                "text": text,
                "message_id": "49f86d0077614cb393da72aabcf7d029",
                "metadata": sent,
                "intent_ranking": [{"name": intent, "confidence": confidence}],
            },
            input_channel="rest",
            message_id="49f86d0077614cb393da72aabcf7d029",
        )
        self._event("user_featurization", use_text_for_featurization=False)
        return float(event["timestamp"])

    def bot(self, text: str | None, custom: dict[str, Any] | None = None, response: str | None = None) -> None:
        data = {"elements": None, "quick_replies": None, "buttons": None, "attachment": None, "image": None}
        metadata = {"utter_action": response, "template": response} if response else {}
        self._event("bot", metadata=metadata, text=text, data={**data, "custom": custom})

    def slot(self, name: str, value: Any) -> None:
        self._event("slot", name=name, value=value)

    def listen(self) -> None:
        self.action("action_listen")

    # Turns as the actions make them (actions/guides.py, clarify.py, escalate.py, feedback.py).

    def answer(self, text: str, intent: str, guide_id: str, topic: str, confidence: float = 0.9684) -> float:
        at = self.user(text, intent)
        self.action("action_answer_from_guides")
        self.bot("Et pas koster 893 kr. for voksne.")
        self.bot(None, custom={"borgerbot": {"links": [], "source": {"guide_id": guide_id, "title": "Pris på pas"}}})
        self.bot("Fik du svar på dit spørgsmål?", response="utter_ask_helpful")
        outcome = {"kind": "answer", "guide_id": guide_id, "topic": topic, "score": 0.0492}
        self.slot("outcome", {**outcome, "confidence": confidence, "passage": "Det kan blive dyrere"})
        self.slot("last_topic", topic)
        self.slot("last_guide_id", guide_id)
        self.slot("unclear_turns", 0)
        self.slot("awaiting_feedback", True)
        self.slot("last_question", text)
        self.listen()
        return at

    def clarification(
        self, text: str, intent: str, reason: str, guide_id: str, confidence: float, topic: str | None = None
    ) -> float:
        at = self.user(text, intent)
        self.action("action_answer_from_guides")
        self.bot("Jeg er ikke helt sikker på, hvad du mener. Mener du …?", response="utter_no_sure_answer_options")
        self.slot("last_topic", topic)
        self.slot(
            "outcome", {"kind": "clarification", "reason": reason, "guide_id": guide_id, "confidence": confidence}
        )
        self.slot("unclear_turns", 1)
        self.slot("awaiting_feedback", False)
        self.listen()
        return at

    def hand_over(self, text: str, intent: str, reason: str, action: str = "action_answer_from_guides") -> float:
        at = self.user(text, intent)
        self.action(action)
        self.bot("Det kan jeg desværre ikke svare sikkert på. Ring til Den Digitale Hotline på 70 20 00 00.")
        self.bot("Den Digitale Hotline har åbent nu.")
        self.bot(None, custom={"borgerbot": {"escalate": True}})
        self.slot("outcome", {"kind": "escalation", "reason": reason})
        self.slot("unclear_turns", 0)
        self.slot("not_helpful_turns", 0)
        self.slot("awaiting_feedback", False)
        self.listen()
        return at

    def feedback(self, helpful: bool, guide_id: str, then_hand_over: bool = False) -> float:
        at = self.user("/affirm" if helpful else "/deny", "affirm" if helpful else "deny")
        self.action("action_handle_feedback")
        if then_hand_over:
            self.bot("Det er jeg ked af. Ring til Den Digitale Hotline på 70 20 00 00.")
        else:
            self.bot("Godt, jeg kunne hjælpe." if helpful else "Prøv at skrive dit spørgsmål med andre ord.")
        self.slot("outcome", {"kind": "feedback", "helpful": helpful, "comment": False, "guide_id": guide_id})
        if then_hand_over:
            self.slot("outcome", {"kind": "escalation", "reason": "not_helpful"})
        self.slot("not_helpful_turns", 0 if helpful or then_hand_over else 1)
        self.slot("awaiting_feedback", False)
        self.listen()
        return at

    def hours(self, text: str) -> float:
        at = self.user(text, "ask_aabningstider")
        self.action("action_opening_hours")
        self.bot("Borgerservice har åbent i dag 10-17.")
        self.slot("outcome", {"kind": "hours", "day": None, "now": False})
        self.slot("last_topic", "aabningstider")
        self.listen()
        return at

    def greeting(self, text: str = "hej") -> float:
        at = self.user(text, "greet")
        self.action("utter_greet")
        self.bot("Hej! Jeg kan hjælpe med pas, flytning, MitID og åbningstider.", response="utter_greet")
        self.listen()
        return at

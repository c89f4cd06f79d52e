"""The FAQ peer's Rasa project, generated from the guides: Rasa's documented FAQ recipe. Pure functions.

One retrieval intent ``faq/<guide id>`` per guide (its citizens' questions as examples, its
short answer as ``utter_faq/<guide id>``), the project's own ``out_of_scope`` examples, the
pipeline from Rasa's "Chitchat and FAQs" page and the rule "faq -> utter_faq".
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from kb.schema import Guide

EPOCHS = 100  # DIET and ResponseSelector; Rasa's docs use 100 in the FAQ example
FALLBACK_THRESHOLD = 0.3  # FallbackClassifier's documented default
AMBIGUITY_THRESHOLD = 0.1  # likewise
SEED = 42
# Rasa's entity annotations: [text](entity) and [text]{"entity": ...}; the peer has no entities.
_ENTITY = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (the examples lists) as literal blocks, as Rasa's own files write them."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _dump(data: Mapping[str, Any]) -> str:
    return yaml.dump(dict(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def plain_text(example: str) -> str:
    """An NLU example without entity annotations, on one line."""
    return " ".join(_ENTITY.sub(r"\1", example).split())


def examples_of(text: str) -> list[str]:
    """The examples of a Rasa ``examples: |`` block, one per "- " line."""
    lines = (line.strip() for line in text.splitlines())
    return [plain_text(line[2:]) for line in lines if line.startswith("- ") and line[2:].strip()]


def out_of_scope_examples(nlu_file: Path) -> list[str]:
    """The project's own out_of_scope examples (Rasa's docs recommend such an intent for out-of-scope)."""
    data: dict[str, Any] = yaml.safe_load(nlu_file.read_text(encoding="utf-8")) or {}
    found: list[str] = []
    for item in data.get("nlu") or []:
        if isinstance(item, dict) and item.get("intent") == "out_of_scope":
            found += examples_of(str(item.get("examples", "")))
    return found


def _block(examples: Sequence[str]) -> str:
    return "".join(f"- {e}\n" for e in examples)


def faq_config() -> dict[str, Any]:
    """The pipeline of Rasa's FAQ guide (no regexes or entities here: no RegexFeaturizer, no synonyms)."""
    return {
        "recipe": "default.v1",
        "language": "da",
        "assistant_id": "borgerbot-faq-peer",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "LexicalSyntacticFeaturizer"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
            {"name": "DIETClassifier", "epochs": EPOCHS, "random_seed": SEED},
            {"name": "ResponseSelector", "epochs": EPOCHS, "retrieval_intent": "faq", "random_seed": SEED},
            {"name": "FallbackClassifier", "threshold": FALLBACK_THRESHOLD, "ambiguity_threshold": AMBIGUITY_THRESHOLD},
        ],
        "policies": [{"name": "RulePolicy"}],
    }


def faq_project(guides: Sequence[Guide], out_of_scope: Sequence[str], ddh_phone: str) -> dict[str, str]:
    """The project's files (path relative to the project folder -> text); its fallbacks name DDH's number."""
    seen: set[str] = set()
    nlu: list[dict[str, Any]] = []
    responses: dict[str, list[dict[str, str]]] = {}
    for guide in sorted(guides, key=lambda g: g.id):
        examples = []
        for question in guide.questions:
            text = plain_text(question)
            if text and text.lower() not in seen:
                seen.add(text.lower())
                examples.append(text)
        if not examples:
            continue
        nlu.append({"intent": f"faq/{guide.id}", "examples": _block(examples)})
        responses[f"utter_faq/{guide.id}"] = [{"text": guide.short_answer}]
    declined = [e for e in dict.fromkeys(out_of_scope) if e and e.lower() not in seen]
    nlu.append({"intent": "out_of_scope", "examples": _block(declined)})
    responses["utter_out_of_scope"] = [{"text": f"Det kan jeg desværre ikke hjælpe med. Ring til {ddh_phone}."}]
    responses["utter_default"] = [{"text": f"Det forstod jeg ikke. Ring til {ddh_phone}."}]
    domain = {
        "version": "3.1",
        "intents": ["faq", "out_of_scope"],
        "responses": responses,
        "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True},
    }
    rules = {
        "version": "3.1",
        "rules": [
            {"rule": "respond to FAQs", "steps": [{"intent": "faq"}, {"action": "utter_faq"}]},
            {"rule": "out of scope", "steps": [{"intent": "out_of_scope"}, {"action": "utter_out_of_scope"}]},
            {"rule": "fallback", "steps": [{"intent": "nlu_fallback"}, {"action": "utter_default"}]},
        ],
    }
    return {
        "config.yml": _dump(faq_config()),
        "domain.yml": _dump(domain),
        "data/nlu.yml": _dump({"version": "3.1", "nlu": nlu}),
        "data/rules.yml": _dump(rules),
    }


def inputs_hash(files: Mapping[str, str]) -> str:
    """A short hash of the generated files: the model is retrained only when it changes."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def guide_of(intent_response_key: str | None) -> str | None:
    """``faq/pas-forny`` -> ``pas-forny``."""
    if not intent_response_key or not intent_response_key.startswith("faq/"):
        return None
    return intent_response_key.split("/", 1)[1]

"""``make kb-check``: every problem in the guides and municipality data, with file and field.

Editors run it before publishing; CI runs it in ``make test``. It reports, it never fixes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import yaml
from pydantic import ValidationError

from core.topics import topic_of_guide_id
from kb.embedder import Embedder
from kb.fees import FEES_FILE, Fee, parse_fees, placeholders
from kb.municipalities import Hotline, Municipality
from kb.schema import Guide, GuideFormatError, danish_problems, parse_guide

REVIEW_INTERVAL = timedelta(days=365)
MAX_ANSWER_SENTENCES = 3
# Two guides whose citizen questions are this close answer the same question (e5 cosine,
# mean best match). Measured on the shipped 56 guides: distinct pairs p99 0.922, max 0.941;
# a guide re-asked in other words scores 0.949, a copy 0.998.
DUPLICATE_SIMILARITY = 0.945
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


@dataclass(frozen=True)
class Problem:
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


def count_sentences(text: str) -> int:
    """Sentences in a short answer; numbers like '1.000' or 'kl. 8' are not sentence ends."""
    return max(1, len(_SENTENCE_END.findall(text.replace("kl. ", "kl ").replace("f.eks. ", "fx "))))


def _validation_problems(path: str, error: ValidationError) -> list[Problem]:
    return [Problem(path, field, message) for field, message in danish_problems(error)]


def guide_problems(guide: Guide, today: date) -> list[tuple[str, str]]:
    """(field, Danish message) for one parsed guide: id and topic, review date, short answer.

    The rules every guide is held to, by `make kb-check` and when staff save one in `/admin`.
    """
    problems: list[tuple[str, str]] = []
    if topic_of_guide_id(guide.id) != guide.topic:
        # The dev set and the tooling read a guide's topic from its id (core.topics).
        problems.append(("id", f"id'et skal begynde med emnet efterfulgt af bindestreg ('{guide.topic}-…')"))
    if today - guide.last_reviewed > REVIEW_INTERVAL:
        problems.append(("last_reviewed", f"{guide.last_reviewed} er mere end 12 måneder siden: gennemgå vejledningen"))
    if guide.last_reviewed > today:
        problems.append(("last_reviewed", f"{guide.last_reviewed} ligger i fremtiden"))
    if not guide.short_answer.strip():
        problems.append(("body", "det korte svar er tomt"))
    elif count_sentences(guide.short_answer) > MAX_ANSWER_SENTENCES:
        problems.append(("body", f"det korte svar har mere end {MAX_ANSWER_SENTENCES} sætninger"))
    return problems


def unknown_fees(guide: Guide, fees: dict[str, Fee]) -> list[tuple[str, str]]:
    """(field, message) for every ``{{gebyr:id}}`` in the guide that the fee table lacks."""
    return [
        ("body", f"gebyret '{fee_id}' findes ikke i {FEES_FILE}")
        for fee_id in placeholders(guide.body)
        if fee_id not in fees
    ]


def check_guide_files(folder: Path, today: date) -> tuple[list[Guide], list[Problem]]:
    """Parse every guide; report format, id, review-date and answer problems."""
    guides: list[Guide] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.md")):
        name = str(path)
        try:
            guide = parse_guide(path.read_text(encoding="utf-8"))
        except GuideFormatError as exc:
            problems.append(Problem(name, "(fil)", str(exc)))
            continue
        except ValidationError as exc:
            problems += _validation_problems(name, exc)
            continue
        if guide.id != path.stem:
            problems.append(Problem(name, "id", f"'{guide.id}' er ikke det samme som filnavnet '{path.stem}'"))
        if guide.id in seen:
            problems.append(Problem(name, "id", f"id'et '{guide.id}' findes også i {seen[guide.id]}"))
        seen.setdefault(guide.id, name)
        problems += [Problem(name, field, message) for field, message in guide_problems(guide, today)]
        guides.append(guide)
    return guides, problems


def check_data_files(kb_dir: Path) -> list[Problem]:
    """Municipality files and DDH's file against their schemas."""
    problems: list[Problem] = []
    files: list[tuple[Path, type[Municipality] | type[Hotline]]] = [
        (path, Municipality) for path in sorted((kb_dir / "municipalities").glob("*.yml"))
    ]
    files.append((kb_dir / "ddh.yml", Hotline))
    for path, model in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            loaded = model.model_validate(data)
        except OSError as exc:
            problems.append(Problem(str(path), "(fil)", f"kan ikke læses: {exc.strerror}"))
        except yaml.YAMLError as exc:
            problems.append(Problem(str(path), "(fil)", f"er ikke gyldig YAML: {exc}"))
        except ValidationError as exc:
            problems += _validation_problems(str(path), exc)
        else:
            if isinstance(loaded, Municipality) and loaded.slug != path.stem:
                problems.append(Problem(str(path), "slug", f"'{loaded.slug}' er ikke det samme som filnavnet"))
    return problems


def check_fees(kb_dir: Path, guides: list[Guide]) -> list[Problem]:
    """The fee file against its schema, and every ``{{gebyr:id}}`` in a guide against the file."""
    path = kb_dir / FEES_FILE
    fees: dict[str, Fee] = {}
    problems: list[Problem] = []
    if path.exists():
        try:
            fees = parse_fees(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            return [Problem(str(path), "(fil)", f"er ikke gyldig YAML: {exc}")]
        except ValidationError as exc:
            return _validation_problems(str(path), exc)
        except ValueError as exc:
            return [Problem(str(path), "(fil)", str(exc))]
    for guide in guides:
        path_name = str(kb_dir / "guides" / f"{guide.id}.md")
        problems += [Problem(path_name, field, message) for field, message in unknown_fees(guide, fees)]
    return problems


def question_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """How nearly two guides' question vectors ask the same: mean of each question's best match both ways.

    A mean, not a max: one shared phrasing alone is not a duplicate.
    """
    sims = a @ b.T
    return float((sims.max(axis=1).mean() + sims.max(axis=0).mean()) / 2)


def may_overlap(a: Guide, b: Guide) -> bool:
    """Whether two guides can answer the same citizen: same scope, or one of them national."""
    return a.scope == b.scope or "national" in (a.scope, b.scope)


def similar_pairs(guides: list[Guide], embedder: Embedder, threshold: float) -> list[tuple[str, str, float]]:
    """Pairs of guides (same scope or national) whose citizen questions are nearly the same."""
    vectors = [embedder.embed_queries(g.questions) for g in guides]
    pairs = []
    for (i, a), (j, b) in itertools.combinations(enumerate(guides), 2):
        if not may_overlap(a, b):
            continue
        score = question_similarity(vectors[i], vectors[j])
        if score >= threshold:
            pairs.append((a.id, b.id, round(score, 4)))
    return sorted(pairs, key=lambda p: -p[2])


def check_all(kb_dir: Path, embedder: Embedder | None, today: date) -> list[Problem]:
    """Every problem in the knowledge base; the similarity check runs when an embedder is given."""
    guides, problems = check_guide_files(kb_dir / "guides", today)
    problems += check_data_files(kb_dir)
    problems += check_fees(kb_dir, guides)
    if embedder is not None and guides:
        for a, b, score in similar_pairs(guides, embedder, DUPLICATE_SIMILARITY):
            problems.append(
                Problem(str(kb_dir / "guides" / f"{b}.md"), "questions", f"svarer på det samme som '{a}' ({score:.3f})")
            )
    return problems

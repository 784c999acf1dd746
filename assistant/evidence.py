"""Does a sentence answer the question? The evidence for it, and the fitted rule that weighs it.

Cosine alone cannot tell the passage that answers from its near miss (another country's election,
another prize's winner): both are about the same thing. The near miss lacks the question's most
specific words, or holds nothing of the kind asked for (no number for "how many", no name for
"who": "the film" for the best actor, "the railway" for the victim's name).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import astuple, dataclass, replace
from pathlib import Path

FEATURES = (
    "cosine",
    "sentence_coverage",
    "passage_coverage",
    "anchor_coverage",
    "has_span",
    "span_fit",
    "span_rarity",
    "asks_name",
)
DEFAULT_MODEL = Path(__file__).with_name("refusal_model.json")


@dataclass(frozen=True)
class Evidence:
    cosine: float  # question to sentence
    sentence_coverage: float  # the question's terms in the sentence, rare ones weighing more
    passage_coverage: float  # the same in its passage, headline and date included
    anchor_coverage: float  # share of the question's anchors (rarest terms, names, numbers) in the passage
    has_span: bool  # the sentence holds the kind of answer asked for
    span_fit: float  # how plainly it gives it (short_answer.Span.fit)
    span_rarity: float  # how rare its words are in the archive, for a who/what question (Span.rarity)
    asks_name: bool  # a who/what question, whose span_rarity means something
    cross_lingual: bool  # question and archive in different languages
    # Kept out of the regression, as rules under it (RefusalModel.answers):
    asks_count: bool = False  # a how-many / share / amount question, which no sentence without a number answers
    # For a who-question, the rarest word of the span (0 with no span); None for other questions.
    # Across scripts it is the span translation finds (ExtractiveAnswerer.judged_evidence), set for the
    # sentence that decides only: finding it costs a model call.
    name_rarity: float | None = None
    dated_elsewhere: bool = False  # its number is given for a month the question does not name
    # The passage is about something else: it names the question's numbered name with another
    # number only ("تيانقونغ-1" for "تيانقونغ-2"; assistant.identifiers), or never the country
    # asked about and another in its headline or in this sentence (assistant.countries).
    names_another: bool = False
    # How rare a word written once in the archive is (Query.rarest): no name is rarer, so a floor
    # above it would refuse every who-question of a small archive (one of 4 chunks: 0.52).
    rarest: float = 1.0

    def features(self) -> list[float]:
        return [float(x) for x in astuple(self)[: len(FEATURES)]]


def weighted_coverage(terms: Mapping[str, float], present: frozenset[str]) -> float:
    """The idf-weighted share of ``terms`` found in ``present``; 0 when there are no terms."""
    total = sum(terms.values())
    return sum(w for t, w in terms.items() if t in present) / total if total else 0.0


def lacks_the_kind_asked(evidence: Evidence, name_rarity_floor: float) -> bool:
    """No number for a how-many question, or only one for another month; no name for a
    who-question: what a near miss offers in their place (a date, a place, a common noun, May's
    figure for June's) is never the answer."""
    if evidence.asks_count and (not evidence.has_span or evidence.dated_elsewhere):
        return True
    return evidence.name_rarity is not None and evidence.name_rarity < min(name_rarity_floor, evidence.rarest)


@dataclass(frozen=True)
class RefusalModel:
    """Logistic regression over ``Evidence.features()``, one set of weights for questions in the
    archive's language and one for cross-lingual ones; answers when the probability reaches
    ``threshold`` (the operating point, a setting)."""

    same: tuple[float, ...]  # bias, then one weight per feature
    cross: tuple[float, ...]
    threshold: float = 0.5
    # A floor under the model, the rule of the previous release (fitted on XQuAD with articles
    # held out): some sentence of the answering passage must reach cosine + 0.05 x its passage's
    # coverage of 0.847 (0.787 cross-lingual). The fitted model alone answered off-topic English
    # questions this rule refused ("Who wrote Hamlet?").
    floor_same: float = 0.847
    floor_cross: float = 0.787
    floor_coverage_weight: float = 0.05
    # A who-question is answered only by a span holding a word at least this rare (fitted with the
    # weights: `make calibrate`), one floor per side; 0 lets every span through.
    name_rarity_floor: float = 0.0
    name_rarity_floor_cross: float = 0.0

    @classmethod
    def load(cls, path: Path, threshold: float | None = None) -> RefusalModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            model = cls(
                tuple(data["same"]),
                tuple(data["cross"]),
                float(data["threshold"]),
                name_rarity_floor=float(data["name_rarity_floor"]),
                name_rarity_floor_cross=float(data["name_rarity_floor_cross"]),
            )
        except (OSError, KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{path}: not a refusal model ({exc}); rebuild it with `make calibrate`") from exc
        if len(model.same) != len(FEATURES) + 1 or len(model.cross) != len(FEATURES) + 1:
            raise ValueError(f"{path}: expected {len(FEATURES) + 1} weights per side ({', '.join(FEATURES)})")
        return model if threshold is None else replace(model, threshold=threshold)

    def probability(self, evidence: Evidence) -> float:
        bias, *weights = self.cross if evidence.cross_lingual else self.same
        z = bias + sum(w * x for w, x in zip(weights, evidence.features()))
        return 1.0 / (1.0 + math.exp(-z))

    def answers(self, evidence: Evidence) -> bool:
        name_floor = self.name_rarity_floor_cross if evidence.cross_lingual else self.name_rarity_floor
        if evidence.names_another or lacks_the_kind_asked(evidence, name_floor):
            return False
        return self.probability(evidence) >= self.threshold

    def to_json(self) -> str:
        payload = {
            "same": list(self.same),
            "cross": list(self.cross),
            "threshold": self.threshold,
            "name_rarity_floor": self.name_rarity_floor,
            "name_rarity_floor_cross": self.name_rarity_floor_cross,
        }
        return json.dumps(payload) + "\n"

    def clears_floor(self, evidence: Evidence) -> bool:
        floor = self.floor_cross if evidence.cross_lingual else self.floor_same
        return evidence.cosine + self.floor_coverage_weight * evidence.passage_coverage >= floor

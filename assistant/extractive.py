"""The offline default: the sentence that holds what the question asks for, and its short answer.

Sentences are chosen by what the question asks for (a number, a date, a name) and by its rare
words, not by resemblance alone: the lead restates a question best, the detail answers it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.citations import MARKER
from assistant.countries import countries, country_spans
from assistant.evidence import Evidence, RefusalModel, weighted_coverage
from assistant.identifiers import contradicts, identifiers
from assistant.question_kind import Kind, asks_country, offers_choice, question_head, question_head_word, question_kind
from assistant.reader import Reading, SpanReader
from assistant.records import Answer, Citation, Passage, Query
from assistant.short_answer import (
    COUNT_KINDS,
    NAMED_KINDS,
    Span,
    find_span,
    question_months,
    sentence_words,
)
from ingest.arabic import STOPWORDS_EN, analyze, normalize_arabic
from ingest.chunking import passage_sentences
from prompts import load_prompt

VectorsOf = Callable[[Sequence[str]], np.ndarray]
# e5 cosines crowd into 0.7-0.9; this maps them onto 0-1 before mixing with term overlap.
COSINE_FLOOR, COSINE_CEIL = 0.75, 0.92
QUOTE_MARGIN = 0.15  # further sentences are quoted when they score this close to the best
# Within the answering passage, a who-question's sentence gains this much times its span's rarest
# word (Span.peak_rarity): the sentence naming someone beats the lead that restates the question
# around a common word ("أليكس كروز" against "رئيس شركة الخطوط الجوية"). Fitted two-fold by article
# on the Arabic who-questions of news-dev, XQuAD and ARCD: the halves chose 1.2 and 0.6, and all
# three sets are flat between. Weighed in the refusal's choice too, it let near misses through.
NAME_WEIGHT = 1.0
# Within the answering passage, a who/where-question's sentence gains this much when its span follows
# the question's own words for the title or place asked about (Span.after_head): "وزير التخطيط سلمان
# الجميلي" beats the lead that restates the question ("وزارة التخطيط العراقية تقول ..."). Fitted
# two-fold by article on XQuAD, news-dev and ARCD (the halves chose 0.1 and 0.4; only news-dev's
# answers move, 4 of its 60 Arabic ones in-sample, none lost anywhere). A what-question's noun
# ("الفيلم") precedes its name in sentences that do not answer too: there it lost XQuAD answers.
HEAD_WEIGHT = 0.4
HEADED_KINDS = frozenset({Kind.WHO, Kind.WHERE})
# Words without e5's prompt: best short-answer F1 on XQuAD's English questions, and within 0.02 of
# the best on news-dev's (0.80-0.92 tried on both; README, "News: short answers and near misses").
TRANSLATION_COSINE = 0.86
# The reader marks the short answer in the answering sentence; the rule-found span (a date, a
# number, a name after the title asked about) stands when the reader scores it within this many
# logits of its own best: a typed span is tighter ("1981" where the reader marks "عام 1981"). Chosen
# on news-dev and the half of XQuAD's articles the reader was not trained on (0 to 6 tried; 2 was
# best on three of the four sets; README, "The span reader").
READER_MARGIN = 2.0
# The reader reads the few sentences that answer best, from any passage that may answer, and adds how
# surely it finds the answer in each (_found_by_reader) to the choice: it points a question to the
# sentence holding the detail where the rules prefer the lead, and an English question to the Arabic
# sentence that shares no word with it. It refuses when it finds the answer in none of them (its best
# span READER_FLOOR logits or more below no answer). Chosen on news-dev (which the reader never saw)
# and XQuAD's article halves, each with a reader trained without it (README, "The span reader").
READ_SENTENCES = 4
READER_WEIGHT = 0.5
READER_FLOOR = -2.0
LATIN_WORD = re.compile(r"[A-Za-z]+|\d+")
_NUMBER_TOKEN = re.compile(r"[\d.,٫%]+")


@dataclass(frozen=True)
class ScoredSentence:
    passage_rank: int
    position: int
    text: str
    span: str  # the short answer it holds, "" when none
    score: float  # for choosing the answering sentence
    evidence: Evidence  # for deciding whether it answers at all
    span_after_head: bool  # Span.after_head: for choosing within the answering passage


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        make_query: Callable[[str], Query],
        sentence_vectors: VectorsOf,
        word_vectors: VectorsOf,
        refusal: RefusalModel,
        max_sentences: int,
        reader: SpanReader | None,
    ) -> None:
        """``sentence_vectors`` embeds sentences as passages, ``word_vectors`` single words as written;
        without a ``reader`` the short answer is the rule-found span alone."""
        self.make_query = make_query
        self.sentence_vectors = sentence_vectors
        self.word_vectors = word_vectors
        self.refusal = refusal
        self.max_sentences = max_sentences
        self.reader = reader

    def with_refusal(self, refusal: RefusalModel) -> ExtractiveAnswerer:
        """The same answerer judged by another refusal model (calibration scores candidates with it)."""
        return ExtractiveAnswerer(
            self.make_query, self.sentence_vectors, self.word_vectors, refusal, self.max_sentences, self.reader
        )

    def score_sentences(self, query: Query, passages: Sequence[Passage]) -> list[ScoredSentence]:
        """Every quotable sentence of ``passages`` by choice score: the first decides whether the
        archive answers, and from which passage (``answer``)."""
        found = [(rank, pos, s) for rank, p in enumerate(passages) for pos, s in enumerate(passage_sentences(p.text))]
        if not found:
            return []
        cosines = self.sentence_vectors([s for _, _, s in found]) @ query.vector
        kind = question_kind(query.text, query.language)
        known = _known_words(query)
        head = question_head(query.text, query.language) if not query.cross_lingual else ""
        # A cross-lingual question's span is marked by the reader, or found again by translation.
        asks_person = kind is Kind.WHO and not query.cross_lingual
        months = question_months(query.text)
        passage_terms = [frozenset(analyze(f"{p.headline}\n{p.date[:10]}\n{p.text}")) for p in passages]
        wanted = identifiers(query.text)
        elsewhere = [contradicts(f"{p.headline}\n{p.text}", wanted, query.cross_lingual) for p in passages]
        asked = countries(query.text)
        asks_which_country = asks_country(query.text, query.language)
        # A passage that never names the country asked about is about another when its headline,
        # or the sentence, names one.
        unasked = [bool(asked) and not countries(f"{p.headline}\n{p.text}", loose=True) & asked for p in passages]
        headline_names = [unasked[rank] and bool(countries(p.headline)) for rank, p in enumerate(passages)]
        scored = []
        for (rank, pos, sentence), cosine in zip(found, cosines):
            within = _other_countries(sentence, asked) if asks_which_country else None
            span = find_span(sentence, kind, known, head, query.rarity, months, within)
            evidence = Evidence(
                cosine=float(cosine),
                sentence_coverage=weighted_coverage(query.terms, frozenset(analyze(sentence))),
                passage_coverage=weighted_coverage(query.terms, passage_terms[rank]),
                anchor_coverage=_anchor_coverage(query, passage_terms[rank]),
                has_span=span is not None,
                span_fit=span.fit if span else 0.0,
                span_rarity=span.rarity if span else 0.0,
                asks_name=kind in NAMED_KINDS,
                cross_lingual=query.cross_lingual,
                asks_count=kind in COUNT_KINDS,
                name_rarity=(span.peak_rarity if span else 0.0) if asks_person else None,
                dated_elsewhere=bool(span and span.dated_elsewhere),
                names_another=elsewhere[rank] or headline_names[rank] or (unasked[rank] and bool(countries(sentence))),
                rarest=query.rarest,
            )
            text = span.text if span else ""
            after_head = kind in HEADED_KINDS and bool(span and span.after_head)
            choice = _choice_score(evidence, rank)
            scored.append(ScoredSentence(rank, pos, sentence, text, choice, evidence, after_head))
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def stream(self, question: str, language: str, passages: Sequence[Passage]) -> Iterator[str | Answer]:
        yield from stream_text(self.answer(question, language, passages))

    def answer(self, question: str, language: str, passages: Sequence[Passage]) -> Answer:
        query = self.make_query(question)
        scored = self.score_sentences(query, passages)
        # Only passages with a sentence that clears the floor may answer; the model then judges the best.
        cleared = {s.passage_rank for s in scored if self.refusal.clears_floor(s.evidence)}
        scored = [s for s in scored if s.passage_rank in cleared]
        if not scored:
            return no_answer(question, language, passages, self.name)
        # The best sentence decides whether the archive answers, and from which passage; the answer
        # is then that passage's sentence that answers best, a name counting for a who-question.
        judged = scored[0]
        evidence, translated = self._judge(query, judged)
        if not self.refusal.answers(evidence):
            return no_answer(question, language, passages, self.name)
        answering = [judged, *(s for s in scored[1:] if self.refusal.answers(s.evidence))]
        reading: Reading | None = None
        if self.reader:
            if (read := self._read(question, answering)) is None:
                return no_answer(question, language, passages, self.name)
            best, reading = read
        else:
            best = max((s for s in answering if s.passage_rank == judged.passage_rank), key=_answer_score)
        chosen, found_span = best, best.span  # found the way every other sentence's was, so the two compare
        # Without the reader, an English question's span is found again by translating its words;
        # the reader marks it as well from the spelled span alone (README, "The span reader").
        if query.cross_lingual and reading is None:
            span = translated if best is judged and translated else self._cross_lingual_span(query, best.text)
            best = replace(best, span=span.text if span else "")
        if reading and (marked := reader_or_rule(reading, best.span, _new_to(query))) != best.span:
            best = replace(best, span=marked)
            found_span = marked  # other passages are cited for the answer given, not the rule's
        others = self._corroborating(scored, chosen, found_span)
        numbers: dict[int, int] = {}
        quotes: dict[int, list[str]] = {}
        parts = []
        for sentence in [best, *others]:
            n = numbers.setdefault(sentence.passage_rank, len(numbers) + 1)
            quotes.setdefault(sentence.passage_rank, []).append(sentence.text)
            parts.append(f"{_without_markers(sentence.text)} [{n}]")
        citations = [Citation.of(n, passages[rank], " ".join(quotes[rank])) for rank, n in numbers.items()]
        quoted = load_prompt("extractive_answer", language).format(sentences="\n".join(parts))
        lead = load_prompt("short_answer", language).format(short_answer=best.span, n=1) if best.span else ""
        return Answer(
            text=f"{lead}\n\n{quoted}" if lead else quoted,
            language=language,
            citations=citations,
            passages=list(passages),
            short_answer=best.span,
            answer_sentence=best.text,
            question=question,
            answerer=self.name,
        )

    def _read(self, question: str, answering: Sequence[ScoredSentence]) -> tuple[ScoredSentence, Reading] | None:
        """The sentence that answers, of the few best that may, chosen with the reader, and the
        reader's reading of it; None when the reader finds the answer in none of them."""
        assert self.reader is not None
        candidates = sorted(answering, key=_answer_score, reverse=True)[:READ_SENTENCES]
        readings = self.reader.read(question, [c.text for c in candidates])
        margins = [r.answers() for r in readings]
        if max(margins) < READER_FLOOR:
            return None
        chosen = max(range(len(candidates)), key=lambda i: _answer_score(candidates[i]) + _found_by_reader(margins[i]))
        return candidates[chosen], readings[chosen]

    def judged_evidence(self, query: Query, first: ScoredSentence) -> Evidence:
        """The evidence on which ``first``, the best sentence, decides whether the archive answers."""
        return self._judge(query, first)[0]

    def _judge(self, query: Query, first: ScoredSentence) -> tuple[Evidence, Span | None]:
        """``first``'s evidence, and for a who-question across scripts the span translation finds
        in it: its name rarity is read from that span. Spelling alone takes the question's own
        words, translated, for a name ("فرز الأصوات" for who won Mali's run-off is common words)."""
        if not query.cross_lingual or question_kind(query.text, query.language) is not Kind.WHO:
            return first.evidence, None
        span = self._cross_lingual_span(query, first.text)
        return replace(first.evidence, name_rarity=span.peak_rarity if span else 0.0), span

    def _corroborating(
        self, scored: Sequence[ScoredSentence], best: ScoredSentence, found_span: str
    ) -> list[ScoredSentence]:
        """Further sentences, only when they pass the bar too and hold a span of the kind asked for,
        from the answering passage or giving the same short answer: another passage is cited only
        when it corroborates the answer, never for a second one (another prize's winner)."""
        others = [
            s
            for s in scored
            if s is not best
            and s.span
            and (s.passage_rank == best.passage_rank or _same_answer(s.span, found_span))
            and s.score >= best.score - QUOTE_MARGIN
            and self.refusal.answers(s.evidence)
        ][: self.max_sentences - 1]
        return sorted(others, key=lambda s: (s.passage_rank, s.position))

    def _cross_lingual_span(self, query: Query, sentence: str) -> Span | None:
        """The span of ``sentence`` for a question in the other language: a word counts as the
        question's own when it translates one of the question's words (e5 places a word near
        its translation: وزير near "minister")."""
        by_spelling = _known_words(query)
        own = [w for w in LATIN_WORD.findall(query.text) if w.lower() not in STOPWORDS_EN]
        # Only content words the spelling does not already tie to the question are worth a model
        # call: a stopword is never a span, and these vectors are most of an English answer's time.
        words = [
            norm
            for norm in dict.fromkeys(normalize_arabic(w) for w in sentence_words(sentence))
            if (terms := analyze(norm)) and not _NUMBER_TOKEN.fullmatch(norm) and not by_spelling(norm, terms)
        ]
        if not own:
            return None
        translated: set[str] = set()
        # The sentence's word for the noun asked about ("جزيرة" for "which island"): the glossary's
        # translation when the sentence uses it, else the sentence's word nearest the English noun.
        translations = query.translations.get(question_head_word(query.text, query.language).lower(), ())
        present = {t for w in sentence_words(sentence) for t in analyze(w)}
        head = next((t for t in translations if t in present), "")
        if words:
            vectors = self.word_vectors([*own, *words])
            similarity = vectors[len(own) :] @ vectors[: len(own)].T
            translated = {w for w, s in zip(words, similarity.max(axis=1)) if s >= TRANSLATION_COSINE}
            asked = question_head(query.text, query.language)
            column = next((i for i, w in enumerate(own) if asked and analyze(w)[:1] == [asked]), None)
            if not head and column is not None and similarity[:, column].max() >= TRANSLATION_COSINE:
                head = next(iter(analyze(words[int(similarity[:, column].argmax())])), "")

        def known(norm: str, terms: Sequence[str]) -> bool:
            return norm in translated or by_spelling(norm, terms)

        kind = question_kind(query.text, query.language)
        months = question_months(query.text)
        within = _other_countries(sentence, countries(query.text)) if asks_country(query.text, query.language) else None
        return find_span(sentence, kind, known, head, query.rarity, months, within)


def reader_or_rule(reading: Reading, found: str, allowed: Callable[[str], bool] | None = None) -> str:
    """The reader's span of the sentence it read (its best ``allowed`` one), or ``found`` (the
    rule's) when the reader scores it within READER_MARGIN of that."""
    best = reading.best(allowed)
    if best is None:
        return found
    if found and (score := reading.score(found)) is not None and score >= best.score - READER_MARGIN:
        return found
    return best.text


def _other_countries(sentence: str, asked: frozenset[str]) -> list[tuple[int, int]]:
    """Where ``sentence`` names a country other than those ``asked`` about: the answers to a
    question asking which country (the coalition "led by Saudi Arabia" struck in Yemen)."""
    return [(start, end) for start, end, code in country_spans(sentence) if code not in asked]


def _same_answer(span: str, answer: str) -> bool:
    """Whether ``span`` gives ``answer`` (one holds the other, as normalised: "أونال تانيك" and
    "الصحافي أونال تانيك"); never for an empty one."""
    span, answer = normalize_arabic(span), normalize_arabic(answer)
    return bool(span and answer) and (span in answer or answer in span)


def _without_markers(sentence: str) -> str:
    """A footnote mark of the article ("[99]") written "(99)", so it never reads as a citation."""
    return MARKER.sub(lambda m: m[0].replace("[", "(").replace("]", ")"), sentence)


def _answer_score(sentence: ScoredSentence) -> float:
    return (
        sentence.score + NAME_WEIGHT * (sentence.evidence.name_rarity or 0.0) + HEAD_WEIGHT * sentence.span_after_head
    )


def _found_by_reader(margin: float) -> float:
    """How surely the reader finds the answer in a sentence (``Reading.answers``), squashed to
    within READER_WEIGHT."""
    return READER_WEIGHT * math.tanh(margin / 4)


def _choice_score(evidence: Evidence, rank: int) -> float:
    """Meaning, the question's rare words in the sentence and around it, and a span of the kind
    asked for given plainly; a nudge towards the better-ranked passage. Weights from a grid on
    XQuAD, ARCD and news-dev together (README, Evaluation): the lead that restates a news question
    wins on resemblance alone, the detail sentence on its span and its passage's rare words."""
    semantic = float(np.clip((evidence.cosine - COSINE_FLOOR) / (COSINE_CEIL - COSINE_FLOOR), 0, 1))
    return (
        0.45 * semantic
        + 0.2 * evidence.sentence_coverage
        + 0.4 * evidence.passage_coverage
        + 0.2 * evidence.has_span
        + 0.4 * evidence.span_fit
        - 0.05 * rank
    )


def _known_words(query: Query) -> Callable[[str, Sequence[str]], bool]:
    """Whether the question already holds a word of a sentence (by its search terms or as written)."""
    written = set(normalize_arabic(query.text).split())

    def known(norm: str, terms: Sequence[str]) -> bool:
        return norm in written or (bool(terms) and all(t in query.terms for t in terms))

    return known


def _new_to(query: Query) -> Callable[[str], bool] | None:
    """Whether a span says something the question does not: a span of only the question's own words
    (its names in the archive's spelling, its words' glossary translations) restates what was asked
    ("منير المتصدق" for what Mounir el-Motassadeq studied) and answers nothing. None for a question
    that offers alternatives, whose answer is one of its own words."""
    if offers_choice(query.text, query.language):
        return None
    known = _known_words(query)
    translated = {t for terms in query.translations.values() for t in terms}

    def new(span: str) -> bool:
        words = [(norm, analyze(norm)) for norm in (normalize_arabic(w) for w in sentence_words(span))]
        return any(
            len(norm) > 1 and terms and not known(norm, terms) and not all(t in translated for t in terms)
            for norm, terms in words
        )

    return new


def _anchor_coverage(query: Query, present: frozenset[str]) -> float:
    """The idf-weighted share of the question's anchors found in a passage; 1.0 when it has none.
    A near miss (another country's election) lacks the anchor that names what was asked about."""
    rarest = max(query.terms.values(), default=1.0)  # a name the archive never spells is as rare as it gets
    weights = [(max((query.terms.get(t, 0.0) for t in group), default=0.0) or rarest, group) for group in query.anchors]
    total = sum(w for w, _ in weights)
    return sum(w for w, group in weights if any(_found(t, present) for t in group)) / total if total else 1.0


def _found(term: str, present: frozenset[str]) -> bool:
    """``term`` or an inflection of it: the light stemmer leaves قتلوا and القتلى apart, so a term
    also matches on its first len-2 letters (at least 3), which still tells مينداناو from مانيلا."""
    if term in present:
        return True
    stem = term[: max(3, len(term) - 2)]
    return len(term) > 3 and any(p.startswith(stem) for p in present)


def no_answer(question: str, language: str, passages: Sequence[Passage], answerer: str) -> Answer:
    return Answer(
        text=load_prompt("no_answer", language),
        language=language,
        citations=[],
        passages=list(passages),
        answered=False,
        question=question,
        answerer=answerer,
    )


def stream_text(answer: Answer) -> Iterator[str | Answer]:
    """An already-computed answer as line deltas, then the answer itself."""
    lines = answer.text.split("\n")
    for i, line in enumerate(lines):
        yield line + ("\n" if i < len(lines) - 1 else "")
    yield answer

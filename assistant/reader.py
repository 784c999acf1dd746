"""The span reader: which words of the answering sentence answer the question, marked by a model.

e5's encoder with a start/end head, trained by ``eval.reader_training`` (``make model``) on Arabic
QA data with Arabic and English questions, and exported to ONNX: like the embedder, it runs on
onnxruntime and the tokenizers library, so answering never imports torch. It reads the few
sentences that may answer in one short batch, and scores no answer too (the [CLS] token, trained on
sentences that do not answer), so it can tell which of them answers and whether any does.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from onnxruntime import InferenceSession
    from tokenizers import Encoding, Tokenizer

MODEL_FILE = "reader.onnx"  # inputs input_ids and attention_mask; outputs start_logits and end_logits
TOKENIZER_FILE = "tokenizer.json"  # the trained tokenizer as the tokenizers library reads it
MAX_TOKENS = 160  # question and sentence; a longer sentence is cut, its answer rarely that far in
MAX_SPAN_TOKENS = 24
MAX_QUESTION_TOKENS = 96  # a longer question (a pasted paragraph) is cut, so the sentence keeps the rest
_EDGE = re.compile(r"^[\s،,.:;؛!؟?\"'«»()\-]+|[\s،,.:;؛!؟?\"'«»()\-]+$")


def question_text(question: str) -> str:
    """The question as the reader reads it: with e5's query prompt."""
    return f"query: {question}"


@dataclass(frozen=True)
class ReadSpan:
    text: str
    score: float  # its first token's start logit plus its last token's end logit


@dataclass(frozen=True)
class Reading:
    """One sentence as the reader saw it: a start and an end logit for each of its tokens."""

    sentence: str
    offsets: list[tuple[int, int]]  # each token's characters in the sentence
    starts: list[float]
    ends: list[float]
    null: float  # the score of no answer in this sentence: [CLS]'s start plus end logit

    def answers(self) -> float:
        """How far the best span outscores no answer: above 0, the reader finds the answer here."""
        best = self.best()
        return (best.score if best else self.null) - self.null

    def best(self, allowed: Callable[[str], bool] | None = None) -> ReadSpan | None:
        """The best-scoring span of at most MAX_SPAN_TOKENS tokens, trimmed of edge punctuation;
        with ``allowed``, the best it allows that shares no token with one it does not (the name
        asked about with a word or two more is still the name asked about)."""
        pairs = [
            (self.starts[s] + self.ends[e], s, e)
            for s in range(len(self.offsets))
            for e in range(s, min(s + MAX_SPAN_TOKENS, len(self.offsets)))
        ]
        if not pairs:
            return None
        score, s, e = max(pairs)
        text = self._text(s, e)
        if not text or allowed is None or allowed(text):
            return ReadSpan(text, score) if text else None
        refused = set(range(s, e + 1))
        for score, s, e in sorted(pairs, reverse=True):
            if refused.isdisjoint(range(s, e + 1)) and (text := self._text(s, e)):
                if allowed(text):
                    return ReadSpan(text, score)
                refused.update(range(s, e + 1))
        return None

    def _text(self, start: int, end: int) -> str:
        return _EDGE.sub("", self.sentence[self.offsets[start][0] : self.offsets[end][1]])

    def score(self, span: str) -> float | None:
        """The score of ``span`` where the sentence first writes it; None where it does not."""
        at = self.sentence.find(span) if span else -1
        first = [t for t, (_, end) in enumerate(self.offsets) if end > at]
        last = [t for t, (start, _) in enumerate(self.offsets) if start < at + len(span)]
        if at < 0 or not first or not last:
            return None
        return self.starts[first[0]] + self.ends[last[-1]]


class SpanReader:
    """Loaded on its first question (2 s, 470 MB): a server or a test that never answers never pays."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._loaded: tuple[InferenceSession, Tokenizer, Tokenizer] | None = None

    def _model(self) -> tuple[InferenceSession, Tokenizer, Tokenizer]:
        """The graph, the pair tokenizer, and an uncut one that measures the question alone."""
        with self._lock:
            if self._loaded is None:
                import onnxruntime
                from tokenizers import Tokenizer

                model = str(self.folder / MODEL_FILE)
                session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
                pairs = Tokenizer.from_file(str(self.folder / TOKENIZER_FILE))
                pairs.enable_truncation(MAX_TOKENS, strategy="only_second")
                pairs.no_padding()
                alone = Tokenizer.from_file(str(self.folder / TOKENIZER_FILE))
                alone.no_truncation()
                self._loaded = session, pairs, alone
            return self._loaded

    def tokens(self, question: str, sentence: str) -> Encoding:
        """The question and sentence as the reader reads them."""
        return self._model()[1].encode(self._asked(question), sentence)

    def _asked(self, question: str) -> str:
        """The question with e5's prompt, cut after MAX_QUESTION_TOKENS tokens."""
        asked = question_text(question)
        offsets = self._model()[2].encode(asked, add_special_tokens=False).offsets
        return asked if len(offsets) <= MAX_QUESTION_TOKENS else asked[: offsets[MAX_QUESTION_TOKENS - 1][1]]

    def read(self, question: str, sentences: Sequence[str]) -> list[Reading]:
        """Each of ``sentences`` read for ``question``, in one batch."""
        if not sentences:
            return []
        session, pairs, _ = self._model()
        asked = self._asked(question)  # measured once, not once a sentence
        encoded = pairs.encode_batch([(asked, s) for s in sentences])
        width = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(encoded), width), dtype=np.int64)
        mask = np.zeros((len(encoded), width), dtype=np.int64)
        for row, e in enumerate(encoded):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = e.attention_mask
        starts, ends = session.run(["start_logits", "end_logits"], {"input_ids": ids, "attention_mask": mask})
        readings = []
        for row, (sentence, e) in enumerate(zip(sentences, encoded)):
            tokens = [t for t, part in enumerate(e.sequence_ids) if part == 1]
            readings.append(
                Reading(
                    sentence,
                    [e.offsets[t] for t in tokens],
                    starts[row, tokens].tolist(),
                    ends[row, tokens].tolist(),
                    float(starts[row, 0] + ends[row, 0]),
                )
            )
        return readings

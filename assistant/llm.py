"""The chat model behind generated answers and follow-up condensation, one per backend:
``openai`` (any OpenAI-compatible server), ``ollama`` and ``llamacpp`` (a local GGUF)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel

from assistant.budget import TokenCounter, llamacpp_counter, tiktoken_counter
from assistant.settings import Settings

OLLAMA_URL = "http://127.0.0.1:11434"


@dataclass
class LLM:
    chat: BaseChatModel
    count_tokens: TokenCounter
    endpoint: str  # for messages about failures
    runtime: Any = None  # the in-process llama.cpp server, alive as long as this object


def _chat_openai(settings: Settings, base_url: str, model: str) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=base_url,
        model=model,
        api_key=settings.llm_api_key or "not-needed",  # type: ignore[arg-type]
        timeout=settings.llm_timeout,
        max_retries=0,
        temperature=0,
        max_tokens=settings.llm_max_tokens,  # type: ignore[call-arg]
    )


def _openai(settings: Settings) -> LLM:
    if not settings.llm_base_url or not settings.llm_model:
        raise ValueError("answerer 'openai' needs AKHBAR_LLM_BASE_URL and AKHBAR_LLM_MODEL")
    chat = _chat_openai(settings, settings.llm_base_url, settings.llm_model)
    return LLM(chat, tiktoken_counter(settings.llm_tokenizer), settings.llm_base_url)


def _ollama(settings: Settings) -> LLM:
    from langchain_ollama import ChatOllama

    if not settings.llm_model:
        raise ValueError("answerer 'ollama' needs AKHBAR_LLM_MODEL, e.g. gemma3:4b (see `ollama list`)")
    base_url = settings.llm_base_url or OLLAMA_URL
    chat = ChatOllama(
        model=settings.llm_model,
        base_url=base_url,
        temperature=0,
        num_predict=settings.llm_max_tokens,
        num_ctx=settings.llm_context_tokens,  # Ollama's default window silently truncates longer prompts
        client_kwargs={"timeout": settings.llm_timeout},
    )
    return LLM(chat, tiktoken_counter(settings.llm_tokenizer), base_url)


def _llamacpp(settings: Settings) -> LLM:
    """A llama.cpp server at AKHBAR_LLM_BASE_URL, or else AKHBAR_LLM_GGUF (default: the bundled
    Gemma 3 270M) run in this process on a free loopback port."""
    runtime = None
    if settings.llm_base_url:
        server_url = settings.llm_base_url.rstrip("/").removesuffix("/v1")
    else:
        from assistant.local_llm import start_local_llm

        runtime = start_local_llm(
            0, gguf=settings.llm_gguf, context=settings.llm_context_tokens, threads=settings.llm_threads
        )
        server_url = runtime.server_url
    chat = _chat_openai(settings, f"{server_url}/v1", settings.llm_model or "local")
    return LLM(chat, llamacpp_counter(server_url, settings.llm_timeout), server_url, runtime)


BACKENDS: dict[str, Callable[[Settings], LLM]] = {"openai": _openai, "ollama": _ollama, "llamacpp": _llamacpp}


def connect_llm(settings: Settings) -> LLM | None:
    """The configured backend's chat model; None for the extractive answerer."""
    backend = BACKENDS.get(settings.answerer)
    return backend(settings) if backend else None

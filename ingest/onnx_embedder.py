"""The embedding model on ONNX Runtime, fp32 or with dynamic int8 weights, exported offline from
the sentence-transformers folder (`akhbar model fetch`).

sentence-transformers' own ONNX backend needs optimum-onnx, which pins transformers below 4.58
(this project runs 5.x); so the export is torch.onnx's, the fusion and the quantisation
onnxruntime's, and this module does the little the backend would: prompts, length-sorted
batches, mean pooling. At run time it needs only onnxruntime and tokenizers: a process is ready
in seconds, where importing sentence-transformers and torch takes about 15 s on 2 cores.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ingest.part_vectors import Offsets, embed_with_parts

if TYPE_CHECKING:
    import torch

BACKENDS = ("torch", "onnx", "onnx-int8")
# fp32 with attention, GELU and layer norms fused: 1.17x torch's passages/s on 2 cores (README)
FILES = {"onnx": Path("onnx") / "model_fused.onnx", "onnx-int8": Path("onnx") / "model_qint8.onnx"}
# The tokenizer the torch model runs (transformers rebuilds it from tokenizer.json with another
# pre-tokenizer), saved beside the graphs so that both backends cut text into the same tokens.
TOKENIZER = Path("onnx") / "tokenizer.json"


class BackendMissingError(RuntimeError):
    """The model folder has no export for the chosen backend; the message says how to build it."""


def backend_file(folder: Path, backend: str) -> Path:
    if backend not in FILES:
        raise ValueError(f"embedding backend {backend!r} unknown; use one of {', '.join(BACKENDS)}")
    return folder / FILES[backend]


def export(folder: Path, backend: str) -> Path:
    """Write ``backend``'s model file and the tokenizer into ``folder``."""
    target = backend_file(folder, backend)
    if not (folder / TOKENIZER).is_file():
        _save_tokenizer(folder)
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory() as scratch:
        plain = Path(scratch) / "model.onnx"
        _export_fp32(folder, plain)
        partial = target.with_suffix(".partial.onnx")
        if backend == "onnx-int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            # per channel: one scale per output row keeps cosine to the fp32 vectors >= 0.99 (per tensor: 0.976)
            quantize_dynamic(plain, partial, weight_type=QuantType.QInt8, per_channel=True)
        else:
            _fuse(folder, plain, partial)
        partial.replace(target)
    return target


def _save_tokenizer(folder: Path) -> None:
    """The torch model's tokenizer, padding with its pad token, as the tokenizers library reads it."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    backend = tokenizer.backend_tokenizer
    backend.no_truncation()
    backend.enable_padding(pad_id=tokenizer.pad_token_id, pad_token=tokenizer.pad_token)
    path = folder / TOKENIZER
    path.parent.mkdir(parents=True, exist_ok=True)
    backend.save(str(path))


def _fuse(folder: Path, plain: Path, target: Path) -> None:
    from onnxruntime.transformers import optimizer

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    fused = optimizer.optimize_model(
        str(plain), model_type="bert", num_heads=config["num_attention_heads"], hidden_size=config["hidden_size"]
    )
    fused.save_model_to_file(str(target))


def _export_fp32(folder: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer

    class Hidden(torch.nn.Module):  # the traced graph: two inputs in, the token states out
        def __init__(self) -> None:
            super().__init__()
            # eager attention: its pattern is the one onnxruntime's optimiser fuses (SDPA's is not)
            self.encoder = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    sample = tokenizer(["passage: نص قصير", "passage: a"], padding=True, return_tensors="pt")
    trace(Hidden(), sample, ["last_hidden_state"], target)


def trace(module: torch.nn.Module, sample: Mapping[str, torch.Tensor], outputs: Sequence[str], target: Path) -> None:
    """``module`` traced to ONNX at ``target``: ``input_ids`` and ``attention_mask`` in, ``outputs``
    out, each with free batch and token axes (the embedder's graph and the span reader's)."""
    import torch

    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            module,
            (sample["input_ids"], sample["attention_mask"]),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=list(outputs),
            dynamic_axes={name: axes for name in ("input_ids", "attention_mask", *outputs)},
            opset_version=17,
            dynamo=False,
        )


class OnnxEmbedder:
    """L2-normalised mean-pooled vectors from ONNX Runtime, with the folder's query/passage prompts."""

    def __init__(self, folder: Path, backend: str, batch_size: int = 32, threads: int | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        path = backend_file(folder, backend)
        for needed in (path, folder / TOKENIZER):
            if not needed.is_file():
                raise BackendMissingError(
                    f"{needed} is missing; run `akhbar model fetch` with AKHBAR_EMBED_BACKEND={backend} to build it"
                )
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or len(os.sched_getaffinity(0))
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        settings = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
        self.prompts: dict[str, str] = settings.get("prompts", {})
        self.max_tokens = int(json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"])
        self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))  # pads with the model's pad token
        self.batch_size = batch_size
        # Truncation is switched off to count a text's tokens and on to embed it: one switch at a time.
        self._lock = threading.Lock()

    def _hidden(
        self, texts: Sequence[str], offsets: bool = False
    ) -> Iterator[tuple[list[int], np.ndarray, np.ndarray, np.ndarray | None]]:
        """Length-sorted batches: the texts' indices, token states, attention mask (and the
        tokens' character spans)."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            with self._lock:
                self.tokenizer.enable_truncation(self.max_tokens)
                encoded = self.tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            (hidden,) = self.session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})
            yield rows, hidden, mask, np.array([e.offsets for e in encoded]) if offsets else None

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        vectors = np.zeros((len(texts), 0), np.float32)
        for rows, hidden, mask, _ in self._hidden([self.prompts.get(prompt, "") + t for t in texts]):
            pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            if not vectors.size:
                vectors = np.zeros((len(texts), pooled.shape[1]), np.float32)
            vectors[rows] = pooled
        return vectors

    def _token_states(self, texts: Sequence[str]) -> list[tuple[np.ndarray, Offsets]]:
        states: list[tuple[np.ndarray, Offsets]] = [(np.zeros((0, 0)), [])] * len(texts)
        for rows, hidden, mask, offsets in self._hidden(texts, offsets=True):
            assert offsets is not None
            for row, i in enumerate(rows):
                length = int(mask[row].sum())  # padding is on the right
                states[i] = (hidden[row, :length], [(int(a), int(b)) for a, b in offsets[row, :length]])
        return states

    def embed_passages_with_parts(
        self, texts: Sequence[str], parts: Sequence[Sequence[str]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Passage vectors and, from the same forward pass, a vector per part (ingest.part_vectors)."""
        return embed_with_parts(texts, parts, self.prompts.get("passage", ""), self._token_states, self.embed_passages)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def embed_words(self, texts: Sequence[str]) -> np.ndarray:
        """Texts as written, with no prompt (SentenceTransformerEmbedder.embed_words)."""
        return self._encode(texts, "")

    def count_tokens(self, text: str) -> int:
        with self._lock:
            self.tokenizer.no_truncation()
            return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

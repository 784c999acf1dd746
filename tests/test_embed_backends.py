"""The ONNX Runtime backends against the torch model they are exported from: the same vectors
(cosine 0.99) on 150 archive passages and on questions, the same token counts."""

import json

import numpy as np
import pytest
from conftest import REPO

from ingest.chunking import passage_sentences
from ingest.embedder import SentenceTransformerEmbedder
from ingest.onnx_embedder import BackendMissingError, OnnxEmbedder, export

NEWS = REPO / "eval" / "data" / "ant-news-middleeast-300.jsonl"
QUESTIONS = ["أين عقدت جماعة خراسان اجتماعها السري؟", "How many points did the Panthers defense surrender?"]


@pytest.fixture(scope="module")
def passages() -> list[str]:
    paragraphs = (
        p.strip()
        for line in NEWS.read_text(encoding="utf-8").splitlines()
        for p in json.loads(line)["body"].split("\n")
        if len(p.strip()) > 80
    )
    return list(dict.fromkeys(paragraphs))[:150]


@pytest.fixture(scope="module")
def reference(embedder: SentenceTransformerEmbedder, passages: list[str]) -> np.ndarray:
    return embedder.embed_passages(passages)


@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_onnx_vectors_agree_with_torch(backend, model_dir, embedder, passages, reference):
    export(model_dir, backend)
    onnx = OnnxEmbedder(model_dir, backend, threads=2)
    cosines = np.sum(onnx.embed_passages(passages) * reference, axis=1)
    assert len(passages) == 150 and cosines.min() >= 0.99, f"lowest cosine {cosines.min():.4f}"
    queries = np.sum(onnx.embed_queries(QUESTIONS) * embedder.embed_queries(QUESTIONS), axis=1)
    assert queries.min() >= 0.99
    assert [onnx.count_tokens(p) for p in passages[:20]] == [embedder.count_tokens(p) for p in passages[:20]]
    sentences = [passage_sentences(p) for p in passages[:20]]
    _, theirs = onnx.embed_passages_with_parts(passages[:20], sentences)
    _, ours = embedder.embed_passages_with_parts(passages[:20], sentences)
    assert min(float(np.min(np.sum(a * b, axis=1))) for a, b in zip(theirs, ours) if len(a)) >= 0.98


def test_a_backend_without_its_export_says_how_to_build_it(tmp_path):
    with pytest.raises(BackendMissingError, match="akhbar model fetch"):
        OnnxEmbedder(tmp_path, "onnx-int8")

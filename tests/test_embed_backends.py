"""The ONNX Runtime backends against the torch model they are exported from, on 150 archive
passages and on questions: fp32 (the default) gives the same vectors (cosine 0.9999), int8 close
ones (0.99); both count the same tokens."""

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import REPO

from ingest.chunking import passage_sentences
from ingest.embedder import SentenceTransformerEmbedder
from ingest.onnx_embedder import BackendMissingError, OnnxEmbedder, export

NEWS = REPO / "eval" / "data" / "ant-news-middleeast-300.jsonl"
QUESTIONS = ["أين عقدت جماعة خراسان اجتماعها السري؟", "How many points did the Panthers defense surrender?"]
WORDS = ["وزير", "minister", "الجولاني"]


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
def torch_model(model_dir) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model_dir)


@pytest.fixture(scope="module")
def reference(torch_model: SentenceTransformerEmbedder, passages: list[str]) -> np.ndarray:
    return torch_model.embed_passages(passages)


@pytest.mark.parametrize(("backend", "lowest"), [("onnx", 0.9999), ("onnx-int8", 0.99)])
def test_onnx_vectors_agree_with_torch(backend, lowest, model_dir, torch_model, passages, reference):
    export(model_dir, backend)
    onnx = OnnxEmbedder(model_dir, backend, threads=2)
    cosines = np.sum(onnx.embed_passages(passages) * reference, axis=1)
    assert len(passages) == 150 and cosines.min() >= lowest, f"lowest cosine {cosines.min():.5f}"
    queries = np.sum(onnx.embed_queries(QUESTIONS) * torch_model.embed_queries(QUESTIONS), axis=1)
    assert queries.min() >= lowest
    words = np.sum(onnx.embed_words(WORDS) * torch_model.embed_words(WORDS), axis=1)
    assert words.min() >= lowest
    assert [onnx.count_tokens(p) for p in passages[:20]] == [torch_model.count_tokens(p) for p in passages[:20]]
    sentences = [passage_sentences(p) for p in passages[:20]]
    _, theirs = onnx.embed_passages_with_parts(passages[:20], sentences)
    _, ours = torch_model.embed_passages_with_parts(passages[:20], sentences)
    assert min(float(np.min(np.sum(a * b, axis=1))) for a, b in zip(theirs, ours) if len(a)) >= 0.98


def test_words_are_embedded_as_written_without_the_passage_prompt(torch_model):
    as_written = torch_model.model.encode(WORDS, prompt="", normalize_embeddings=True)
    assert np.allclose(torch_model.embed_words(WORDS), as_written, atol=1e-5)
    assert not np.allclose(torch_model.embed_words(WORDS), torch_model.embed_passages(WORDS), atol=1e-2)


def test_a_backend_without_its_export_says_how_to_build_it(tmp_path):
    with pytest.raises(BackendMissingError, match="akhbar model fetch"):
        OnnxEmbedder(tmp_path, "onnx-int8")


def test_the_default_backend_answers_without_loading_torch(model_dir, tmp_path):
    """Importing torch and sentence-transformers takes about 15 s on 2 cores: every CLI call and
    server start would pay it. The default backend needs neither."""
    script = (
        "import sys\n"
        "from assistant.service import Assistant\n"
        "from assistant.settings import Settings\n"
        f"settings = Settings(data_dir={str(tmp_path)!r}, model_cache={str(model_dir.parent)!r})\n"
        "assistant = Assistant.from_settings(settings)\n"
        "answer = assistant.ask('Where did the Khorasan group meet?')\n"
        "heavy = {'torch', 'transformers', 'sentence_transformers'} & set(sys.modules)\n"
        "print(settings.embed_backend, answer.answered, sorted(heavy))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["onnx", "False", "[]"]

"""Sentence vectors pooled from their chunk's own forward pass (ingest.part_vectors)."""

import numpy as np

from ingest.embedder import Embedder
from ingest.part_vectors import embed_with_parts

PASSAGE = (
    "أعلنت وزارة الصحة المصرية حصيلة جديدة لحوادث الطرق.\n"
    "وقالت الوزارة في بيان إن عدد المصابين بلغ 52 شخصا، بينهم 7 أطفال."
)
SENTENCES = PASSAGE.split("\n")


def letters(texts):
    """A stand-in for the model's token states, for the pooling arithmetic only: one token per
    letter, its state the letter's code point, so a part's vector is its letters' mean."""
    return [(np.array([[float(ord(c)), 1.0] for c in t]), [(i, i + 1) for i in range(len(t))]) for t in texts]


def alone(texts):
    return np.array([[0.0, 1.0] for _ in texts])


def test_a_part_is_the_mean_of_its_own_tokens_and_the_passage_of_all():
    passages, parts = embed_with_parts(["ab cd"], [["cd", "ab"]], "", letters, alone)
    expected = np.array([[(ord("c") + ord("d")) / 2, 1.0], [(ord("a") + ord("b")) / 2, 1.0]])
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(parts[0], expected)  # found out of order too
    whole = np.array([np.mean([ord(c) for c in "ab cd"]), 1.0])
    assert np.allclose(passages[0], whole / np.linalg.norm(whole))


def test_a_part_the_text_does_not_hold_is_embedded_alone_with_the_prefix():
    seen = []

    def embed(texts):
        seen.extend(texts)
        return alone(texts)

    _, parts = embed_with_parts(["ab", "xy"], [["ab", "zz"], []], "p: ", letters, embed)
    assert seen == ["zz"] and np.allclose(parts[0][1], [0.0, 1.0]) and parts[1].shape == (0, 2)


def test_one_pass_gives_the_passage_vector_and_sentences_read_in_context(embedder: Embedder):
    passages, (parts,) = embedder.embed_passages_with_parts([PASSAGE], [SENTENCES])
    assert float(passages[0] @ embedder.embed_passages([PASSAGE])[0]) > 0.9999
    standalone = embedder.embed_passages(SENTENCES)
    assert np.allclose(np.linalg.norm(parts, axis=1), 1.0, atol=1e-5)
    assert 0.8 < float(np.min(np.sum(parts * standalone, axis=1))) < 0.999  # the same sentence, not the same vector
    # "the ministry" in the second sentence is the Egyptian health ministry of the first
    question = embedder.embed_queries(["كم عدد المصابين الذي أعلنته وزارة الصحة المصرية؟"])[0]
    assert float(parts[1] @ question) > float(standalone[1] @ question)

"""Train the span reader: e5's encoder with a start/end head, fine-tuned to mark the answer in a sentence.

``python -m eval.reader_training --out DIR`` (run by ``make model``) builds it from the local e5
folder and the bundled Arabic QA data, with a fixed seed, on a CPU in about a quarter of an hour:
ARCD train (Arabic questions) and XQuAD dev (the same questions in Arabic and in English, over
Arabic text), so that English questions learn to point into Arabic sentences. Each question is
read with the sentence that answers it and with one that does not, so the reader learns to say
which does. ``--exclude-fold`` leaves out half of XQuAD's articles (``fold_of``), to score the
reader on the other half.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import (
    AutoModelForQuestionAnswering,
    AutoTokenizer,
    BatchEncoding,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    get_linear_schedule_with_warmup,
)

from assistant.reader import MAX_TOKENS, MODEL_FILE, TOKENIZER_FILE, question_text
from eval.datasets import REPO, fold_of, xquad
from ingest.arabic import analyze, normalize_arabic
from ingest.chunking import split_sentences
from ingest.onnx_embedder import trace

ARCD = REPO / "eval/data/arcd-train.json"
SEED = 0
BATCH = 16
EPOCHS = 2
LEARNING_RATE = 1e-4
NO_ANSWER = -1  # an example's start and end where its sentence does not answer: the target is [CLS]


@dataclass(frozen=True)
class Example:
    question: str
    sentence: str
    start: int  # of the answer in the sentence, or NO_ANSWER
    end: int


def in_sentence(question: str, paragraph: str, answer: str, start: int) -> list[Example]:
    """The examples as the reader meets them: the question with the one sentence that holds its
    answer, and with the paragraph's sentence that shares most words with the question yet does not
    answer it (the lead that restates a question), which the reader learns to mark as no answer."""
    offset = 0
    positive, others = None, []
    for sentence in split_sentences(paragraph):
        at = paragraph.find(sentence, offset)
        offset = at + len(sentence)
        if at <= start and start + len(answer) <= offset:
            positive = Example(question, sentence, start - at, start - at + len(answer))
        elif normalize_arabic(answer) not in normalize_arabic(sentence):
            others.append(sentence)
    if positive is None:
        return []
    asked = set(analyze(question))
    negatives = sorted(others, key=lambda s: -len(asked & set(analyze(s))))[:1]
    return [positive, *(Example(question, s, NO_ANSWER, NO_ANSWER) for s in negatives)]


def arcd_examples(path: Path = ARCD) -> Iterator[Example]:
    for entry in json.loads(path.read_text(encoding="utf-8"))["data"]:
        for paragraph in entry["paragraphs"]:
            for qa in paragraph["qas"]:
                answer = qa["answers"][0]
                question = qa["question"].strip(" -")
                yield from in_sentence(question, paragraph["context"], answer["text"], answer["answer_start"])


def xquad_examples(exclude_fold: int | None = None) -> Iterator[Example]:
    """XQuAD's questions with the first place their answer is written in its paragraph."""
    bodies = {}
    xquad_set = xquad()
    for line in xquad_set.corpus[0].read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        bodies[article["id"]] = article["body"].split("\n\n")
    for path in xquad_set.qa:
        for line in path.read_text(encoding="utf-8").splitlines():
            qa = json.loads(line)
            if exclude_fold is not None and fold_of(qa["article_id"]) == exclude_fold:
                continue
            paragraph = bodies[qa["article_id"]][qa["paragraph"]]
            answer = qa["answers"][0]
            start = paragraph.find(answer)
            if start >= 0:
                yield from in_sentence(qa["question"], paragraph, answer, start)


def encode(tokenizer: PreTrainedTokenizerBase, examples: Sequence[Example]) -> BatchEncoding:
    """Question then sentence, cut as ``assistant.reader.SpanReader`` cuts them; offsets index the sentence."""
    return tokenizer(
        [question_text(e.question) for e in examples],
        [e.sentence for e in examples],
        truncation="only_second",
        max_length=MAX_TOKENS,
        padding=True,
        return_offsets_mapping=True,
        return_tensors="pt",
    )


def _targets(examples: Sequence[Example], tokenizer: PreTrainedTokenizerBase) -> dict[str, torch.Tensor]:
    """Token positions of each answer's first and last token (0, the [CLS], where the sentence does not
    answer or truncation cut the answer)."""
    batch = encode(tokenizer, examples)
    starts, ends = [], []
    for i, example in enumerate(examples):
        tokens = [t for t, part in enumerate(batch.sequence_ids(i)) if part == 1]
        spans = batch["offset_mapping"][i]
        first = [t for t in tokens if spans[t][1] > example.start]
        last = [t for t in tokens if spans[t][0] < example.end]
        found = example.start != NO_ANSWER and first and last and first[0] <= last[-1]
        starts.append(first[0] if found else 0)
        ends.append(last[-1] if found else 0)
    batch.pop("offset_mapping")
    return {**batch, "start_positions": torch.tensor(starts), "end_positions": torch.tensor(ends)}


def train(encoder: Path, examples: Sequence[Example], out: Path, epochs: int = EPOCHS) -> Path:
    """Fine-tune ``encoder`` on ``examples`` and save the reader to ``out``; the word embeddings stay
    frozen, which keeps English and Arabic words where e5 put them and halves the time."""
    random.seed(SEED)
    torch.manual_seed(SEED)
    tokenizer = AutoTokenizer.from_pretrained(encoder)
    model = AutoModelForQuestionAnswering.from_pretrained(encoder)
    model.get_input_embeddings().weight.requires_grad_(False)
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=LEARNING_RATE, weight_decay=0.01)
    steps = epochs * -(-len(examples) // BATCH)
    schedule = get_linear_schedule_with_warmup(optimizer, steps // 10, steps)
    model.train()
    for epoch in range(epochs):
        order = list(range(len(examples)))
        random.shuffle(order)
        for first in range(0, len(order), BATCH):
            batch = _targets([examples[i] for i in order[first : first + BATCH]], tokenizer)
            loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trained, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
        print(f"reader: epoch {epoch + 1} of {epochs}, last loss {loss.item():.3f}", flush=True)
    partial = out.with_name(out.name + ".partial")  # renamed once whole: a cut-off run leaves no reader
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    export(model.eval(), tokenizer, partial)
    shutil.rmtree(out, ignore_errors=True)
    partial.rename(out)
    return out


def export(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, folder: Path) -> None:
    """The ONNX graph and tokenizer that ``SpanReader`` runs, without torch or transformers."""

    class Logits(torch.nn.Module):  # the traced graph: two inputs in, the two logit rows out
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            out = self.model(input_ids=input_ids, attention_mask=attention_mask)
            return out.start_logits, out.end_logits

    sample = encode(tokenizer, [Example("من؟", "نص قصير.", 0, 3)])
    trace(Logits(), sample, ["start_logits", "end_logits"], folder / MODEL_FILE)
    tokenizer.backend_tokenizer.save(str(folder / TOKENIZER_FILE))  # as transformers cuts text, not as rebuilt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.reader_training", description=__doc__.split("\n\n")[0])
    parser.add_argument("--encoder", type=Path, required=True, help="the e5 sentence-transformers folder")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--exclude-fold", type=int, choices=(0, 1), help="leave out this half of XQuAD's articles")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args(argv)
    if not (args.encoder / "config.json").is_file():
        parser.error(f"{args.encoder} holds no model; build it first: akhbar model fetch")
    examples = [*arcd_examples(), *xquad_examples(args.exclude_fold)]
    print(f"reader: {len(examples)} questions, {args.epochs} epochs", flush=True)
    train(args.encoder, examples, args.out, args.epochs)
    print(f"reader: saved to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

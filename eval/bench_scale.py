"""Scale benchmark: stores of 100k+ chunks made from real ANT chunks and their real vectors,
perturbed, without re-embedding; hybrid query latency, BM25 build and load time, memory and disk
at each size, and a projection to 1M and 10M chunks.

python -m eval.bench_scale [--sizes 25000,50000,100000] [--queries 200] [--base DIR] [--seed FILE]
                           [--also-candidates 20] [--exact] [--legs] [--keep | --store DIR]

The seed is the news-dev archive of the eval cache (3,752 chunks of 1,200 ANT articles) when
`make eval-news` has built it, else the 300 ANT articles in eval/data (ingested once, about 4
minutes), or ``--seed``'s articles. Each copy of a seed chunk gets a fresh id and article id, its
vector moved by Gaussian noise (cosine about 0.98 to the original) and renormalised, and about a
tenth of its words dropped, so that neither HNSW nor BM25 sees exact duplicates. Stores go under
``--base`` (default .akhbar/bench-scale), one folder per size, removed after it is measured
unless ``--keep``.
``--also-candidates N`` times the same questions again on the same store with N hits per leg
(`AKHBAR_CANDIDATES`) instead of the configured number. ``--keep`` leaves the stores in place;
``--store BASE/nSIZE`` then times one of them again in a new process, as a server opens a store
it did not just write (at 1M the writing process answers slower: README, "Running it for a team").
"""

from __future__ import annotations

import argparse
import resource
import shutil
import time
from pathlib import Path

import chromadb
import numpy as np

from assistant.service import Assistant
from assistant.settings import Settings
from eval.datasets import SHARED, news_dev
from eval.harness import corpus_collection, load_qa
from eval.metrics import percentile
from ingest.embedder import Embedder, load_embedder
from ingest.lexical import LexicalIndex
from ingest.models import resolve_model
from ingest.store import WRITTEN_AT, ChunkStore

SEED_CORPUS = Path("eval/data/ant-news-middleeast-300.jsonl")
NOISE = 0.01  # per dimension, on unit vectors of 384 dimensions: cosine to the original about 0.98
DROP = 0.1  # share of a copy's words left out
BATCH = 5000


def cached_news_dev(settings: Settings) -> tuple[str, list[str]] | None:
    """The eval cache's news-dev collection and news-dev's questions, when `make eval-news` built it."""
    try:
        news = news_dev(SHARED)
    except FileNotFoundError:
        return None
    cached = corpus_collection(list(news.corpus), settings.embed_backend, settings.sentence_vectors)
    names = {c.name for c in chromadb.PersistentClient(path=str(settings.chroma_dir)).list_collections()}
    return (cached, [item.question for item in load_qa(list(news.qa))]) if cached in names else None


def seed_chunks(
    settings: Settings, embedder: Embedder, corpus: Path | None
) -> tuple[list[str], list[dict], np.ndarray, list[str]]:
    """Texts, metadata, vectors of the seed chunks, and questions to ask (news-dev's, or headlines)."""
    cache = None if corpus else cached_news_dev(settings)
    collection, questions = cache or (
        corpus_collection([corpus or SEED_CORPUS], settings.embed_backend, settings.sentence_vectors),
        [],
    )
    seed = Assistant.from_settings(settings.model_copy(update={"collection": collection}), embedder=embedder)
    if seed.store.count() == 0:
        print(seed.ingest([corpus or SEED_CORPUS]).summary())
    found = seed.store.collection.get(include=["documents", "metadatas", "embeddings"])
    metadata = [dict(m) for m in found["metadatas"]]
    questions = questions or sorted({str(m["headline"]) for m in metadata})
    print(f"seed: {len(found['ids'])} chunks of {collection}; {len(questions)} questions")
    return list(found["documents"]), metadata, np.asarray(found["embeddings"], dtype=np.float32), questions


def fill(store: ChunkStore, size: int, texts: list[str], metadata: list[dict], vectors: np.ndarray) -> float:
    """Write ``size`` perturbed copies of the seed chunks; seconds taken."""
    rng = np.random.default_rng(size)
    began = time.perf_counter()
    for start in range(0, size, BATCH):
        rows = np.arange(start, min(size, start + BATCH))
        seeds = rows % len(texts)
        moved = vectors[seeds] + rng.normal(0.0, NOISE, (len(rows), vectors.shape[1])).astype(np.float32)
        moved /= np.linalg.norm(moved, axis=1, keepdims=True)
        documents, metadatas = [], []
        for row, seed in zip(rows, seeds):
            words = texts[seed].split(" ")
            keep = rng.random(len(words)) >= DROP
            documents.append(" ".join(w for w, k in zip(words, keep) if k) or texts[seed])
            copy = int(row) // len(texts)
            metadatas.append({**metadata[seed], "article_id": f"{metadata[seed]['article_id']}~{copy}", WRITTEN_AT: 1})
        store.collection.upsert(
            ids=[f"scale-{int(r)}" for r in rows], embeddings=moved, documents=documents, metadatas=metadatas
        )
    return time.perf_counter() - began


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def rss_mb() -> float:
    """Resident memory now (Linux /proc), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def hybrid_latencies(assistant: Assistant, queries: list[str]) -> list[float]:
    """Milliseconds per question (embedding it included), after five unmeasured ones."""
    for question in queries[:5]:  # warm: the index loaded, HNSW pages touched
        assistant.retriever.search(question, k=5, mode="hybrid")
    latencies = []
    for question in queries:
        began = time.perf_counter()
        assistant.retriever.search(question, k=5, mode="hybrid")
        latencies.append(1000 * (time.perf_counter() - began))
    return latencies


LEGS = ("question", "dense", "bm25", "fetch")


def leg_latencies(assistant: Assistant, queries: list[str]) -> dict[str, float]:
    """p50 and p95 ms of each step of a hybrid search, after five unmeasured questions (the
    indexes loaded) and for the others, whose query nothing has cached yet: the question worked
    out (embedded, its terms weighed), the dense leg (Chroma's HNSW query with documents and
    metadata), the BM25 leg, and the fetch from Chroma of the BM25 leg's hits among its first
    five that the dense leg did not return."""
    retriever = assistant.retriever
    n = retriever.candidates
    timed: dict[str, list[float]] = {leg: [] for leg in LEGS}
    for question in queries[:5]:
        retriever.search(question, k=5, mode="hybrid")
    for question in queries[5:] or queries:
        began = time.perf_counter()
        query = retriever.query(question)
        asked = time.perf_counter()
        dense = assistant.store.query(query.vector, n)
        densed = time.perf_counter()
        lexical = retriever.lexical.search(query.search_terms, n)
        searched = time.perf_counter()
        returned = {c.id for c in dense}
        assistant.store.get([i for i, _ in lexical if i not in returned][:5], with_embeddings=True)  # k = 5
        fetched = time.perf_counter()
        for leg, start, end in zip(LEGS, (began, asked, densed, searched), (asked, densed, searched, fetched)):
            timed[leg].append(1000 * (end - start))
    return {f"{leg}_{p}_ms": percentile(times, p) for leg, times in timed.items() for p in (50, 95)}


def store_settings(folder: Path, glossary_dir: Path | None) -> Settings:
    # Chroma's HNSW index at every size, as the stores this projects to use it (past
    # exact_search_max_chunks); a smaller store's exact search is cheaper still (README).
    return Settings(data_dir=folder, collection="scale", exact_search_max_chunks=0, glossary_path=glossary_dir)


def build(settings: Settings, size: int, seed: tuple) -> dict[str, float]:
    """A store of ``size`` chunks at ``settings.data_dir``, and its BM25 index: seconds taken."""
    texts, metadata, vectors, _ = seed
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    store = ChunkStore(settings.collection, settings.chroma_dir)
    write_s = fill(store, size, texts, metadata, vectors)
    began = time.perf_counter()
    LexicalIndex.build(store).save(settings.lexical_dir)
    return {"write_s": write_s, "bm25_build_s": time.perf_counter() - began}


def timed(
    settings: Settings,
    embedder: Embedder,
    queries: list[str],
    also_candidates: int | None = None,
    exact: bool = False,
    legs: bool = False,
) -> dict[str, float]:
    """Hybrid latency on the store at ``settings.data_dir`` by Chroma's index (and, with ``exact``,
    by exact search, whose first question loads every vector), its BM25 load, memory and disk."""
    began = time.perf_counter()
    LexicalIndex.load(settings.lexical_dir)
    load_s = time.perf_counter() - began
    timed_legs = leg_latencies(Assistant.from_settings(settings, embedder=embedder), queries) if legs else {}
    assistant = Assistant.from_settings(settings, embedder=embedder)
    latencies = hybrid_latencies(assistant, queries)
    row = {
        "chunks": assistant.store.count(),
        "bm25_load_s": load_s,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "rss_mb": rss_mb(),
        "chroma_mb": folder_bytes(settings.chroma_dir) / 2**20,
        "bm25_mb": folder_bytes(settings.lexical_dir) / 2**20,
        **timed_legs,
    }
    if exact:
        searched = Assistant.from_settings(
            settings.model_copy(update={"exact_search_max_chunks": int(row["chunks"])}), embedder=embedder
        )
        began = time.perf_counter()
        searched.retriever.search(queries[0], k=5, mode="dense")  # every vector read into memory
        row["exact_load_s"] = time.perf_counter() - began
        times = hybrid_latencies(searched, queries)
        row |= {"exact_p50_ms": percentile(times, 50), "exact_p95_ms": percentile(times, 95), "exact_rss_mb": rss_mb()}
        del searched
    if also_candidates:
        fewer = Assistant.from_settings(settings.model_copy(update={"candidates": also_candidates}), embedder=embedder)
        other = hybrid_latencies(fewer, queries)
        row |= {"other_p50_ms": percentile(other, 50), "other_p95_ms": percentile(other, 95)}
    return row


def project(rows: list[dict[str, float]], key: str, size: int) -> float:
    """Least squares, linear in N, over the measured sizes (for HNSW, whose search time grows with
    log N, an upper bound)."""
    slope, intercept = np.polyfit([r["chunks"] for r in rows], [r[key] for r in rows], 1)
    return float(slope * size + intercept)


COLUMNS = {  # key -> decimals shown
    "write_s": 0,
    "bm25_build_s": 1,
    "bm25_load_s": 2,
    "p50_ms": 0,
    "p95_ms": 0,
    "rss_mb": 0,
    "chroma_mb": 0,
    "bm25_mb": 0,
}


def table_row(label: str, row: dict[str, float], columns: dict[str, int]) -> str:
    """One row of the table; "–" where the row has no such number (a store timed, not built here)."""
    cells = (f"{row[key]:.{places}f}" if key in row else "–" for key, places in columns.items())
    return "| " + " | ".join([label, *cells]) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25000,50000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--base", type=Path, default=Path(".akhbar/bench-scale"))
    parser.add_argument("--seed", type=Path, help="articles to copy (default: the news-dev archive, else eval/data's)")
    parser.add_argument("--also-candidates", type=int, help="time the questions again with this many hits per leg")
    parser.add_argument("--exact", action="store_true", help="time the questions again by exact dense search")
    parser.add_argument("--legs", action="store_true", help="time each step of a hybrid search apart, p50 and p95")
    kept = parser.add_mutually_exclusive_group()
    kept.add_argument("--keep", action="store_true", help="keep each size's store under --base (BASE/nSIZE)")
    kept.add_argument("--store", type=Path, help="time a store kept by --keep, opened afresh, instead of building")
    args = parser.parse_args()
    if args.store and not (args.store / "chroma").is_dir():
        parser.error(f"{args.store} holds no store of this benchmark; build one with --sizes N --keep")
    settings = Settings()
    model = resolve_model(settings.model, settings.models_dir)
    embedder = load_embedder(model, settings.embed_backend, settings.device, settings.batch_size)
    seed = seed_chunks(settings, embedder, args.seed)
    queries = seed[3][: args.queries]
    rows: list[dict[str, float]] = []
    columns = dict(COLUMNS)
    header = "| chunks | write s | BM25 build s | BM25 load s | hybrid p50 ms | p95 ms | RSS MB | Chroma MB | BM25 MB |"
    if args.also_candidates:
        columns |= {"other_p50_ms": 0, "other_p95_ms": 0}
        header += f" p50 ms, {args.also_candidates} candidates | p95 ms, {args.also_candidates} candidates |"
    if args.exact:
        columns |= {"exact_load_s": 1, "exact_p50_ms": 0, "exact_p95_ms": 0, "exact_rss_mb": 0}
        header += " exact search: load s | p50 ms | p95 ms | RSS MB |"
    if args.legs:
        columns |= {f"{leg}_{p}_ms": 0 for leg in LEGS for p in (50, 95)}
        header += "".join(f" {leg} p50 ms | p95 ms |" for leg in LEGS)
    options = (args.also_candidates, args.exact, args.legs)
    print(header)
    print("|---" * (len(columns) + 1) + "|")
    if args.store:
        row = timed(store_settings(args.store, settings.glossary_dir), embedder, queries, *options)
        print(table_row(f"{int(row['chunks']):,} (opened afresh)", row, columns), flush=True)
    else:
        for size in (int(s) for s in args.sizes.split(",")):
            built = store_settings(args.base / f"n{size}", settings.glossary_dir)
            rows.append(build(built, size, seed) | timed(built, embedder, queries, *options))
            if not args.keep:
                shutil.rmtree(built.data_dir, ignore_errors=True)
            print(table_row(f"{size:,}", rows[-1], columns), flush=True)
    if len(rows) >= 2:
        for size in (1_000_000, 10_000_000):
            print(table_row(f"{size:,} (projected)", {key: project(rows, key, size) for key in columns}, columns))
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; 2 cores")


if __name__ == "__main__":
    main()

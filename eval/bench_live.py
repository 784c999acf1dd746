"""Live archive benchmark: portals push ANT articles over POST /v1/articles while clients ask.

python -m eval.bench_live [--articles 1000] [--clients 10] [--idle-seconds 30] [--batch 10] [--base PATH]

Serves a copy of the news-dev archive (1,200 ANT articles, asked news-dev's questions; the eval
cache is reused when there), or of ``--base`` (asked its headlines), on loopback. Measures
/v1/ask latency with ``--clients`` clients idle, then again while the articles are pushed in
batches, each batch checked searchable in both retrieval legs before the next. Prints query
p50/p95/p99 idle and during ingest, ingest throughput and seconds-to-searchable.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import httpx

from assistant.local_llm import free_port
from assistant.settings import Settings
from eval.datasets import SHARED, news_dev
from eval.harness import corpus_collection, load_qa
from eval.metrics import percentile
from ingest.articles import Article, ArticleSource

ADMIN = "bench-admin"


def ant_articles(skip: set[str], n: int) -> list[dict]:
    """``n`` ANT 2018 articles not in the base archive, in file order."""
    with gzip.open(SHARED / "ant-news" / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        records = (json.loads(line) for line in lines if line.strip())
        return list(itertools.islice((r for r in records if r["id"] not in skip), n))


def serve(data_dir: Path, settings: Settings, collection: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "AKHBAR_DATA_DIR": str(data_dir),
        "AKHBAR_MODEL_CACHE": str(settings.models_dir),
        "AKHBAR_COLLECTION": collection,
        "AKHBAR_ADMIN_KEYS": ADMIN,
        "AKHBAR_RATE_LIMIT_PER_MINUTE": "1000000",
    }
    command = [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)]
    log = (data_dir / "server.log").open("w", encoding="utf-8")
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        try:
            urllib.request.urlopen(f"{url}/readyz", timeout=2)
            return server, url
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("akhbar serve did not start") from None
            time.sleep(1)


def ask_until(url: str, questions: list[str], clients: int, done: threading.Event, think: float) -> list[float]:
    """Latencies (s) of /v1/ask from ``clients`` clients, each asking in turn, ``think`` seconds
    apart, until ``done``."""
    latencies: list[float] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            for question in itertools.islice(itertools.cycle(questions), offset, None):
                if done.is_set():
                    return
                began = time.perf_counter()
                response = http.post("/v1/ask", json={"question": question})
                response.raise_for_status()
                with lock:
                    latencies.append(time.perf_counter() - began)
                done.wait(think)

    threads = [threading.Thread(target=client, args=(i * 7,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def searchable(http: httpx.Client, article: dict) -> bool:
    for mode in ("dense", "lexical"):
        body = {"question": article["title"], "k": 5, "mode": mode}
        if article["id"] not in {p["article_id"] for p in http.post("/v1/search", json=body).json()["passages"]}:
            return False
    return True


def push(url: str, articles: list[dict], batch: int) -> tuple[list[float], list[float]]:
    """Seconds per POST of ``batch`` articles, and from each POST's return to its first article
    being found by both legs."""
    posts, to_searchable = [], []
    with httpx.Client(base_url=url, timeout=600, headers={"Authorization": f"Bearer {ADMIN}"}) as http:
        for start in range(0, len(articles), batch):
            part = articles[start : start + batch]
            began = time.perf_counter()
            http.post("/v1/articles", json=part).raise_for_status()
            returned = time.perf_counter()
            posts.append(returned - began)
            while not searchable(http, part[0]) and time.perf_counter() - returned < 60:
                time.sleep(0.1)
            to_searchable.append(time.perf_counter() - returned)
    return posts, to_searchable


def summary(label: str, latencies: list[float]) -> str:
    p = [1000 * percentile(latencies, q) for q in (50, 95, 99)]
    return f"| {label} | {len(latencies)} | {p[0]:.0f} | {p[1]:.0f} | {p[2]:.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--idle-seconds", type=float, default=30)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--think-seconds", type=float, default=1.0, help="each client's pause between questions")
    parser.add_argument("--base", type=Path, help="the archive served (default: news-dev's articles)")
    args = parser.parse_args()

    settings = Settings()
    if args.base:
        corpus = [args.base]
        base_articles = [a for a in ArticleSource(corpus) if isinstance(a, Article)]
        questions = [a.headline for a in base_articles]
        base_ids = {a.id for a in base_articles}
    else:
        dev = news_dev()
        corpus = list(dev.corpus)
        questions = [item.question for item in load_qa(list(dev.qa))]
        base_ids = {json.loads(line)["id"] for line in dev.corpus[0].read_text(encoding="utf-8").splitlines() if line}
    collection = corpus_collection(corpus, settings.embed_backend, settings.sentence_vectors)
    articles = ant_articles(base_ids, args.articles)

    with tempfile.TemporaryDirectory(prefix="akhbar-live-") as folder:
        data_dir = Path(folder)
        if settings.chroma_dir.is_dir():  # the eval cache holds the news-dev archive already
            shutil.copytree(settings.chroma_dir, data_dir / "chroma")
        from assistant.service import Assistant

        archive = Assistant.from_settings(
            settings, data_dir=data_dir, model_cache=settings.models_dir, collection=collection
        )
        print(f"base archive: {archive.ingest(corpus).summary()}", flush=True)
        del archive
        server, url = serve(data_dir, settings, collection)
        try:
            with httpx.Client(base_url=url, timeout=120) as http:  # warm: every question once, caches filled
                for question in questions:
                    http.post("/v1/ask", json={"question": question}).raise_for_status()

            done = threading.Event()
            threading.Timer(args.idle_seconds, done.set).start()
            idle = ask_until(url, questions, args.clients, done, args.think_seconds)

            done = threading.Event()
            result: list[tuple[list[float], list[float]]] = []
            began = time.perf_counter()

            def pusher() -> None:
                try:
                    result.append(push(url, articles, args.batch))
                finally:
                    done.set()

            pushing = threading.Thread(target=pusher)
            pushing.start()
            live = ask_until(url, questions, args.clients, done, args.think_seconds)
            pushing.join()
            seconds = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=60)
            failures = [line for line in (data_dir / "server.log").read_text(encoding="utf-8").splitlines() if line]
            if failures:
                print("server log:\n" + "\n".join(failures[-30:]), file=sys.stderr)
    if not result:
        raise SystemExit("the push failed; see the server log above")
    posts, to_searchable = result[0]
    print(
        f"\n{args.clients} clients asking /v1/ask {args.think_seconds:g} s apart; "
        f"{len(articles)} ANT articles pushed in batches of {args.batch}\n"
    )
    print("| phase | queries | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|")
    print(summary("idle", idle))
    print(summary("during ingest", live))
    print(
        f"\np95 during ingest / idle: {percentile(live, 95) / percentile(idle, 95):.2f}x; "
        f"ingest {len(articles) / seconds:.2f} articles/s ({seconds:.0f} s); POST of {args.batch}: "
        f"p50 {percentile(posts, 50):.1f} s; searchable in both legs after the POST returned: "
        f"p50 {percentile(to_searchable, 50):.2f} s, max {max(to_searchable):.2f} s"
    )


if __name__ == "__main__":
    main()

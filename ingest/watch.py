"""A drop folder: article files are ingested as they appear or change."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from watchfiles import Change, watch

from ingest.articles import SUFFIXES


def watch_folders(
    folders: Sequence[Path],
    on_files: Callable[[list[Path]], object],
    stop: threading.Event | None = None,
    on_start: Callable[[], object] | None = None,
) -> None:
    """Call ``on_files`` with the article files added or changed under ``folders``, a batch per
    quiet moment (a file still being copied is read again when it changes), until ``stop`` is set
    or the process is interrupted. Removing a file removes nothing from the archive: drop folders
    are emptied once read; `akhbar delete` removes an article.

    ``on_start`` runs once the folders are watched, so a file dropped while it reads what the
    folders already hold is seen by one or the other, never by neither."""

    def wanted(change: Change, path: str) -> bool:
        return change != Change.deleted and path.endswith(SUFFIXES)

    started = False
    # yield_on_timeout: the first (possibly empty) batch proves the watches are in place.
    for changes in watch(
        *folders, watch_filter=wanted, stop_event=stop, raise_interrupt=False, rust_timeout=500, yield_on_timeout=True
    ):
        if not started and on_start is not None:
            on_start()
        started = True
        files = sorted({Path(path) for _, path in changes if Path(path).is_file()})
        if files:
            on_files(files)

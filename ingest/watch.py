"""A drop folder: article files are ingested as they appear or change."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from watchfiles import Change, watch

from ingest.articles import SUFFIXES


def watch_folders(
    folders: Sequence[Path], on_files: Callable[[list[Path]], object], stop: threading.Event | None = None
) -> None:
    """Call ``on_files`` with the article files added or changed under ``folders``, a batch per
    quiet moment (a file still being copied is read again when it changes), until ``stop`` is set
    or the process is interrupted. Removing a file removes nothing from the archive: drop folders
    are emptied once read; `akhbar delete` removes an article."""

    def wanted(change: Change, path: str) -> bool:
        return change != Change.deleted and path.endswith(SUFFIXES)

    for changes in watch(*folders, watch_filter=wanted, stop_event=stop, raise_interrupt=False):
        files = sorted({Path(path) for _, path in changes if Path(path).is_file()})
        if files:
            on_files(files)

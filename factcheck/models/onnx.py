"""ONNX Runtime backend for the embedder: ``FACTCHECK_EMBED_BACKEND=onnx`` or ``onnx-int8``
(the ``embed_backend`` setting, or the ``backend`` argument of ``embed.encode``).

The model's transformer is exported once to ONNX (``onnx-int8``: then quantised to int8,
dynamically) into the ``onnx_dir`` setting (``FACTCHECK_ONNX_DIR``, default
``~/.cache/factcheck/onnx``) and run by ONNX Runtime on the CPU with the model's own
tokenizer, mean pooling and L2 normalisation. ``onnx`` gives the torch vectors (cosine
1.000) about twice as fast on a CPU; ``onnx-int8`` is faster again but its vectors drift
(cosine about 0.96), so the cache keeps them under their own key (see :func:`key_suffix`).
sentence-transformers' own ONNX backend needs ``optimum``, which does not work with the
transformers version the project pins.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
import warnings
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from factcheck.config import load_settings
from factcheck.errors import ConfigError, ModelError
from factcheck.vocab import EMBED_BACKENDS

log = logging.getLogger(__name__)
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
DEFAULT_BACKEND = "onnx"
"""The embedder's backend unless one is named: torch's vectors (same cache key), faster on a
CPU; ``onnx-int8`` lost accuracy on CheckThat! 2B (docs/benchmarks.md, "Live debate")."""
_lock = threading.Lock()
_export_lock = threading.Lock()  # one export at a time in a process (files are written atomically)
_tokenize_lock = threading.Lock()  # a fast tokenizer refuses calls from two threads at once


def backend(name: str | None = None) -> str:
    """The embedding backend: ``name`` when given, else the ``embed_backend`` setting
    (``FACTCHECK_EMBED_BACKEND``), else :data:`DEFAULT_BACKEND`."""
    if name is None:
        return load_settings().embed_backend or DEFAULT_BACKEND
    value = name.strip().lower()
    if value not in EMBED_BACKENDS:
        raise ConfigError(
            f"embedding backend must be one of {', '.join(EMBED_BACKENDS)}; got {name!r}"
        )
    return value


def named() -> bool:
    """Whether the embedding backend was chosen (``FACTCHECK_EMBED_BACKEND``), not defaulted."""
    return load_settings().embed_backend is not None


def key_suffix(name: str | None = None) -> str:
    """What the cache appends to the model name: vectors that differ get their own key."""
    return "@onnx-int8" if backend(name or None) == "onnx-int8" else ""


def encode(
    model, name: str, texts: Sequence[str], *, batch_size: int = 64, quantized: bool = False
) -> np.ndarray:
    """L2-normalised float32 vectors from the ONNX graph of ``model`` (a SentenceTransformer)."""
    _check_pooling(model, name)
    session = _session(model, name, quantized)
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    out = np.zeros((len(texts), dimension(model)), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        with _tokenize_lock:
            feed = tokens_feed(
                session, model.tokenizer, [texts[i] for i in batch], model.max_seq_length
            )
        pooled = mean_pooled(session, feed)  # ONNX Runtime sessions run calls concurrently
        out[batch] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return out


def tokens_feed(session, tokenizer, texts: Sequence[str], max_tokens: int) -> dict[str, np.ndarray]:
    """The padded token tensors ``session`` takes, for ``texts`` (truncated to ``max_tokens``)."""
    tokens = tokenizer(
        list(texts), padding=True, truncation=True, max_length=max_tokens, return_tensors="np"
    )
    return {i.name: tokens[i.name].astype(np.int64) for i in session.get_inputs()}


def mean_pooled(session, feed: dict[str, np.ndarray]) -> np.ndarray:
    """Run ``session`` on ``feed``: its token states averaged over the real (unpadded) tokens."""
    hidden = session.run(None, feed)[0]
    mask = feed["attention_mask"][..., None].astype(np.float32)
    return (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)


def dimension(model) -> int:
    """The vector size (sentence-transformers 6 renamed the method; older ones lack the new name)."""
    method = (
        getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    )
    return int(method())


def _check_pooling(model, name: str) -> None:
    pooling = model[1] if len(model) > 1 else None
    mode = getattr(pooling, "pooling_mode", None)  # sentence-transformers 6; older: a flag
    if mode != "mean" and not getattr(pooling, "pooling_mode_mean_tokens", False):
        raise ModelError(
            f"the ONNX backend handles mean-pooling models only; {name!r} is not "
            "one: unset FACTCHECK_EMBED_BACKEND to use torch"
        )


def _session(model, name: str, quantized: bool):
    return session(_model_file(model, name, quantized))


@lru_cache(maxsize=4)
def _cached_session(path: str, threads: int | None = None):
    try:
        import onnxruntime as ort
    except ImportError as error:
        raise ModelError(
            f"the ONNX backend needs onnxruntime ({error}): pip install -r "
            "requirements.txt, or choose the torch backend"
        ) from None
    log.info("ONNX Runtime session for %s", path)
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    # idle worker threads sleep instead of spinning: they would take the CPU from whatever
    # runs next (torch, another session, the app)
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    except Exception as error:  # noqa: BLE001 - ONNX Runtime raises its own types; one message
        raise ModelError(
            f"ONNX Runtime cannot load {path} ({type(error).__name__}); delete the "
            "file to have it exported again"
        ) from None


def _model_file(model, name: str, quantized: bool) -> str:
    """The exported graph for ``name``, exported (and quantised) on first use."""
    stem = (
        re.sub(r"[^\w.-]+", "_", Path(name).name)
        + "-"
        + hashlib.sha256(name.encode()).hexdigest()[:8]
    )
    return graph_file(stem, lambda tmp: _export(model, tmp), quantized)


def graph_file(
    stem: str, export: Callable[[Path], None], quantized: bool, *, per_channel: bool = False
) -> str:
    """``onnx_dir`` (FACTCHECK_ONNX_DIR)/``stem``.onnx (or its int8 twin), written by ``export`` (and
    quantised) on first use; later calls find the file. ``per_channel`` quantises each output
    channel on its own scale (less drift; ``-int8pc`` file)."""
    folder = load_settings().onnx_dir
    fp32 = folder / f"{stem}.onnx"
    int8 = folder / f"{stem}-int8{'pc' if per_channel else ''}.onnx"
    target = int8 if quantized else fp32
    if target.exists():
        return str(target)
    try:
        with _export_lock:
            folder.mkdir(parents=True, exist_ok=True)
            if not fp32.exists():
                log.warning("exporting %s to ONNX, once for this machine: %s", stem, fp32)
                _write_atomically(fp32, export)
            if quantized and not int8.exists():
                log.warning("quantising %s to int8, once for this machine: %s", stem, int8)
                _write_atomically(int8, lambda tmp: _quantize(fp32, tmp, per_channel))
    except ImportError as error:
        raise ModelError(
            f"the ONNX backend needs onnxruntime and onnx ({error}): "
            "pip install -r requirements.txt, or choose the torch backend"
        ) from None
    except OSError as error:
        raise ModelError(
            f"cannot write the ONNX model to {folder}: {error.strerror}; set "
            "FACTCHECK_ONNX_DIR to a writable folder"
        ) from None
    return str(int8 if quantized else fp32)


def session(path: str, threads: int | None = None):
    """The ONNX Runtime session for a graph file (one per file, thread count and process);
    ``threads`` caps the threads one call uses (default: one per core)."""
    with _lock:
        return _cached_session(path, threads)


def _write_atomically(target: Path, write) -> None:
    handle, tmp = tempfile.mkstemp(dir=target.parent, suffix=".onnx.part")
    os.close(handle)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _export(model, path: Path) -> None:
    export_hidden(model[0].auto_model, model.tokenizer, path)


def export_hidden(transformer, tokenizer, path: Path) -> None:
    """Export a Hugging Face encoder to ONNX: token tensors in, ``last_hidden_state`` out."""
    import onnx  # noqa: F401 - torch's exporter needs it; fail early with a clear message
    import onnxruntime  # noqa: F401
    import torch

    class Hidden(torch.nn.Module):
        """Positional tensors in (named as the tokenizer names them), the last hidden state out."""

        def __init__(self, inner, names):
            super().__init__()
            self.inner, self.names = inner, names

        def forward(self, *tensors):
            return self.inner(**dict(zip(self.names, tensors))).last_hidden_state

    sample = tokenizer(["a sample sentence"], return_tensors="pt")
    names = [n for n in INPUTS if n in sample]
    wrapped = Hidden(transformer, names).to("cpu").eval()
    axes = {n: {0: "batch", 1: "tokens"} for n in (*names, "last_hidden_state")}
    log.info("exporting %s to ONNX at %s", type(transformer).__name__, path)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes on branches an encoder never takes
        torch.onnx.export(
            wrapped,
            tuple(sample[n].cpu() for n in names),
            str(path),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def _quantize(source: Path, path: Path, per_channel: bool = False) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    options = {"per_channel": True, "reduce_range": True} if per_channel else {}
    quantize_dynamic(str(source), str(path), weight_type=QuantType.QInt8, **options)

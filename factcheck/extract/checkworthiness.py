"""Check-worthiness scoring: how much a sentence reads like a checkable factual claim.

Public API (stable): ``load_scorer() -> Scorer``; ``Scorer.score(texts) -> np.ndarray`` of
floats in [0, 1], one per text, in order; ``Scorer.decision(texts)`` gives the log-odds.

Model: the bundled all-MiniLM-L6-v2 with its first TRUNK_LAYERS layers as they are and a
fine-tuned copy of the layers after them (the *branch*), mean-pooled into a linear head that
gives the check-worthiness log-odds. The branch is tuned with low-rank adapters (LoRA, rank
RANK, on every linear map of the copied layers, plus their layer norms); SOUP branches are
tuned from the same start, each with its own batch order, and averaged into one (a "model
soup": about what an ensemble gains, at the cost of one model). Only the adapters, the layer
norms and the head ship in ``data/checkworthiness.npz`` (float16 adapters, about 1.3 MB); the
base weights come from the bundled model package, and the adapters are merged into the copied
weights at load time.

Backends (the ``score_backend`` setting, ``FACTCHECK_SCORE_BACKEND``): ``torch`` runs those
modules; ``onnx`` runs them exported once to an ONNX graph (same scores, faster); ``onnx-int8``
(the default) runs that graph with its weights quantised to int8 per channel (faster still;
speeds and the effect on held-out figures are in docs/benchmarks.md). Graphs are cached in the ``onnx_dir``
setting (``FACTCHECK_ONNX_DIR``, default ``~/.cache/factcheck/onnx``) under the weights file's
hash.

Training (deterministic, seeded; about ten minutes on two idle CPU cores): the branches are
tuned for EPOCHS epochs on 85% of the training part of the fixed 80/20 split of ClaimBuster
sentences; the other 15% chooses the averaged branch's F1-best threshold (the head's bias is
moved so that 0.5 is that threshold). The held-out 20% is never seen. Rebuild the shipped
weights with ``python -m factcheck.research.train_scorer train`` (see that module).
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import re
import threading
import zipfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from factcheck.config import load_settings
from factcheck.errors import ConfigError, ModelError
from factcheck.vocab import SCORE_BACKENDS

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
WEIGHTS_FILE = "checkworthiness.npz"
FORMAT = 2
MAX_TOKENS = 256  # as the bundled sentence-transformers model truncates
EMBEDDING_LAYER = 6  # layers of the bundled model (its last gives the sentence embedding)
TRUNK_LAYERS = 2  # first layers used as they are; the ones after them are tuned
RANK = 8  # of the low-rank adapters
# the linear maps of a BERT layer that get an adapter: (path to the parent module, attribute)
ADAPTED = (
    ("attention.self", "query"),
    ("attention.self", "key"),
    ("attention.self", "value"),
    ("attention.output", "dense"),
    ("intermediate", "dense"),
    ("output", "dense"),
)
NORMS = ("attention.output.LayerNorm", "output.LayerNorm")
UNFINISHED_PENALTY = 6.0  # log-odds taken off text that does not end like a sentence
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")
DEFAULT_BACKEND = "onnx-int8"
# texts per encoder call. int8 quantises activations on the range of the whole call, so it
# scores one text per call: a sentence then gets the same score whatever it is batched with.
BATCH_SIZES = {"torch": 64, "onnx": 16, "onnx-int8": 1}
ONNX_WORKERS = max(1, min(os.cpu_count() or 1, 8))  # ONNX calls at once, one core each
REBUILD = "rebuild them with `python -m factcheck.research.train_scorer train`"
_lock = threading.Lock()


@lru_cache(maxsize=1)
def load_base():
    """Tokenizer and the bundled MiniLM with its original weights (loaded once, never changed)."""
    from factcheck.models.embed import bundled_model_path

    path = bundled_model_path()
    try:
        from transformers import AutoModel, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModel.from_pretrained(path)
    except Exception as error:  # noqa: BLE001 - one clear message
        raise ModelError(
            f"cannot load the bundled MiniLM from {path}: {type(error).__name__}: "
            f"{str(error).splitlines()[0][:200]}"
        ) from None
    for parameter in model.parameters():
        parameter.requires_grad = False
    return tokenizer, model.eval()


def additive_mask(mask):
    """(batch, tokens) 0/1 -> the (batch, 1, 1, tokens) additive mask BERT layers take."""
    import torch

    return (1.0 - mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min


def run_layers(layers, hidden, mask4, **extra):
    """Token states through ``layers`` (``extra``: what else a layer takes, such as MPNet's
    ``position_bias``)."""
    for layer in layers:
        hidden = layer(hidden, attention_mask=mask4, **extra)
        if isinstance(hidden, tuple):
            hidden = hidden[0]
    return hidden


def mean_pool(hidden, mask):
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)


def embed_tokens(tokenizer, base, texts: list[str], max_tokens: int):
    """Token states after the embedding layer and the 0/1 attention mask."""
    encoded = tokenizer(
        texts, padding=True, truncation=True, max_length=max_tokens, return_tensors="pt"
    )
    hidden = base.embeddings(
        input_ids=encoded["input_ids"], token_type_ids=encoded.get("token_type_ids")
    )
    return hidden, encoded["attention_mask"]


@dataclass
class Scorer:
    """Untuned trunk + tuned branch + linear head; ``score`` gives calibrated probabilities.

    ``backend`` says what runs the encoder: torch (the modules below), or the same layers
    exported to ONNX (``onnx``; ``onnx-int8``: weights quantised per channel) in ``session``.
    """

    # Any: torch, transformers and ONNX Runtime are imported only when a scorer is loaded.
    tokenizer: Any
    base: Any  # the bundled MiniLM, original weights (never changed)
    trunk: int  # number of frozen layers before the branch
    branch: Any  # torch ModuleList: tuned copies of the layers after the trunk
    head_weight: Any  # torch tensor (hidden,)
    head_bias: float
    max_tokens: int = MAX_TOKENS
    backend: str = "torch"
    session: Any = None  # ONNX Runtime session: trunk + branch, token states out

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Log-odds, one per text (0 = the 0.5 operating point)."""
        texts = list(texts)
        order = np.argsort([len(text) for text in texts], kind="stable")
        size = BATCH_SIZES[self.backend]
        batches = [order[start : start + size] for start in range(0, len(order), size)]
        if self.session is None:
            pooled = [self._pooled_torch([texts[i] for i in rows]) for rows in batches]
        else:  # tokenised here (the tokenizer is not thread-safe), run by one thread per core
            from factcheck.models.onnx import mean_pooled, tokens_feed

            feeds = [
                tokens_feed(self.session, self.tokenizer, [texts[i] for i in rows], self.max_tokens)
                for rows in batches
            ]
            with ThreadPoolExecutor(max_workers=ONNX_WORKERS) as pool:
                pooled = list(pool.map(lambda feed: mean_pooled(self.session, feed), feeds))
        logits = np.zeros(len(texts), dtype=np.float32)
        head = self.head_weight.numpy()
        for rows, vectors in zip(batches, pooled):
            logits[rows] = vectors @ head + self.head_bias
        return logits - UNFINISHED_PENALTY * unfinished(texts)

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Probability that each text is a check-worthy factual claim, in input order."""
        return _sigmoid(self.decision(texts))

    def _pooled_torch(self, batch: list[str]) -> np.ndarray:
        import torch

        with torch.inference_mode():
            hidden, mask = embed_tokens(self.tokenizer, self.base, batch, self.max_tokens)
            layers = [*self.base.encoder.layer[: self.trunk], *self.branch]
            return mean_pool(run_layers(layers, hidden, additive_mask(mask)), mask).numpy()


def unfinished(texts: Sequence[str]) -> np.ndarray:
    """1.0 for text that does not end like a sentence (a heading, a cut-off fragment): in the
    debate data such text is rarely check-worthy (9% against 28%), and headings are not
    claims to check; it loses UNFINISHED_PENALTY log-odds."""
    return np.array([_SENTENCE_END.search(text) is None for text in texts], dtype=np.float32)


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))).astype(np.float32)


def backend() -> str:
    """What runs the scorer: the ``score_backend`` setting (``FACTCHECK_SCORE_BACKEND``),
    else DEFAULT_BACKEND."""
    return load_settings().score_backend or DEFAULT_BACKEND


def load_scorer(path: str | Path | None = None, *, backend_name: str | None = None) -> Scorer:
    """The scorer from the shipped weights (or ``path``), loaded once per process and backend."""
    weights = Path(path) if path else DATA_DIR / WEIGHTS_FILE
    named = backend_name or load_settings().score_backend
    chosen = named or DEFAULT_BACKEND
    if chosen not in SCORE_BACKENDS:
        raise ConfigError(
            f"unknown scorer backend {chosen!r}; choose one of {', '.join(SCORE_BACKENDS)}"
        )
    chosen_by_user = named is not None
    with _lock:
        return _cached_scorer(str(weights.resolve()), chosen, fall_back=not chosen_by_user)


@lru_cache(maxsize=8)
def _cached_scorer(path: str, backend_name: str = "torch", fall_back: bool = False) -> Scorer:
    """The scorer on ``backend_name``. With ``fall_back`` (the default backend, not one the
    user named), an ONNX graph that cannot be made (say, no writable cache folder) leaves the
    scorer on torch: the same scores, slower."""
    scorer = scorer_from(read_weights(Path(path)), path)
    if backend_name == "torch":
        return scorer
    try:
        session = _onnx_session(scorer, Path(path), quantized=backend_name == "onnx-int8")
    except ModelError as error:
        if not fall_back:
            raise
        log.warning("check-worthiness scorer on torch instead of %s: %s", backend_name, error)
        return scorer
    scorer.backend, scorer.session = backend_name, session
    return scorer


def _onnx_session(scorer: Scorer, path: Path, quantized: bool):
    """The scorer's layers (trunk + branch) as an ONNX graph, exported once per weights file."""
    from factcheck.models import onnx as embed_onnx

    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]

    def export(target: Path) -> None:
        encoder = copy.deepcopy(scorer.base)  # a copy: the exporter must not touch shared modules
        for index, layer in enumerate(copy.deepcopy(scorer.branch)):
            encoder.encoder.layer[scorer.trunk + index] = layer
        embed_onnx.export_hidden(encoder, scorer.tokenizer, target)

    graph = embed_onnx.graph_file(f"checkworthiness-{digest}", export, quantized, per_channel=True)
    return embed_onnx.session(graph, threads=1)


def scorer_from(weights: dict, path: str) -> Scorer:
    """A Scorer from the arrays of a weights file: the adapters merged into copied layers."""
    import torch

    tokenizer, base = load_base()
    trunk, depth = int(weights["trunk_layers"]), int(weights["branch_layers"])
    branch = copy.deepcopy(base.encoder.layer[trunk : trunk + depth])
    with torch.no_grad():
        for index, layer in enumerate(branch):
            for parent, name in ADAPTED:
                linear = getattr(layer.get_submodule(parent), name)
                up = torch.from_numpy(
                    weights[f"layer{index}.{parent}.{name}.up"].astype(np.float32)
                )
                down = torch.from_numpy(
                    weights[f"layer{index}.{parent}.{name}.down"].astype(np.float32)
                )
                if (up.shape[0], down.shape[1]) != tuple(linear.weight.shape) or up.shape[
                    1
                ] != down.shape[0]:
                    raise ModelError(
                        f"check-worthiness weights in {path} do not fit the bundled "
                        f"encoder ({parent}.{name}); {REBUILD}"
                    )
                linear.weight += up @ down
            for norm in NORMS:
                module = layer.get_submodule(norm)
                for kind in ("weight", "bias"):
                    value = weights[f"layer{index}.{norm}.{kind}"]
                    if value.shape != tuple(getattr(module, kind).shape):
                        raise ModelError(
                            f"check-worthiness weights in {path} do not fit the "
                            f"bundled encoder ({norm}); {REBUILD}"
                        )
                    getattr(module, kind).copy_(torch.from_numpy(value.astype(np.float32)))
    head = weights["head_weight"]
    if head.shape != (base.config.hidden_size,):
        raise ModelError(
            f"check-worthiness weights in {path} have a head of {head.shape[0]} "
            f"features, the encoder gives {base.config.hidden_size}; {REBUILD}"
        )
    return Scorer(
        tokenizer,
        base,
        trunk,
        branch.eval(),
        torch.from_numpy(head.astype(np.float32)),
        float(weights["head_bias"]),
        int(weights["max_tokens"]),
    )


def read_weights(path: Path) -> dict:
    """The arrays of a weights file (ints for the settings); ModelError when unusable."""
    if not path.is_file():
        raise ModelError(f"check-worthiness weights not found at {path}; {REBUILD}")
    try:
        with np.load(path, allow_pickle=False) as data:
            weights: dict[str, Any] = {key: np.asarray(data[key]) for key in data.files}
        settings = {
            key: int(weights[key])
            for key in ("format", "trunk_layers", "branch_layers", "max_tokens")
        }
        head_bias = float(weights["head_bias"])
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError) as error:
        raise ModelError(
            f"check-worthiness weights at {path} are unreadable ({type(error).__name__}); {REBUILD}"
        ) from None
    weights.update(settings, head_bias=head_bias)
    if settings["format"] != FORMAT:
        raise ModelError(
            f"check-worthiness weights at {path} are format {settings['format']}, "
            f"this version reads {FORMAT}; {REBUILD}"
        )
    usable_layers = (
        settings["trunk_layers"] >= 0
        and settings["branch_layers"] >= 1
        and settings["trunk_layers"] + settings["branch_layers"] <= EMBEDDING_LAYER
    )
    expected = {
        f"layer{index}.{parent}.{name}.{part}"
        for index in range(max(settings["branch_layers"], 0) if usable_layers else 0)
        for parent, name in ADAPTED
        for part in ("up", "down")
    }
    arrays = [
        value for key, value in weights.items() if key.startswith("layer") or key == "head_weight"
    ]
    if (
        not usable_layers
        or settings["max_tokens"] < 8
        or not expected <= weights.keys()
        or "head_weight" not in weights
        or not np.isfinite(head_bias)
        or not all(np.all(np.isfinite(value.astype(np.float32))) for value in arrays)
    ):
        raise ModelError(f"check-worthiness weights at {path} are corrupt; {REBUILD}")
    return weights


def clear_cache() -> None:
    """Forget loaded scorers (after new weights are written)."""
    _cached_scorer.cache_clear()

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

Backends (``FACTCHECK_SCORE_BACKEND``): ``torch`` runs those modules; ``onnx`` runs them
exported once to an ONNX graph (same scores, faster); ``onnx-int8`` (the default) runs that
graph with its weights quantised to int8 per channel (about 3x torch's speed; the held-out
figures move by under 0.005). Graphs are cached in ``FACTCHECK_ONNX_DIR`` (default
``~/.cache/factcheck/onnx``) under the weights file's hash.

Training (deterministic, seeded; about ten minutes on two idle CPU cores): the branches are
tuned for EPOCHS epochs on 85% of the training part of the fixed 80/20 split of ClaimBuster
sentences; the other 15% chooses the averaged branch's F1-best threshold (the head's bias is
moved so that 0.5 is that threshold). The held-out 20% is never seen. Rebuild the shipped
weights with::

    python -m factcheck.extract.checkworthiness train --data ../shared/data/claimbuster/sentences-dev.csv

``bench/checkworthiness.py`` prints the held-out figures.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import math
import os
import re
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from factcheck.errors import ConfigError, InputError, ModelError

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
WEIGHTS_FILE = "checkworthiness.npz"
FORMAT = 2
REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "claimbuster" / "sentences-dev.csv"
MAX_TOKENS = 256  # as the bundled sentence-transformers model truncates
EMBEDDING_LAYER = 6  # layers of the bundled model (its last gives the sentence embedding)
TRUNK_LAYERS = 2  # first layers used as they are; the ones after them are tuned
RANK = 8  # of the low-rank adapters
LORA_ALPHA = 16.0
# the linear maps of a BERT layer that get an adapter: (path to the parent module, attribute)
ADAPTED = (("attention.self", "query"), ("attention.self", "key"), ("attention.self", "value"),
           ("attention.output", "dense"), ("intermediate", "dense"), ("output", "dense"))
NORMS = ("attention.output.LayerNorm", "output.LayerNorm")
UNFINISHED_PENALTY = 6.0  # log-odds taken off text that does not end like a sentence
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")
BATCH_SIZE = 64
SEED = 0
HOLDOUT = 0.2
DEV_FRACTION = 0.15  # of the training part, to choose the threshold
EPOCHS = 4
SOUP = 3  # tuned branches averaged into the shipped one
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 0.01
TRAIN_BATCH = 32
WARMUP = 0.06
BACKENDS = ("torch", "onnx", "onnx-int8")
DEFAULT_BACKEND = "onnx-int8"
# texts per encoder call. int8 quantises activations on the range of the whole call, so it
# scores one text per call: a sentence then gets the same score whatever it is batched with.
BATCH_SIZES = {"torch": 64, "onnx": 16, "onnx-int8": 1}
ONNX_WORKERS = max(1, min(os.cpu_count() or 1, 8))  # ONNX calls at once, one core each
REBUILD = "rebuild them with `python -m factcheck.extract.checkworthiness train`"
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _load_base():
    """Tokenizer and the bundled MiniLM with its original weights (loaded once, never changed)."""
    from factcheck.models.embed import bundled_model_path

    path = bundled_model_path()
    try:
        from transformers import AutoModel, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModel.from_pretrained(path)
    except Exception as error:  # noqa: BLE001 - one clear message
        raise ModelError(f"cannot load the bundled MiniLM from {path}: {type(error).__name__}: "
                         f"{str(error).splitlines()[0][:200]}") from None
    for parameter in model.parameters():
        parameter.requires_grad = False
    return tokenizer, model.eval()


def _additive_mask(mask):
    """(batch, tokens) 0/1 -> the (batch, 1, 1, tokens) additive mask BERT layers take."""
    import torch

    return (1.0 - mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min


def _run_layers(layers, hidden, mask4, **extra):
    """Token states through ``layers`` (``extra``: what else a layer takes, such as MPNet's
    ``position_bias``)."""
    for layer in layers:
        hidden = layer(hidden, attention_mask=mask4, **extra)
        if isinstance(hidden, tuple):
            hidden = hidden[0]
    return hidden


def _mean_pool(hidden, mask):
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)


def _embed_tokens(tokenizer, base, texts: list[str], max_tokens: int):
    """Token states after the embedding layer and the 0/1 attention mask."""
    encoded = tokenizer(texts, padding=True, truncation=True, max_length=max_tokens,
                        return_tensors="pt")
    hidden = base.embeddings(input_ids=encoded["input_ids"],
                             token_type_ids=encoded.get("token_type_ids"))
    return hidden, encoded["attention_mask"]


@dataclass
class Scorer:
    """Untuned trunk + tuned branch + linear head; ``score`` gives calibrated probabilities.

    ``backend`` says what runs the encoder: torch (the modules below), or the same layers
    exported to ONNX (``onnx``; ``onnx-int8``: weights quantised per channel) in ``session``.
    """

    tokenizer: object
    base: object  # the bundled MiniLM, original weights (never changed)
    trunk: int  # number of frozen layers before the branch
    branch: object  # torch ModuleList: tuned copies of the layers after the trunk
    head_weight: object  # torch tensor (hidden,)
    head_bias: float
    max_tokens: int = MAX_TOKENS
    backend: str = "torch"
    session: object = None  # ONNX Runtime session: trunk + branch, token states out

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Log-odds, one per text (0 = the 0.5 operating point)."""
        texts = list(texts)
        order = np.argsort([len(text) for text in texts], kind="stable")
        size = BATCH_SIZES[self.backend]
        batches = [order[start:start + size] for start in range(0, len(order), size)]
        if self.session is None:
            pooled = [self._pooled_torch([texts[i] for i in rows]) for rows in batches]
        else:  # tokenised here (the tokenizer is not thread-safe), run by one thread per core
            from factcheck.models.onnx import mean_pooled, tokens_feed

            feeds = [tokens_feed(self.session, self.tokenizer, [texts[i] for i in rows],
                                 self.max_tokens) for rows in batches]
            with ThreadPoolExecutor(max_workers=ONNX_WORKERS) as pool:
                pooled = list(pool.map(lambda feed: mean_pooled(self.session, feed), feeds))
        logits = np.zeros(len(texts), dtype=np.float32)
        head = self.head_weight.numpy()
        for rows, vectors in zip(batches, pooled):
            logits[rows] = vectors @ head + self.head_bias
        return logits - UNFINISHED_PENALTY * _unfinished(texts)

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Probability that each text is a check-worthy factual claim, in input order."""
        return _sigmoid(self.decision(texts))

    def _pooled_torch(self, batch: list[str]) -> np.ndarray:
        import torch

        with torch.inference_mode():
            hidden, mask = _embed_tokens(self.tokenizer, self.base, batch, self.max_tokens)
            layers = [*self.base.encoder.layer[:self.trunk], *self.branch]
            return _mean_pool(_run_layers(layers, hidden, _additive_mask(mask)), mask).numpy()


def _unfinished(texts: Sequence[str]) -> np.ndarray:
    """1.0 for text that does not end like a sentence (a heading, a cut-off fragment): in the
    debate data such text is rarely check-worthy (9% against 28%), and headings are not
    claims to check; it loses UNFINISHED_PENALTY log-odds."""
    return np.array([_SENTENCE_END.search(text) is None for text in texts], dtype=np.float32)


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))).astype(np.float32)


def backend() -> str:
    """What runs the scorer: ``FACTCHECK_SCORE_BACKEND``, else DEFAULT_BACKEND."""
    value = (os.environ.get("FACTCHECK_SCORE_BACKEND") or DEFAULT_BACKEND).strip().lower()
    if value not in BACKENDS:
        raise ConfigError(f"FACTCHECK_SCORE_BACKEND must be one of {', '.join(BACKENDS)}; "
                          f"got {value!r}")
    return value


def load_scorer(path: str | Path | None = None, *, backend_name: str | None = None) -> Scorer:
    """The scorer from the shipped weights (or ``path``), loaded once per process and backend."""
    weights = Path(path) if path else DATA_DIR / WEIGHTS_FILE
    chosen = backend_name or backend()
    if chosen not in BACKENDS:
        raise ConfigError(f"unknown scorer backend {chosen!r}; choose one of {', '.join(BACKENDS)}")
    chosen_by_user = bool(backend_name or os.environ.get("FACTCHECK_SCORE_BACKEND"))
    with _lock:
        return _cached_scorer(str(weights.resolve()), chosen, fall_back=not chosen_by_user)


@lru_cache(maxsize=8)
def _cached_scorer(path: str, backend_name: str = "torch", fall_back: bool = False) -> Scorer:
    """The scorer on ``backend_name``. With ``fall_back`` (the default backend, not one the
    user named), an ONNX graph that cannot be made (say, no writable cache folder) leaves the
    scorer on torch: the same scores, slower."""
    scorer = _scorer_from(read_weights(Path(path)), path)
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


def _scorer_from(weights: dict, path: str) -> Scorer:
    """A Scorer from the arrays of a weights file: the adapters merged into copied layers."""
    import torch

    tokenizer, base = _load_base()
    trunk, depth = int(weights["trunk_layers"]), int(weights["branch_layers"])
    branch = copy.deepcopy(base.encoder.layer[trunk:trunk + depth])
    with torch.no_grad():
        for index, layer in enumerate(branch):
            for parent, name in ADAPTED:
                linear = getattr(layer.get_submodule(parent), name)
                up = torch.from_numpy(weights[f"layer{index}.{parent}.{name}.up"].astype(np.float32))
                down = torch.from_numpy(weights[f"layer{index}.{parent}.{name}.down"].astype(np.float32))
                if (up.shape[0], down.shape[1]) != tuple(linear.weight.shape) or up.shape[1] != down.shape[0]:
                    raise ModelError(f"check-worthiness weights in {path} do not fit the bundled "
                                     f"encoder ({parent}.{name}); {REBUILD}")
                linear.weight += up @ down
            for norm in NORMS:
                module = layer.get_submodule(norm)
                for kind in ("weight", "bias"):
                    value = weights[f"layer{index}.{norm}.{kind}"]
                    if value.shape != tuple(getattr(module, kind).shape):
                        raise ModelError(f"check-worthiness weights in {path} do not fit the "
                                         f"bundled encoder ({norm}); {REBUILD}")
                    getattr(module, kind).copy_(torch.from_numpy(value.astype(np.float32)))
    head = weights["head_weight"]
    if head.shape != (base.config.hidden_size,):
        raise ModelError(f"check-worthiness weights in {path} have a head of {head.shape[0]} "
                         f"features, the encoder gives {base.config.hidden_size}; {REBUILD}")
    return Scorer(tokenizer, base, trunk, branch.eval(), torch.from_numpy(head.astype(np.float32)),
                  float(weights["head_bias"]), int(weights["max_tokens"]))


def read_weights(path: Path) -> dict:
    """The arrays of a weights file (ints for the settings); ModelError when unusable."""
    if not path.is_file():
        raise ModelError(f"check-worthiness weights not found at {path}; {REBUILD}")
    try:
        with np.load(path, allow_pickle=False) as data:
            weights = {key: np.asarray(data[key]) for key in data.files}
        settings = {key: int(weights[key]) for key in
                    ("format", "trunk_layers", "branch_layers", "max_tokens")}
        head_bias = float(weights["head_bias"])
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError) as error:
        raise ModelError(f"check-worthiness weights at {path} are unreadable "
                         f"({type(error).__name__}); {REBUILD}") from None
    weights.update(settings, head_bias=head_bias)
    if settings["format"] != FORMAT:
        raise ModelError(f"check-worthiness weights at {path} are format {settings['format']}, "
                         f"this version reads {FORMAT}; {REBUILD}")
    usable_layers = 0 <= settings["trunk_layers"] and 1 <= settings["branch_layers"] \
        and settings["trunk_layers"] + settings["branch_layers"] <= EMBEDDING_LAYER
    expected = {f"layer{index}.{parent}.{name}.{part}"
                for index in range(max(settings["branch_layers"], 0) if usable_layers else 0)
                for parent, name in ADAPTED for part in ("up", "down")}
    arrays = [value for key, value in weights.items() if key.startswith("layer") or key == "head_weight"]
    if not usable_layers or settings["max_tokens"] < 8 or not expected <= weights.keys() \
            or "head_weight" not in weights or not np.isfinite(head_bias) \
            or not all(np.all(np.isfinite(value.astype(np.float32))) for value in arrays):
        raise ModelError(f"check-worthiness weights at {path} are corrupt; {REBUILD}")
    return weights


# ---------------------------------------------------------------- training


def read_labelled(csv_path: str | Path) -> tuple[list[str], np.ndarray]:
    """Texts and 0/1 labels from a ``sentence_id,label,text`` CSV (ClaimBuster layout)."""
    import pandas as pd

    path = Path(csv_path)
    if not path.is_file():
        raise InputError(f"training data not found at {path}; give a ClaimBuster-style CSV "
                         "with columns label,text (--data PATH)")
    try:
        frame = pd.read_csv(path)
    except Exception as error:  # noqa: BLE001 - one clear message
        raise InputError(f"cannot read {path} as CSV: {type(error).__name__}") from None
    missing = {"label", "text"} - set(frame.columns)
    if missing:
        raise InputError(f"{path} lacks column(s) {', '.join(sorted(missing))}; "
                         "expected sentence_id,label,text")
    frame = frame.dropna(subset=["label", "text"])
    if not frame["label"].isin([0, 1]).all():
        raise InputError(f"{path}: labels must be 0 or 1")
    labels = frame["label"].to_numpy(dtype=np.int64)
    if len(set(labels)) < 2 or min(np.bincount(labels)) < 10:
        raise InputError(f"{path}: need at least 10 sentences of each label to train")
    return frame["text"].astype(str).tolist(), labels


def split_indices(labels: np.ndarray, holdout: float = HOLDOUT) -> tuple[np.ndarray, np.ndarray]:
    """The fixed stratified (train, held-out) split every tool and benchmark uses."""
    from sklearn.model_selection import train_test_split

    indices = np.arange(len(labels))
    return train_test_split(indices, test_size=holdout, stratify=labels, random_state=SEED)


def best_f1_logit(logits: np.ndarray, labels: np.ndarray) -> float:
    """The log-odds threshold that maximises F1."""
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(labels, logits)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return float(thresholds[int(np.argmax(f1[:-1]))])


def _low_rank_class():
    import torch

    class LowRank(torch.nn.Module):
        """A frozen linear map plus a trainable low-rank update (LoRA): W + scale * up @ down."""

        def __init__(self, linear, rank: int):
            super().__init__()
            self.linear = linear
            self.down = torch.nn.Parameter(torch.randn(rank, linear.in_features) / math.sqrt(linear.in_features))
            self.up = torch.nn.Parameter(torch.zeros(linear.out_features, rank))
            self.scale = LORA_ALPHA / rank

        def forward(self, x):
            return self.linear(x) + (x @ self.down.T @ self.up.T) * self.scale

    return LowRank


class _Branch:
    """Training-time branch: adapted copies of the layers after the trunk, and the head."""

    def __init__(self, base, trunk: int, rank: int):
        import torch

        low_rank = _low_rank_class()
        self.layers = copy.deepcopy(base.encoder.layer[trunk:])
        for layer in self.layers:
            for parent, name in ADAPTED:
                module = layer.get_submodule(parent)
                setattr(module, name, low_rank(getattr(module, name), rank))
            for norm in NORMS:
                for parameter in layer.get_submodule(norm).parameters():
                    parameter.requires_grad = True
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(base.config.hidden_size, 1)
        self.modules = torch.nn.ModuleList([self.layers, self.dropout, self.head])

    def parameters(self):
        return [p for p in self.modules.parameters() if p.requires_grad]

    def __call__(self, hidden, mask):
        pooled = _mean_pool(_run_layers(self.layers, hidden, _additive_mask(mask)), mask)
        return self.head(self.dropout(pooled)).squeeze(-1)

    def weights(self) -> dict[str, np.ndarray]:
        """What ships: adapters as float16 (up pre-scaled), norms and head as float32."""
        arrays: dict[str, np.ndarray] = {}
        for index, layer in enumerate(self.layers):
            for parent, name in ADAPTED:
                module = getattr(layer.get_submodule(parent), name)
                key = f"layer{index}.{parent}.{name}"
                arrays[key + ".up"] = (module.up.detach() * module.scale).numpy().astype(np.float16)
                arrays[key + ".down"] = module.down.detach().numpy().astype(np.float16)
            for norm in NORMS:
                module = layer.get_submodule(norm)
                arrays[f"layer{index}.{norm}.weight"] = module.weight.detach().numpy().astype(np.float32)
                arrays[f"layer{index}.{norm}.bias"] = module.bias.detach().numpy().astype(np.float32)
        arrays["head_weight"] = self.head.weight.detach()[0].numpy().astype(np.float32)
        return arrays


def _trunk_states(texts: list[str], trunk: int) -> list:
    """Each text's token states after the frozen trunk (unpadded tensors)."""
    import torch

    tokenizer, base = _load_base()
    states: list = [None] * len(texts)
    order = np.argsort([len(text) for text in texts], kind="stable")
    with torch.inference_mode():
        for start in range(0, len(order), BATCH_SIZE):
            rows = order[start:start + BATCH_SIZE]
            hidden, mask = _embed_tokens(tokenizer, base, [texts[i] for i in rows], MAX_TOKENS)
            hidden = _run_layers(base.encoder.layer[:trunk], hidden, _additive_mask(mask))
            for position, row in enumerate(rows):
                states[row] = hidden[position, :int(mask[position].sum())].clone()
    return states


def _pad(states: list, rows: np.ndarray):
    import torch

    longest = max(states[i].shape[0] for i in rows)
    hidden = torch.zeros(len(rows), longest, states[rows[0]].shape[1])
    mask = torch.zeros(len(rows), longest, dtype=torch.long)
    for position, row in enumerate(rows):
        hidden[position, :states[row].shape[0]] = states[row]
        mask[position, :states[row].shape[0]] = 1
    return hidden, mask


def warmup_then_decay(optimiser, total: int):
    """The learning-rate schedule of the tuning: linear warm-up over WARMUP of ``total`` steps,
    then linear decay to zero."""
    import torch

    return torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: min(
        1.0, step / (WARMUP * total)) * max(0.0, (total - step) / (total * (1 - WARMUP))))


def length_batches(states: list, rows: np.ndarray, random: np.random.RandomState) -> list:
    """One epoch's batches of ``rows``: shuffled, then similar token counts together (less
    padding) within runs of 50 batches, the batches in random order."""
    shuffled = random.permutation(rows)
    batches = []
    for start in range(0, len(shuffled), TRAIN_BATCH * 50):
        chunk = shuffled[start:start + TRAIN_BATCH * 50]
        chunk = chunk[np.argsort([states[i].shape[0] for i in chunk], kind="stable")]
        batches += [chunk[i:i + TRAIN_BATCH] for i in range(0, len(chunk), TRAIN_BATCH)]
    return [batches[index] for index in random.permutation(len(batches))]


def _fit_branch(states: list, labels: np.ndarray, rows: np.ndarray, epochs: int,
                order_seed: int = SEED) -> _Branch:
    """Tune adapters, norms and head on ``rows`` (length-bucketed batches). Every branch starts
    from the same seeded initialisation; ``order_seed`` sets the batch order and dropout."""
    import torch

    torch.manual_seed(SEED)
    _, base = _load_base()
    branch = _Branch(base, TRUNK_LAYERS, RANK)
    torch.manual_seed(order_seed)
    optimiser = torch.optim.AdamW(branch.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    schedule = warmup_then_decay(optimiser, max(1, math.ceil(len(rows) / TRAIN_BATCH) * epochs))
    loss_function = torch.nn.BCEWithLogitsLoss()
    targets = torch.tensor(labels, dtype=torch.float32)
    random = np.random.RandomState(order_seed)
    branch.modules.train()
    for epoch in range(epochs):
        for batch in length_batches(states, rows, random):
            hidden, mask = _pad(states, batch)
            loss = loss_function(branch(hidden, mask), targets[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        log.info("epoch %d/%d done", epoch + 1, epochs)
    branch.modules.eval()
    return branch


def _soup_weights(branches: list[_Branch]) -> dict[str, np.ndarray]:
    """One branch whose weights are the mean of the members' (a uniform "model soup").

    Each member's merged map is W + up_k @ down_k, so their mean is W + U @ D with U the
    members' ``up`` side by side (each divided by the count) and D their ``down`` stacked:
    still the adapter layout the loader merges, of rank RANK x members. Norms and head are
    averaged.
    """
    members = [branch.weights() for branch in branches]
    count = len(members)
    soup: dict[str, np.ndarray] = {}
    for key in members[0]:
        if key.endswith(".up"):
            parts = [m[key].astype(np.float32) / count for m in members]
            soup[key] = np.concatenate(parts, axis=1).astype(np.float16)
        elif key.endswith(".down"):
            soup[key] = np.concatenate([m[key] for m in members], axis=0)
        else:
            soup[key] = np.mean([m[key] for m in members], axis=0).astype(np.float32)
    soup["head_bias"] = np.float32(np.mean([float(b.head.bias.detach()[0]) for b in branches]))
    return soup


def train(csv_path: str | Path = DEFAULT_DATA, out_dir: str | Path = DATA_DIR, *,
          limit: int | None = None, epochs: int = EPOCHS, soup: int = SOUP) -> Path:
    """Tune ``soup`` branches on the training part of the fixed split, average them into one
    and write ``out_dir``/weights.

    The branches are fitted on (1 - DEV_FRACTION) of the training part, each with its own
    batch order; the rest chooses the averaged branch's F1-best threshold, folded into the
    head's bias. ``limit`` keeps a stratified subsample of the training part (for quick
    checks). Deterministic.
    """
    from sklearn.model_selection import train_test_split

    if limit is not None and limit < 40:
        raise InputError(f"--limit must be at least 40 sentences, got {limit}")
    if epochs < 1:
        raise InputError(f"--epochs must be at least 1, got {epochs}")
    if soup < 1:
        raise InputError(f"--soup must be at least 1, got {soup}")
    texts, labels = read_labelled(csv_path)
    train_rows, _ = split_indices(labels)
    if limit is not None and limit < len(train_rows):
        train_rows, _ = train_test_split(train_rows, train_size=limit,
                                         stratify=labels[train_rows], random_state=SEED)
    fit_rows, dev_rows = train_test_split(train_rows, test_size=DEV_FRACTION,
                                          stratify=labels[train_rows], random_state=SEED)
    states: list = [None] * len(texts)
    for row, state in zip(fit_rows, _trunk_states([texts[i] for i in fit_rows], TRUNK_LAYERS)):
        states[row] = state
    branches = []
    for member in range(soup):
        log.info("branch %d/%d", member + 1, soup)
        branches.append(_fit_branch(states, labels, np.asarray(fit_rows), epochs, order_seed=SEED + member))
    weights = {**_soup_weights(branches), "format": np.int64(FORMAT),
               "trunk_layers": np.int64(TRUNK_LAYERS),
               "branch_layers": np.int64(EMBEDDING_LAYER - TRUNK_LAYERS),
               "rank": np.int64(RANK * soup), "soup": np.int64(soup),
               "max_tokens": np.int64(MAX_TOKENS), "trained_on": np.int64(len(fit_rows)),
               "threshold_on": np.int64(len(dev_rows))}
    averaged = _scorer_from(weights, "the averaged branch")
    threshold = best_f1_logit(averaged.decision([texts[i] for i in dev_rows]), labels[dev_rows])
    weights["head_bias"] = np.float32(float(weights["head_bias"]) - threshold)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / WEIGHTS_FILE
    np.savez_compressed(target, **weights)
    _cached_scorer.cache_clear()
    log.info("wrote %s (%d branches averaged, %d training sentences, threshold from %d)",
             target, soup, len(fit_rows), len(dev_rows))
    return target


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m factcheck.extract.checkworthiness train [--data PATH] [--out DIR] [--limit N] [--epochs N] [--soup N]``."""
    import sys

    import click

    from factcheck.errors import FactcheckError

    @click.group()
    def cli() -> None:
        """Check-worthiness model tools."""

    @cli.command("train")
    @click.option("--data", "data", type=click.Path(dir_okay=False), default=str(DEFAULT_DATA),
                  show_default=True, help="ClaimBuster-style CSV: sentence_id,label,text.")
    @click.option("--out", "out", type=click.Path(file_okay=False), default=str(DATA_DIR),
                  show_default=True, help="Folder for checkworthiness.npz.")
    @click.option("--limit", type=int, default=None, help="Train on a stratified subsample.")
    @click.option("--epochs", type=int, default=EPOCHS, show_default=True, help="Passes over the data.")
    @click.option("--soup", type=int, default=SOUP, show_default=True,
                  help="Branches tuned (each with its own batch order) and averaged into one.")
    def train_command(data: str, out: str, limit: int | None, epochs: int, soup: int) -> None:
        """Rebuild the weights from the training part of the fixed 80/20 split."""
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        try:
            click.echo(f"wrote {train(data, out, limit=limit, epochs=epochs, soup=soup)}")
        except FactcheckError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)

    cli.main(args=list(argv) if argv is not None else None, prog_name="python -m factcheck.extract.checkworthiness")


if __name__ == "__main__":
    main()

"""Training of the check-worthiness scorer (:mod:`factcheck.extract.checkworthiness`).

Deterministic and seeded; about ten minutes on two idle CPU cores. SOUP branches of low-rank
adapters are tuned for EPOCHS epochs on 85% of the training part of the fixed 80/20 split of
ClaimBuster sentences, each with its own batch order, and averaged into one; the other 15%
chooses the averaged branch's F1-best threshold (the head's bias is moved so that 0.5 is that
threshold). The held-out 20% is never seen. Rebuild the shipped weights with::

    python -m factcheck.research.train_scorer train --data ../shared/data/claimbuster/sentences-dev.csv

``bench/checkworthiness.py`` prints the held-out figures. Nothing at run time imports this.
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from factcheck.errors import InputError
from factcheck.extract import checkworthiness as cw

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "claimbuster" / "sentences-dev.csv"
LORA_ALPHA = 16.0
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


def read_labelled(csv_path: str | Path) -> tuple[list[str], np.ndarray]:
    """Texts and 0/1 labels from a ``sentence_id,label,text`` CSV (ClaimBuster layout)."""
    import pandas as pd

    path = Path(csv_path)
    if not path.is_file():
        raise InputError(
            f"training data not found at {path}; give a ClaimBuster-style CSV "
            "with columns label,text (--data PATH)"
        )
    try:
        frame = pd.read_csv(path)
    except Exception as error:  # noqa: BLE001 - one clear message
        raise InputError(f"cannot read {path} as CSV: {type(error).__name__}") from None
    missing = {"label", "text"} - set(frame.columns)
    if missing:
        raise InputError(
            f"{path} lacks column(s) {', '.join(sorted(missing))}; expected sentence_id,label,text"
        )
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


def low_rank_class():
    import torch

    class LowRank(torch.nn.Module):
        """A frozen linear map plus a trainable low-rank update (LoRA): W + scale * up @ down."""

        def __init__(self, linear, rank: int):
            super().__init__()
            self.linear = linear
            self.down = torch.nn.Parameter(
                torch.randn(rank, linear.in_features) / math.sqrt(linear.in_features)
            )
            self.up = torch.nn.Parameter(torch.zeros(linear.out_features, rank))
            self.scale = LORA_ALPHA / rank

        def forward(self, x):
            return self.linear(x) + (x @ self.down.T @ self.up.T) * self.scale

    return LowRank


class Branch:
    """Training-time branch: adapted copies of the layers after the trunk, and the head."""

    def __init__(self, base, trunk: int, rank: int):
        import torch

        low_rank = low_rank_class()
        self.layers = copy.deepcopy(base.encoder.layer[trunk:])
        for layer in self.layers:
            for parent, name in cw.ADAPTED:
                module = layer.get_submodule(parent)
                setattr(module, name, low_rank(getattr(module, name), rank))
            for norm in cw.NORMS:
                for parameter in layer.get_submodule(norm).parameters():
                    parameter.requires_grad = True
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(base.config.hidden_size, 1)
        self.modules = torch.nn.ModuleList([self.layers, self.dropout, self.head])

    def parameters(self):
        return [p for p in self.modules.parameters() if p.requires_grad]

    def __call__(self, hidden, mask):
        pooled = cw.mean_pool(cw.run_layers(self.layers, hidden, cw.additive_mask(mask)), mask)
        return self.head(self.dropout(pooled)).squeeze(-1)

    def weights(self) -> dict[str, np.ndarray]:
        """What ships: adapters as float16 (up pre-scaled), norms and head as float32."""
        arrays: dict[str, np.ndarray] = {}
        for index, layer in enumerate(self.layers):
            for parent, name in cw.ADAPTED:
                module = getattr(layer.get_submodule(parent), name)
                key = f"layer{index}.{parent}.{name}"
                arrays[key + ".up"] = (module.up.detach() * module.scale).numpy().astype(np.float16)
                arrays[key + ".down"] = module.down.detach().numpy().astype(np.float16)
            for norm in cw.NORMS:
                module = layer.get_submodule(norm)
                arrays[f"layer{index}.{norm}.weight"] = (
                    module.weight.detach().numpy().astype(np.float32)
                )
                arrays[f"layer{index}.{norm}.bias"] = (
                    module.bias.detach().numpy().astype(np.float32)
                )
        arrays["head_weight"] = self.head.weight.detach()[0].numpy().astype(np.float32)
        return arrays


def _trunk_states(texts: list[str], trunk: int) -> list:
    """Each text's token states after the frozen trunk (unpadded tensors)."""
    import torch

    tokenizer, base = cw.load_base()
    states: list = [None] * len(texts)
    order = np.argsort([len(text) for text in texts], kind="stable")
    with torch.inference_mode():
        for start in range(0, len(order), BATCH_SIZE):
            rows = order[start : start + BATCH_SIZE]
            hidden, mask = cw.embed_tokens(tokenizer, base, [texts[i] for i in rows], cw.MAX_TOKENS)
            hidden = cw.run_layers(base.encoder.layer[:trunk], hidden, cw.additive_mask(mask))
            for position, row in enumerate(rows):
                states[row] = hidden[position, : int(mask[position].sum())].clone()
    return states


def pad(states: list, rows: np.ndarray):
    import torch

    longest = max(states[i].shape[0] for i in rows)
    hidden = torch.zeros(len(rows), longest, states[rows[0]].shape[1])
    mask = torch.zeros(len(rows), longest, dtype=torch.long)
    for position, row in enumerate(rows):
        hidden[position, : states[row].shape[0]] = states[row]
        mask[position, : states[row].shape[0]] = 1
    return hidden, mask


def warmup_then_decay(optimiser, total: int):
    """The learning-rate schedule of the tuning: linear warm-up over WARMUP of ``total`` steps,
    then linear decay to zero."""
    import torch

    return torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda step: (
            min(1.0, step / (WARMUP * total)) * max(0.0, (total - step) / (total * (1 - WARMUP)))
        ),
    )


def length_batches(states: list, rows: np.ndarray, random: np.random.RandomState) -> list:
    """One epoch's batches of ``rows``: shuffled, then similar token counts together (less
    padding) within runs of 50 batches, the batches in random order."""
    shuffled = random.permutation(rows)
    batches = []
    for start in range(0, len(shuffled), TRAIN_BATCH * 50):
        chunk = shuffled[start : start + TRAIN_BATCH * 50]
        chunk = chunk[np.argsort([states[i].shape[0] for i in chunk], kind="stable")]
        batches += [chunk[i : i + TRAIN_BATCH] for i in range(0, len(chunk), TRAIN_BATCH)]
    return [batches[index] for index in random.permutation(len(batches))]


def _fit_branch(
    states: list, labels: np.ndarray, rows: np.ndarray, epochs: int, order_seed: int = SEED
) -> Branch:
    """Tune adapters, norms and head on ``rows`` (length-bucketed batches). Every branch starts
    from the same seeded initialisation; ``order_seed`` sets the batch order and dropout."""
    import torch

    torch.manual_seed(SEED)
    _, base = cw.load_base()
    branch = Branch(base, cw.TRUNK_LAYERS, cw.RANK)
    torch.manual_seed(order_seed)
    optimiser = torch.optim.AdamW(branch.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    schedule = warmup_then_decay(optimiser, max(1, math.ceil(len(rows) / TRAIN_BATCH) * epochs))
    loss_function = torch.nn.BCEWithLogitsLoss()
    targets = torch.tensor(labels, dtype=torch.float32)
    random = np.random.RandomState(order_seed)
    branch.modules.train()
    for epoch in range(epochs):
        for batch in length_batches(states, rows, random):
            hidden, mask = pad(states, batch)
            loss = loss_function(branch(hidden, mask), targets[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        log.info("epoch %d/%d done", epoch + 1, epochs)
    branch.modules.eval()
    return branch


def soup_weights(branches: list[Branch]) -> dict[str, np.ndarray | np.generic]:
    """One branch whose weights are the mean of the members' (a uniform "model soup").

    Each member's merged map is W + up_k @ down_k, so their mean is W + U @ D with U the
    members' ``up`` side by side (each divided by the count) and D their ``down`` stacked:
    still the adapter layout the loader merges, of rank RANK x members. Norms and head are
    averaged.
    """
    members = [branch.weights() for branch in branches]
    count = len(members)
    soup: dict[str, np.ndarray | np.generic] = {}
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


def train(
    csv_path: str | Path = DEFAULT_DATA,
    out_dir: str | Path = cw.DATA_DIR,
    *,
    limit: int | None = None,
    epochs: int = EPOCHS,
    soup: int = SOUP,
) -> Path:
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
        train_rows, _ = train_test_split(
            train_rows, train_size=limit, stratify=labels[train_rows], random_state=SEED
        )
    fit_rows, dev_rows = train_test_split(
        train_rows, test_size=DEV_FRACTION, stratify=labels[train_rows], random_state=SEED
    )
    states: list = [None] * len(texts)
    for row, state in zip(fit_rows, _trunk_states([texts[i] for i in fit_rows], cw.TRUNK_LAYERS)):
        states[row] = state
    branches = []
    for member in range(soup):
        log.info("branch %d/%d", member + 1, soup)
        branches.append(
            _fit_branch(states, labels, np.asarray(fit_rows), epochs, order_seed=SEED + member)
        )
    weights: dict[str, Any] = {  # Any: savez_compressed's **arrays also meet allow_pickle
        **soup_weights(branches),
        "format": np.int64(cw.FORMAT),
        "trunk_layers": np.int64(cw.TRUNK_LAYERS),
        "branch_layers": np.int64(cw.EMBEDDING_LAYER - cw.TRUNK_LAYERS),
        "rank": np.int64(cw.RANK * soup),
        "soup": np.int64(soup),
        "max_tokens": np.int64(cw.MAX_TOKENS),
        "trained_on": np.int64(len(fit_rows)),
        "threshold_on": np.int64(len(dev_rows)),
    }
    averaged = cw.scorer_from(weights, "the averaged branch")
    threshold = best_f1_logit(averaged.decision([texts[i] for i in dev_rows]), labels[dev_rows])
    weights["head_bias"] = np.float32(float(weights["head_bias"]) - threshold)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / cw.WEIGHTS_FILE
    np.savez_compressed(target, **weights)
    cw.clear_cache()
    log.info(
        "wrote %s (%d branches averaged, %d training sentences, threshold from %d)",
        target,
        soup,
        len(fit_rows),
        len(dev_rows),
    )
    return target


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m factcheck.research.train_scorer train [--data PATH] [--out DIR] [--limit N] [--epochs N] [--soup N]``."""
    import sys

    import click

    from factcheck.errors import FactcheckError

    @click.group()
    def cli() -> None:
        """Check-worthiness model tools."""

    @cli.command("train")
    @click.option(
        "--data",
        "data",
        type=click.Path(dir_okay=False),
        default=str(DEFAULT_DATA),
        show_default=True,
        help="ClaimBuster-style CSV: sentence_id,label,text.",
    )
    @click.option(
        "--out",
        "out",
        type=click.Path(file_okay=False),
        default=str(cw.DATA_DIR),
        show_default=True,
        help="Folder for checkworthiness.npz.",
    )
    @click.option("--limit", type=int, default=None, help="Train on a stratified subsample.")
    @click.option(
        "--epochs", type=int, default=EPOCHS, show_default=True, help="Passes over the data."
    )
    @click.option(
        "--soup",
        type=int,
        default=SOUP,
        show_default=True,
        help="Branches tuned (each with its own batch order) and averaged into one.",
    )
    def train_command(data: str, out: str, limit: int | None, epochs: int, soup: int) -> None:
        """Rebuild the weights from the training part of the fixed 80/20 split."""
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        try:
            click.echo(f"wrote {train(data, out, limit=limit, epochs=epochs, soup=soup)}")
        except FactcheckError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)

    cli.main(
        args=list(argv) if argv is not None else None,
        prog_name="python -m factcheck.research.train_scorer",
    )


if __name__ == "__main__":
    main()

"""Check-worthiness ceiling: a larger encoder tuned the shipped way, on the same split.

Answers "would a bigger model reach the goal (F1 >= 0.85, AP >= 0.92)?". It tunes the top
layers of any BERT- or MPNet-style sentence-transformers model found on disk (for example
all-mpnet-base-v2, 110M parameters, five times MiniLM) with the recipe of
factcheck/checkworthiness.py: low-rank adapters on every linear map, norms and a mean-pool
linear head, 4 epochs; the threshold comes from the 15% calibration part of the training
split; figures are on the held-out 20% the shipped scorer is measured on. For comparison it
prints the shipped scorer on the same sentences in the same run.

    python bench/checkworthiness_ceiling.py --model PATH [--frozen 8] [--epochs 4]

On 2 cores, all-mpnet-base-v2 takes about 4 minutes for the frozen layers and 3 per epoch.
Nothing is written to the project; only the model directory is read (offline).
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
from sklearn.metrics import average_precision_score, precision_recall_fscore_support  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from factcheck.extract import checkworthiness as cw  # noqa: E402
from factcheck.research import train_scorer as ts  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def figures(labels: np.ndarray, logits: np.ndarray, threshold: float = 0.0) -> str:
    p, r, f, _ = precision_recall_fscore_support(labels, logits > threshold, average="binary")
    oracle = ts.best_f1_logit(logits, labels)
    _, _, f_best, _ = precision_recall_fscore_support(labels, logits > oracle, average="binary")
    return (
        f"P={p:.3f} R={r:.3f} F1={f:.3f} AP={average_precision_score(labels, logits):.3f} "
        f"(F1 at the held-out part's own best threshold: {f_best:.3f})"
    )


class Encoder:
    """A BERT- or MPNet-style model run in two parts: frozen layers, then tuned ones."""

    def __init__(self, path: str):
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).eval()
        for parameter in self.model.parameters():
            parameter.requires_grad = False
        self.torch = torch

    def run(self, layers, hidden, mask):
        extra = {}
        if hasattr(self.model.encoder, "compute_position_bias"):  # MPNet's relative positions
            extra["position_bias"] = self.model.encoder.compute_position_bias(hidden)
        return cw.run_layers(layers, hidden, cw.additive_mask(mask), **extra)

    def frozen_states(self, texts: list[str], frozen: int) -> list:
        states: list = [None] * len(texts)
        order = np.argsort([len(text) for text in texts], kind="stable")
        with self.torch.inference_mode():
            for start in range(0, len(order), 64):
                rows = order[start : start + 64]
                encoded = self.tokenizer(
                    [texts[i] for i in rows],
                    padding=True,
                    truncation=True,
                    max_length=cw.MAX_TOKENS,
                    return_tensors="pt",
                )
                hidden = self.model.embeddings(input_ids=encoded["input_ids"])
                hidden = self.run(
                    self.model.encoder.layer[:frozen], hidden, encoded["attention_mask"]
                )
                for position, row in enumerate(rows):
                    length = int(encoded["attention_mask"][position].sum())
                    states[row] = hidden[position, :length].clone()
        return states


def adapt(layers) -> None:
    """Every linear map gets a low-rank update; norms are tuned too (as the shipped recipe)."""
    import torch

    low_rank = ts.low_rank_class()
    for layer in layers:
        for _, module in list(layer.named_modules()):
            for child, value in list(module.named_children()):
                if isinstance(value, torch.nn.Linear):
                    setattr(module, child, low_rank(value, cw.RANK))
                elif isinstance(value, torch.nn.LayerNorm):
                    for parameter in value.parameters():
                        parameter.requires_grad = True


def tune(
    encoder: Encoder,
    states: list,
    labels: np.ndarray,
    fit: np.ndarray,
    frozen: int,
    epochs: int,
    report,
) -> object:
    import torch

    torch.manual_seed(ts.SEED)
    layers = copy.deepcopy(encoder.model.encoder.layer[frozen:])
    adapt(layers)
    head = torch.nn.Linear(encoder.model.config.hidden_size, 1)
    dropout = torch.nn.Dropout(0.1)
    modules = torch.nn.ModuleList([layers, head, dropout])
    parameters = [p for p in modules.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(parameters, lr=ts.LEARNING_RATE, weight_decay=ts.WEIGHT_DECAY)
    schedule = ts.warmup_then_decay(optimiser, math.ceil(len(fit) / ts.TRAIN_BATCH) * epochs)
    targets = torch.tensor(labels, dtype=torch.float32)
    random = np.random.RandomState(ts.SEED)

    def forward(rows):
        hidden, mask = ts.pad(states, rows)
        return head(dropout(cw.mean_pool(encoder.run(layers, hidden, mask), mask))).squeeze(-1)

    def predict(rows):
        modules.eval()
        out = np.zeros(len(rows), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(rows), 64):
                out[start : start + 64] = forward(rows[start : start + 64]).numpy()
        modules.train()
        return out

    modules.train()
    for epoch in range(epochs):
        for rows in ts.length_batches(states, fit, random):
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                forward(rows), targets[rows]
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        report(epoch + 1, predict)
    return predict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="a sentence-transformers model directory")
    parser.add_argument(
        "--data", default=str(SHARED / "data" / "claimbuster" / "sentences-dev.csv")
    )
    parser.add_argument("--frozen", type=int, default=8, help="layers used as they are")
    parser.add_argument("--epochs", type=int, default=ts.EPOCHS)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    texts, labels = ts.read_labelled(args.data)
    train_rows, held_out = ts.split_indices(labels)
    fit, calibration = train_test_split(
        train_rows, test_size=ts.DEV_FRACTION, stratify=labels[train_rows], random_state=ts.SEED
    )
    shipped = cw.load_scorer(backend_name="torch").decision([texts[i] for i in held_out])
    print(
        f"shipped MiniLM scorer, held-out {len(held_out)}: {figures(labels[held_out], shipped)}",
        flush=True,
    )

    encoder = Encoder(args.model)
    depth = len(encoder.model.encoder.layer)
    if not 0 <= args.frozen < depth:
        raise SystemExit(f"--frozen must be between 0 and {depth - 1} for this model")
    started = time.perf_counter()
    states = encoder.frozen_states(texts, args.frozen)
    print(
        f"{args.model}: {depth} layers, {args.frozen} frozen; their states in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    penalty = cw.UNFINISHED_PENALTY * cw.unfinished(texts)

    def report(epoch, predict):
        calibrated = predict(calibration) - penalty[calibration]
        threshold = ts.best_f1_logit(calibrated, labels[calibration])
        held = predict(held_out) - penalty[held_out]
        print(
            f"epoch {epoch} ({time.perf_counter() - started:.0f} s), held-out at the "
            f"calibration threshold: {figures(labels[held_out], held, threshold)}",
            flush=True,
        )

    tune(encoder, states, labels, np.asarray(fit), args.frozen, args.epochs, report)


if __name__ == "__main__":
    main()

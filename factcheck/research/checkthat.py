"""Load the CLEF CheckThat! 2021 claim-matching data (tasks 2A and 2B) as retrieval inputs.

2A: tweets -> Snopes fact-checks (claim, title, subtitle as the lead, publication date);
each tweet's author and date come from its embedded-tweet signature.
2B: debate and speech sentences -> PolitiFact fact-checks (claim, title, article lead,
claimant, date stated); each sentence gets the previous transcript lines as context, its
speaker and the date of the event (from the transcript file name).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from factcheck.match.retrieval import Doc, Query
from factcheck.research.metrics import read_qrels, read_queries
from factcheck.text import parse_date

TASK_DIRS = {"2a": "checkthat2021-2a", "2b": "checkthat2021-2b"}
CONTEXT_LINES = 5
_TWEET_SIGNATURE = re.compile(r"—\s*([^—]*?)\s*\(@\w+\)\s*([A-Z][a-z]+ \d{1,2}, \d{4})\s*$")
_QUERY_ID = re.compile(r"^(?P<stem>.+)_(?P<line>\d+)$")


@dataclass
class Task:
    """One task's fact-checks, queries and relevance judgements."""

    name: str
    docs: list[Doc]
    queries: dict[str, Query]
    qrels: dict[str, dict[str, set[str]]]  # split ("train", "dev") -> qid -> relevant ids

    def split(self, name: str) -> tuple[list[Query], dict[str, set[str]]]:
        """The queries judged in split ``name`` and their qrels."""
        qrels = self.qrels[name]
        return [self.queries[q] for q in sorted(qrels) if q in self.queries], qrels


def load_task(data_dir: str | Path, task: str, context_lines: int = CONTEXT_LINES) -> Task:
    """Load task '2a' or '2b' from the shared data folder."""
    root = Path(data_dir) / TASK_DIRS[task.lower()]
    texts = read_queries(root / "queries-train-dev.tsv")
    if task.lower() == "2a":
        docs = [_snopes_doc(row) for row in _jsonl(root / "vclaims.jsonl")]
        queries = {qid: tweet_query(qid, text) for qid, text in texts.items()}
    else:
        docs = [_politifact_doc(row) for row in _jsonl(root / "vclaims.jsonl")]
        queries = transcript_queries(texts, root / "transcripts", context_lines)
    qrels = {s: read_qrels(root / f"qrels-{s}.tsv") for s in ("train", "dev")}
    return Task(task.lower(), docs, queries, qrels)


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _snopes_doc(row: dict) -> Doc:
    return Doc(
        id=row["vclaim_id"],
        claim=row.get("vclaim") or "",
        title=row.get("title") or "",
        lead=row.get("subtitle") or "",
        published=parse_date(row.get("date")),
    )  # Snopes gives the publication date only, not when the claim was made


def _politifact_doc(row: dict) -> Doc:
    return Doc(
        id=row["vclaim_id"],
        claim=row.get("vclaim") or "",
        title=row.get("title") or "",
        lead=row.get("text_lead") or "",
        speaker=row.get("speaker") or "",
        date=parse_date(row.get("date")),
    )


def tweet_query(qid: str, text: str) -> Query:
    """A tweet as a query; the author and date come from an embedded-tweet signature."""
    match = _TWEET_SIGNATURE.search(text)
    if not match:
        return Query(id=qid, text=text)
    return Query(id=qid, text=text, speaker=match.group(1), date=parse_date(match.group(2)))


def transcript_queries(
    texts: dict[str, str], folder: Path, context_lines: int = CONTEXT_LINES
) -> dict[str, Query]:
    """Queries ``<stem>_<line>`` with speaker, event date and previous lines as context."""
    files = {p.stem: p for p in Path(folder).glob("*.tsv")}
    cache: dict[str, dict[int, tuple[str, str]]] = {}
    queries = {}
    for qid, text in texts.items():
        match = _QUERY_ID.match(qid)
        path = find_transcript(match.group("stem"), files) if match else None
        if match is None or path is None:
            queries[qid] = Query(id=qid, text=text)
            continue
        lines = cache.setdefault(path.stem, read_transcript(path))
        number = int(match.group("line"))
        speaker = lines.get(number, ("", ""))[0]
        before = [lines[n][1] for n in range(number - context_lines, number) if n in lines]
        queries[qid] = Query(
            id=qid,
            text=text,
            context=" ".join(before),
            speaker=speaker,
            date=parse_date(path.stem[:8]),
        )
    return queries


def read_transcript(path: Path) -> dict[int, tuple[str, str]]:
    """line number -> (speaker, sentence) of a ``line<TAB>speaker<TAB>sentence`` file."""
    lines = {}
    with open(path, encoding="utf-8") as handle:
        for row in handle:
            parts = row.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[0].strip().isdigit():
                lines[int(parts[0])] = (parts[1].strip(), parts[2].strip())
    return lines


def find_transcript(stem: str, files: dict[str, Path]) -> Path | None:
    """The transcript for a query stem; names differ in case and typos, dates do not."""
    if stem in files:
        return files[stem]
    same_day = [s for s in files if s[:8] == stem[:8]]
    if not same_day:
        return None

    def likeness(name: str) -> float:
        return difflib.SequenceMatcher(None, name.lower(), stem.lower()).ratio()

    best = max(same_day, key=likeness)
    return files[best]


def cached_embedder(folder: str | Path | None, model: str | None = None):
    """The project embedder with a vector cache on disk, for benchmarks and training.

    Each newly embedded batch is kept as ``<hash>.npy`` plus ``<hash>.json`` (its texts) in
    ``folder/<model name>/``; any text seen before, in any batch, is not embedded again.
    ``folder=None`` embeds without caching.
    """
    from factcheck.models.embed import encode, resolve_model_name

    name = resolve_model_name(model)
    root = Path(folder) / re.sub(r"[^\w.-]+", "_", name) if folder else None
    known: dict[str, np.ndarray] = {}

    def embed(texts):
        texts = list(texts)
        if root is None:
            return encode(texts, model=model)
        if not known:
            known.update(_load_vector_cache(root))
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            vectors = encode(missing, model=model)
            _save_vector_cache(root, missing, vectors)
            known.update(zip(missing, vectors))
        if not texts:
            return encode([], model=model)
        return np.stack([known[t] for t in texts])

    return embed


def _load_vector_cache(root: Path) -> dict[str, np.ndarray]:
    known: dict[str, np.ndarray] = {}
    for path in sorted(root.glob("*.json")):
        vectors_path = path.with_suffix(".npy")
        if vectors_path.exists():
            texts = json.loads(path.read_text(encoding="utf-8"))
            vectors = np.load(vectors_path)
            if len(texts) == len(vectors):
                known.update(zip(texts, vectors))
    return known


def _save_vector_cache(root: Path, texts: list[str], vectors: np.ndarray) -> None:
    root.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256("\x1f".join(texts).encode("utf-8")).hexdigest()[:32]
    tmp = root / f"{key}.{os.getpid()}.tmp.npy"
    np.save(tmp, vectors)
    os.replace(tmp, root / f"{key}.npy")
    (root / f"{key}.json").write_text(json.dumps(texts), encoding="utf-8")

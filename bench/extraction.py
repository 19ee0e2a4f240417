"""Benchmark claim extraction on 1,000 article-sized texts built from debate transcripts.

    python bench/extraction.py [--articles 1000] [--data ../shared/data] [--backends onnx-int8]

Each text is a different run of consecutive transcript lines (about the seed article's size),
grouped into paragraphs by speaker with an occasional heading line. Prints the time per
article and articles per second for: syntok segmentation alone (the baseline), our
segmentation, the whole rule-based analysis, and the full extract() with the
check-worthiness scorer run by each backend (torch, ONNX, ONNX int8; --backends chooses).
Speeds are also given as ratios against the baseline measured in this run (wall time; CPU
time is printed too, as the machine may be shared). Also prints how often our segmentation
agrees with syntok's on these texts.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import syntok.segmenter  # noqa: E402

from factcheck.extract.checkworthiness import BACKENDS, load_scorer  # noqa: E402
from factcheck.extract.checkworthiness import backend as default_backend  # noqa: E402
from factcheck.extract.claims import analyse, extract  # noqa: E402
from factcheck.extract.segment import segment, split_sentences  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_9f6c08b4849e9d93.txt"
ARTICLE_CHARS = 6000
LINES_PER_PARAGRAPH = 4
HEADING_EVERY = 5  # paragraphs


def load_transcripts(data: Path) -> list[list[tuple[str, str]]]:
    """(speaker, sentence) lines of every transcript, one list per file."""
    files = sorted((data / "checkthat2021-2b" / "transcripts").glob("*.tsv"))
    if not files:
        sys.exit(f"no transcripts under {data}/checkthat2021-2b/transcripts (is ../shared there?)")
    transcripts = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [
                r for r in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if len(r) >= 3
            ]
        transcripts.append([(r[1].strip(), r[2].strip()) for r in rows if r[2].strip()])
    return transcripts


def build_articles(transcripts: list[list[tuple[str, str]]], count: int) -> list[str]:
    """``count`` distinct article-sized texts: windows over the transcripts, in turn."""
    articles: list[str] = []
    seen: set[str] = set()
    window = 0
    while len(articles) < count:
        for lines in transcripts:
            start = window * 30
            if start >= len(lines):
                continue
            text = _article(lines[start:])
            if text not in seen:
                seen.add(text)
                articles.append(text)
            if len(articles) == count:
                break
        window += 1
        if window * 30 > max(len(t) for t in transcripts):
            sys.exit(f"only {len(articles)} distinct texts could be built")
    return articles


def _article(lines: list[tuple[str, str]]) -> str:
    paragraphs: list[str] = []
    current: list[str] = []
    speaker = None
    size = 0
    for who, sentence in lines:
        if current and (who != speaker or len(current) == LINES_PER_PARAGRAPH):
            paragraphs.append(" ".join(current))
            if len(paragraphs) % HEADING_EVERY == 0:
                paragraphs.append(f"Remarks by {who.title()}")
            current = []
        speaker = who
        current.append(sentence)
        size += len(sentence) + 1
        if size >= ARTICLE_CHARS:
            break
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def syntok_only(text: str) -> list[tuple[int, int]]:
    """The baseline: syntok on every paragraph."""
    spans = []
    for paragraph in text.split("\n\n"):
        offset = text.find(paragraph)
        for part in syntok.segmenter.analyze(paragraph):
            for sentence in part:
                start = offset + sentence[0].offset
                last = sentence[-1]
                spans.append((start, offset + last.offset + len(last.value)))
    return spans


def timed(label: str, function, articles: list[str], baseline: float | None) -> float:
    """Run ``function`` on every article; print wall and CPU time per article and the speed
    ratio against ``baseline`` (wall seconds per article of the baseline, same run)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    for text in articles:
        function(text)
    per_article = (time.perf_counter() - started) / len(articles)
    cpu = (time.process_time() - cpu_started) / len(articles)
    ratio = f"{baseline / per_article:6.2f}x baseline" if baseline else "  baseline"
    print(
        f"{label:<36} {per_article * 1000:7.2f} ms/article (cpu {cpu * 1000:6.2f} ms) "
        f"{1 / per_article:7.1f} articles/s  {ratio}"
    )
    return per_article


def agreement(articles: list[str]) -> float:
    """Share of syntok's sentence starts that our segmentation also has."""
    same = total = 0
    for text in articles:
        ours = {start for start, _ in _our_spans(text)}
        theirs = [start for start, _ in syntok_only(text)]
        same += sum(1 for start in theirs if start in ours)
        total += len(theirs)
    return same / total if total else 1.0


def _our_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for paragraph in text.split("\n\n"):
        offset = text.find(paragraph)
        spans.extend(split_sentences(text, offset, offset + len(paragraph)))
    return spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--backends",
        default=",".join(BACKENDS),
        help=f"scorer backends to time, comma-separated (of {', '.join(BACKENDS)})",
    )
    args = parser.parse_args()
    chosen = [name.strip() for name in args.backends.split(",") if name.strip()]
    if not chosen or set(chosen) - set(BACKENDS):
        parser.error(f"--backends takes names from {', '.join(BACKENDS)}; got {args.backends!r}")

    articles = build_articles(load_transcripts(args.data), args.articles)
    sizes = sorted(len(a) for a in articles)
    print(
        f"{len(articles)} distinct texts, median {sizes[len(sizes) // 2]} characters "
        f"(seed article: {len(SEED.read_text(encoding='utf-8')) if SEED.exists() else '?'})"
    )
    extract(articles[0], threshold=0.5)  # warm up: gazetteers and the scorer load once

    baseline = timed("syntok segmentation alone", syntok_only, articles, None)
    timed("segment() (fast path + syntok)", segment, articles, baseline)
    timed("analyse() (all rules, no model)", analyse, articles, baseline)
    for backend in chosen:  # the check-worthiness scorer run by each backend
        scorer = load_scorer(backend_name=backend)
        extract(articles[0], threshold=0.5, scorer=scorer)  # warm up
        default = ", default" if backend == default_backend() else ""
        timed(
            f"extract() (scorer: {backend}{default})",
            lambda t, s=scorer: extract(t, threshold=0.5, scorer=s),
            articles,
            baseline,
        )
    print(f"sentence starts shared with syntok: {agreement(articles):.2%}")
    if SEED.exists():
        seed = SEED.read_text(encoding="utf-8")
        started = time.perf_counter()
        claims = extract(seed, threshold=0.5)
        print(
            f"seed article, warm: {(time.perf_counter() - started) * 1000:.1f} ms, "
            f"{len(claims)} sentences, {sum(c.check_worthy for c in claims)} check-worthy"
        )


if __name__ == "__main__":
    main()

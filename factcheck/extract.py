"""Article -> scored sentences. PLACEHOLDER: replaced by the extraction helper."""

from __future__ import annotations

import re

from .types import SentenceClaim


def extract(text: str, *, threshold: float) -> list[SentenceClaim]:
    out = []
    for i, m in enumerate(re.finditer(r"[^.!?\n]+[.!?]?", text)):
        s = m.group(0).strip()
        if not s:
            continue
        start = text.index(s, m.start())
        score = 0.9 if re.search(r"\d", s) else 0.1
        out.append(SentenceClaim(sentence_index=len(out), text=s, start=start, end=start + len(s),
                                 score=score, check_worthy=score >= threshold))
    return out


def score_sentences(texts: list[str], *, threshold: float) -> list[SentenceClaim]:
    return [SentenceClaim(sentence_index=i, text=t, start=0, end=len(t), score=0.9 if re.search(r"\d", t) else 0.1,
                          check_worthy=bool(re.search(r"\d", t))) for i, t in enumerate(texts)]

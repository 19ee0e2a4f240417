"""A transcript's turns -> every sentence analysed and scored, each with its turn's speaker.

``extract_transcript(text, turns, threshold=0.5)`` cuts each turn's pieces into sentences with
the project's splitter (a TSV row is one sentence as given, never split again), marks stage
directions as furniture, then runs the same analysis and scoring as :mod:`claims` over them.

What differs from an article:

- ``speaker`` is the turn's speaker, ``attribution`` is ``"transcript turn"``; a person merely
  named or quoted in the sentence ('Rumsfeld said "..."') never becomes its speaker: the
  reported speaker goes into ``reasons`` ("reports: Rumsfeld (said)").
- ``speaker_role`` where the transcript names none is inferred from the labels and how often a
  speaker asks (:func:`debate_scores.store_inferred_roles`: "moderator", "audience"; a
  reason says so).
- ``turn``, ``speaker_role``, ``time_start``/``time_end`` (the span of the cue(s) a sentence
  came from) and ``source_line`` (a TSV row's line column, else the input line of its
  paragraph or cue) come from the turn.
- ``context`` is the up to :data:`CONTEXT_SENTENCES` sentences before it in the transcript,
  any speaker, joined by a space: what ``factcheck eval`` gives CheckThat! 2B queries.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from factcheck.errors import InputError
from factcheck.extract.claims import TRANSCRIPT_MAX_SHARE, analyse_segments, score_claims
from factcheck.extract.segment import Segment
from factcheck.text import split_sentences, trimmed_span
from factcheck.types import SentenceClaim, Turn, TurnPiece

CONTEXT_SENTENCES = 5  # as research.checkthat.CONTEXT_LINES
TURN_CUE = "transcript turn"
STAGE = "stage direction"
_STAGE_WORDS = re.compile(
    r"[\[(]{1,2}[^\[\]()\n]{0,40}?\b(?:applause|laughter|laughs|laughing|crosstalk|cross-talk|"
    r"inaudible|unintelligible|cheers|cheering|booing|boos|music|bells?|videotape|video clip|"
    r"tape|commercial break|voiceover|voice-over|through translator|timer|silence|pause|"
    r"audio clip|recording)\b[^\[\]()\n]{0,40}?[\])]{1,2}",
    re.I,
)
_STAGE_CAPS = re.compile(r"[\[(]{1,2}\s*[A-Z][A-Z'’\-]+(?: [A-Z][A-Z'’\-]+)+\s*[\])]{1,2}")


def extract_transcript(
    text: str,
    turns: list[Turn],
    *,
    threshold: float,
    scorer=None,
    workload: float = TRANSCRIPT_MAX_SHARE,
) -> list[SentenceClaim]:
    """Every sentence of the transcript ``text`` with its turn, analysis, score and reasons;
    at most ``workload`` of its sentences are flagged (the ``transcript_workload`` setting)."""
    cut = [(seg, turn, piece) for turn in turns for seg, piece in _segments(text, turn)]
    if not any(not seg.is_junk for seg, _, _ in cut):
        raise InputError("the transcript has no sentences to extract claims from")
    claims = analyse_segments([seg for seg, _, _ in cut])
    reported = [(claim.speaker, claim.attribution) for claim in claims]
    for claim, (_, turn, piece) in zip(claims, cut):
        claim.speaker = turn.speaker
        claim.attribution = TURN_CUE if turn.speaker else None
        claim.turn = turn.index
        claim.speaker_role = turn.role
        claim.time_start, claim.time_end = piece.time_start, piece.time_end
        claim.source_line = piece.line
    _cue_times(claims, cut)
    for position, claim in enumerate(claims):
        before = claims[max(0, position - CONTEXT_SENTENCES) : position]
        claim.context = " ".join(c.text for c in before)
    score_claims(claims, threshold=threshold, scorer=scorer, workload=workload)
    for claim, (other, cue) in zip(claims, reported):
        if other and other != claim.speaker and claim.claim_type is not None:
            claim.reasons.append(f"reports: {other} ({cue})")
    return claims


def _segments(text: str, turn: Turn) -> list[tuple[Segment, TurnPiece]]:
    """The sentences of one turn, each with the piece it starts in; stage directions as
    furniture. Pieces joined by one space (subtitle cues) are read as one run of text, so a
    sentence may run over several cues."""
    found: list[tuple[Segment, TurnPiece]] = []
    for run in _runs(text, turn.pieces):
        start, end = trimmed_span(text, run[0].start, run[-1].end)
        if start == end:
            continue
        stages = stage_direction_spans(text, start, end)
        if turn.stage or (stages and stages[0] == (start, end)):
            segments = [Segment(start, end, text[start:end], STAGE)]
        elif run[0].given:  # a row as given, inline "(inaudible)" and all
            segments = [Segment(start, end, text[start:end])]
        else:
            segments = _around_stages(text, start, end, stages)
        starts = [p.start for p in run]  # pieces in text order: the last starting at or before
        for seg in segments:
            found.append((seg, run[max(bisect_right(starts, seg.start) - 1, 0)]))
    return found


def _runs(text: str, pieces: list[TurnPiece]) -> list[list[TurnPiece]]:
    runs: list[list[TurnPiece]] = []
    for piece in pieces:
        if not 0 <= piece.start <= piece.end <= len(text):
            raise InputError("a transcript turn lies outside the transcript text")
        last = runs[-1][-1] if runs else None
        if last is not None and not piece.given and text[last.end : piece.start] == " ":
            runs[-1].append(piece)
        else:
            runs.append([piece])
    return runs


def _around_stages(text: str, start: int, end: int, stages: list[tuple[int, int]]) -> list[Segment]:
    segments: list[Segment] = []
    cursor = start
    for stage_start, stage_end in [*stages, (end, end)]:
        spans = split_sentences(text, cursor, stage_start)
        segments.extend(Segment(s, e, text[s:e]) for s, e in spans if s < e)
        if stage_start < stage_end:
            segments.append(Segment(stage_start, stage_end, text[stage_start:stage_end], STAGE))
        cursor = stage_end
    return segments


def _cue_times(claims: list[SentenceClaim], cut: list[tuple[Segment, Turn, TurnPiece]]) -> None:
    """A sentence running over several cues of its turn spans from the first to the last."""
    starts: dict[int, list[int]] = {}  # per turn, its pieces' starts (in text order)
    for claim, (seg, turn, _) in zip(claims, cut):
        if id(turn) not in starts:
            starts[id(turn)] = [p.start for p in turn.pieces]
        first = max(bisect_right(starts[id(turn)], seg.start) - 1, 0)
        last = bisect_left(starts[id(turn)], seg.end)  # pieces from here start after the sentence
        timed = [
            p
            for p in turn.pieces[first:last]
            if p.time_start is not None and p.start < seg.end and seg.start < p.end
        ]
        if timed:
            claim.time_start = min(p.time_start for p in timed if p.time_start is not None)
            ends = [p.time_end for p in timed if p.time_end is not None]
            claim.time_end = max(ends) if ends else None


def stage_direction_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of stage directions ("(APPLAUSE)", "[ crosstalk ]") in ``text[start:end]``."""
    found = sorted(
        (m.start(), m.end())
        for pattern in (_STAGE_WORDS, _STAGE_CAPS)
        for m in pattern.finditer(text, start, end)
    )
    spans: list[tuple[int, int]] = []
    for span in found:
        if spans and span[0] < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], span[1]))
        else:
            spans.append(span)
    return spans

"""Who says each sentence: speaker and cue, resolved across the article.

Patterns, tried outside quotation marks in this order: "X was quoted by ... as saying",
"..." said X, X said / told / warned ..., according to X. A pronoun ("he said") resolves to
the most recent named person, "it said" and "the agency said" to the most recent organisation
that spoke, "the diplomat" to the most recent person, and a surname to the full name the
article gave first.
Sentences inside a quotation that runs over several sentences take its speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from factcheck.extract.entities import Vocabulary
from factcheck.extract.gazetteer import ORG_ROLE_NOUNS, ROLE_NOUNS

SPEECH_VERBS = (
    "said|says|say|told|tells|stated|states|announced|announces|warned|warns|added|adds|claimed"
    "|claims|reported|reports|noted|notes|argued|argues|insisted|insists|explained|explains"
    "|wrote|writes|tweeted|tweets|declared|declares|confirmed|confirms|denied|denies|estimated"
    "|estimates|predicted|acknowledged|acknowledges|admitted|admits|alleged|alleges|asserted"
    "|reassured|assured|stressed|emphasized|emphasised|urged|urges|testified|revealed|conceded"
)
MASK = "\x00"
_CUE_WORDS = frozenset(SPEECH_VERBS.split("|")) | {"according", "quoted"}
_LOWER_WORD = re.compile(r"[a-z]+")
_OPENING, _CLOSING = "“«", "”»"
_QUOTE_CHAR = re.compile('[“”«»"]')
_VERB = re.compile(
    rf"(?:\b(?:has|have|had|was|were|is|also|further|later|again|reportedly|previously|repeatedly)\s+)*"
    rf"\b(?P<verb>{SPEECH_VERBS})\b"
)
_QUOTED_AS = re.compile(r"\s(?:was|were|is|are|has been|had been) quoted\b[^.;]*?\bas saying\b")
_INVERTED = re.compile(rf"[{MASK}”\"],?\s+(?P<verb>{SPEECH_VERBS})\s+(?P<np>[^,.;:{MASK}]+)")
_ACCORDING = re.compile(rf"\baccording to\s+(?P<np>[^,.;:{MASK}]+)", re.IGNORECASE)
_BOUNDARY = re.compile(
    rf"(?:^|[,;:—–(){MASK}”“\"]|\b(?i:that|as|and|but|while|because|when|which|who|whom|where"
    rf"|after|before|if|since|though|although|what|how|than|so|or|then|citing|well)\b)\s*"
)
_NP_END = re.compile(
    r"\s+(?:on|in|at|during|after|before|while|to|from|with|for|about|that|who|which|last|this"
    r"|when|earlier|later|as)\b.*$",
    re.IGNORECASE,
)
_SUBJECT_START = re.compile(
    r"^(?:[A-Z“\"]|(?:the|a|an|his|her|their|its|our|he|she|it|they|we|i|you|reports|officials"
    r"|sources|analysts|witnesses|residents|experts|police|critics|researchers|scientists"
    r"|authorities|doctors)\b)"
)
_TRAILING_WORDS = re.compile(
    r"(?:\s+(?:has|have|had|was|were|is|also|further|later|again|reportedly|previously|repeatedly"
    r"|now|then|would|will|can|could|should|might|must|may|do|does|did|just|always|never|often"
    r"|to|want|wanted|going|got|not|n[’']t|once|even|already|publicly|privately|simply))+$",
    re.IGNORECASE,
)
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"it"})
# The writer's or the audience's own voice: no speaker that the article names.
OWN_VOICE = frozenset({"i", "me", "my", "we", "us", "our", "you", "your", "let"})
PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS | OWN_VOICE | {"they"}
_CONTRACTION = re.compile(r"[’'](?:m|d|ve|ll|re|s)$")
_NOT_A_SUBJECT_START = frozenset(
    """
in on at for from with by after before during under over into about of to if when while
""".split()
)
MAX_SPEAKER_WORDS = 10


@dataclass
class Attribution:
    """A sentence's speaker (as resolved), the words that attribute it, and the share of the
    sentence that is inside quotation marks."""

    speaker: str | None = None
    cue: str | None = None
    quoted_share: float = 0.0


def attribute(
    sentences: list[str], entities: list[list[dict]], vocabulary: Vocabulary
) -> list[Attribution]:
    """The speaker of each sentence of one article (``entities`` from entities.find_entities)."""
    masked, runs = _mask_quotes(sentences)
    found = [_find(text, mask) for text, mask in zip(sentences, masked)]
    resolved: list[Attribution] = []
    state = _Recency()
    for index, (raw, cue) in enumerate(found):
        speaker = (
            _resolve(raw, sentences[index], entities[index], vocabulary, state) if raw else None
        )
        share = masked[index].count(MASK) / max(len(sentences[index]), 1)
        resolved.append(Attribution(speaker, cue if speaker else None, share))
        state.update(speaker, entities[index], vocabulary)
    _spread_over_quotes(resolved, runs)
    return resolved


class _Recency:
    """The most recent named person and the most recent organisation that spoke."""

    def __init__(self) -> None:
        self.person: str | None = None
        self.group: str | None = None

    def update(self, speaker: str | None, entities: list[dict], vocabulary: Vocabulary) -> None:
        people = [vocabulary.full_name(e["text"]) for e in entities if e["label"] == "PERSON"]
        if speaker and speaker in people:
            self.person = speaker
        elif speaker:
            self.group = speaker
        elif people:
            self.person = people[-1]


def _mask_quotes(sentences: list[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """Each sentence with quoted words masked, and the (first, last) sentence of every quote
    that runs over more than one sentence."""
    masked, runs = [], []
    inside, run_start = False, None
    for index, sentence in enumerate(sentences):
        pieces, position = [], 0
        for mark in _QUOTE_CHAR.finditer(sentence):
            char, at = mark.group(0), mark.start()
            pieces.append(MASK * (at - position) if inside else sentence[position:at])
            pieces.append(char)
            position = at + 1
            if char in _OPENING or (char == '"' and not inside):
                inside = True
                run_start = index if run_start is None else run_start
            else:
                inside = False
                if run_start is not None and run_start < index:
                    runs.append((run_start, index))
                run_start = None
        pieces.append(MASK * (len(sentence) - position) if inside else sentence[position:])
        masked.append("".join(pieces))
    return masked, runs


def _find(sentence: str, masked: str) -> tuple[str | None, str | None]:
    """The raw speaker phrase and the cue, or (None, None)."""
    if _CUE_WORDS.isdisjoint(_LOWER_WORD.findall(masked.lower())):
        return None, None
    quoted = _QUOTED_AS.search(masked)
    if quoted:
        return _subject(sentence, masked, quoted.start()), "quoted ... as saying"
    inverted = _INVERTED.search(masked)
    if inverted:
        np = _NP_END.sub("", inverted.group("np")).strip()
        if np:
            return np, inverted.group("verb")
    for verb in _VERB.finditer(masked):
        subject = _subject(sentence, masked, verb.start())
        if subject:
            return subject, verb.group("verb")
    according = _ACCORDING.search(masked)
    if according:
        np = according.group("np").strip()
        return (np, "according to") if _word_count(np) <= MAX_SPEAKER_WORDS else (None, None)
    return None, None


def _subject(sentence: str, masked: str, end: int) -> str | None:
    """The noun phrase just before ``end`` (the verb), back to the clause boundary."""
    left = _TRAILING_WORDS.sub("", masked[:end].rstrip())
    boundaries = list(_BOUNDARY.finditer(left))
    start = boundaries[-1].end() if boundaries else 0
    np = sentence[start : len(left)].strip()
    if not np or MASK in masked[start : len(left)] or _word_count(np) > MAX_SPEAKER_WORDS:
        return None
    return np if _SUBJECT_START.match(np) else None


def _resolve(
    raw: str, sentence: str, entities: list[dict], vocabulary: Vocabulary, state: _Recency
) -> str | None:
    """A person's full name, an organisation as written ("the Pentagon"), or a pronoun's referent."""
    original = [_CONTRACTION.sub("", w) for w in raw.split()]
    words = [w.lower() for w in original]
    own_voice = any(w.lower() in OWN_VOICE and not (w.isupper() and len(w) > 1) for w in original)
    if words[0] in _NOT_A_SUBJECT_START or own_voice or words[-1] == "they":
        return None
    lowered = words[-1] if words[-1] in PRONOUNS else " ".join(words)  # "Remember he" -> "he"
    if lowered in PERSON_PRONOUNS:
        return state.person
    if lowered in GROUP_PRONOUNS:
        return state.group
    words = lowered.split()
    if len(words) == 2 and words[0] == "the" and words[1] in ROLE_NOUNS:
        return state.person
    if len(words) == 2 and words[0] == "the" and words[1] in ORG_ROLE_NOUNS and state.group:
        return state.group
    start = sentence.find(raw)
    people = [
        e
        for e in entities
        if e["label"] == "PERSON" and start <= e["start"] and e["end"] <= start + len(raw)
    ]
    if people:
        return vocabulary.full_name(people[-1]["text"])
    if raw in vocabulary.people:
        return vocabulary.full_name(raw)
    return _as_written(raw)


def _as_written(raw: str) -> str:
    raw = " ".join(raw.strip(" “”\"'").split())
    first, _, rest = raw.partition(" ")
    if first in ("The", "A", "An") and rest:
        return f"{first.lower()} {rest}"
    return raw


def _spread_over_quotes(resolved: list[Attribution], runs: list[tuple[int, int]]) -> None:
    """Give every sentence of a multi-sentence quote the speaker named at its end (or start)."""
    for first, last in runs:
        source = resolved[last] if resolved[last].speaker else resolved[first]
        if not source.speaker:
            continue
        for index in range(first, last + 1):
            if not resolved[index].speaker:
                resolved[index].speaker, resolved[index].cue = source.speaker, source.cue


def _word_count(text: str) -> int:
    return len(text.split())

"""Named entities by rule: capitalised spans, labelled with gazetteers and their context.

Labels: PERSON, ORG, GPE (countries, cities, regions), NORP (nationalities, groups), DATE
(days and months), MISC (a name of unknown kind). A title before a name marks a person
("Deputy Foreign Minister Andrei Rudenko"); an article's full names let a later surname
("Rudenko") be labelled as that person. Offsets in each entity are relative to its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from factcheck.extract.gazetteer import (
    COMMON_CAPITALISED,
    DAYS_AND_MONTHS,
    DEMONYMS,
    GPE_ACRONYMS,
    KNOWN_ORG_NAMES,
    KNOWN_ORGS,
    ORG_NOUNS,
    ORG_WORDS,
    ROLE_NOUNS,
    TITLE_WORDS,
    is_place,
)

NAMED_LABELS = ("PERSON", "ORG", "GPE", "NORP", "MISC")

# Only the words that can be part of a name: capitalised ones and "of".
_TOKEN = re.compile(r"(?<![\w’'-])(?:[A-Z][A-Za-z0-9]*(?:[-’'&.][A-Za-z0-9]+)*\.?|of\b)")
_FIRST_WORD = re.compile(r"[A-Za-z]")
_POSSESSIVE_END = re.compile(r"[’']s$")
_ABBREVIATION = re.compile(
    r"^(?:[A-Z]\.)+$|^(?:Gen|Lt|Col|Maj|Capt|Adm|Sgt|Cmdr|Dr|Mr|Mrs|Ms|Prof|Sen|Rep|St|Jr|Sr)\.$"
)
_PLACE_BEFORE = re.compile(
    r"\b(?:city|town|village|capital|province|provinces|district|region|state|county|port)"
    r" of\s+$"
)
_PLACE_AFTER = re.compile(r"^\s+(?:province|district|city|county|region|valley|border)\b")
_CONNECTORS = frozenset({"of"})
_DIGIT = re.compile(r"\d")
_SPEECH_AFTER = re.compile(
    r",?\s+(?:has |had |also )?(?:said|says|told|tells|wrote|writes|added|"
    r"argued|argues|warned|warns|announced|claimed|claims|testified)\b"
)
_FIRST_PERSON = re.compile(r"I(?:[’'](?:m|d|ve|ll))?$")
_CAPITALISED_WORD = re.compile(r"(?<=[\s(\"“‘'])[A-Z][A-Za-z’'.-]*[A-Za-z]")


class Token:
    """A word of a sentence: its text (possessive 's removed), offsets and lower-case form."""

    __slots__ = ("text", "start", "end", "possessive", "word", "capitalised")

    def __init__(self, text: str, start: int, end: int, possessive: bool = False):
        self.text, self.start, self.end, self.possessive = text, start, end, possessive
        self.word = text.rstrip(".").lower()
        self.capitalised = (
            text[0].isupper() and not _DIGIT.search(text) and not _FIRST_PERSON.match(text)
        )


@dataclass
class Vocabulary:
    """What an article teaches about its names: capitalised words seen mid-sentence and the
    full names of its people, keyed by surname."""

    midsentence: set[str] = field(default_factory=set)
    people: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_sentences(cls, sentences: list[str]) -> Vocabulary:
        words: set[str] = set()
        for sentence in sentences:
            body = sentence[sentence.find(" ") :] if " " in sentence else ""
            words.update(_POSSESSIVE_END.sub("", w) for w in _CAPITALISED_WORD.findall(body))
        return cls(midsentence=words)

    def learn_people(self, entity_lists: list[list[dict]]) -> None:
        """Record every full name (two words or more) under its surname."""
        for entities in entity_lists:
            for entity in entities:
                parts = entity["text"].split()
                if entity["label"] == "PERSON" and len(parts) >= 2:
                    self.people.setdefault(parts[-1], entity["text"])

    def full_name(self, name: str) -> str:
        return self.people.get(name, name)


def tokenize(sentence: str) -> list[Token]:
    """Capitalised words (and "of"); a trailing full stop is kept only on abbreviations
    ("Gen.", "U.S."), a possessive 's is cut off and remembered."""
    tokens = []
    for match in _TOKEN.finditer(sentence):
        text, start = match.group(0), match.start()
        if text.endswith(".") and not _ABBREVIATION.match(text):
            text = text[:-1]
        possessive = len(text) > 2 and text[-2] in "’'" and text[-1] == "s"
        if possessive:
            text = text[:-2]
        if text:
            tokens.append(Token(text, start, start + len(text), possessive))
    return tokens


def find_entities(sentence: str, vocabulary: Vocabulary | None = None) -> list[dict]:
    """Entities of one sentence: ``{"text", "label", "start", "end"}``, in order."""
    vocabulary = vocabulary or Vocabulary()
    tokens = tokenize(sentence)
    first_word = _FIRST_WORD.search(sentence)
    opening = first_word.start() if first_word else -1
    entities: list[dict] = []
    for span in _capitalised_spans(sentence, tokens, vocabulary, opening):
        entities.extend(_label_span(sentence, span, vocabulary))
    return entities


def relabel_people(entity_lists: list[list[dict]], vocabulary: Vocabulary) -> None:
    """Mark lone surnames of the article's people as PERSON (in place)."""
    for entities in entity_lists:
        for entity in entities:
            if entity["label"] in ("MISC", "ORG", "GPE") and entity["text"] in vocabulary.people:
                entity["label"] = "PERSON"


def named(entities: list[dict]) -> list[str]:
    """Distinct names (no dates), in order of first mention."""
    seen: dict[str, None] = {}
    for entity in entities:
        if entity["label"] in NAMED_LABELS:
            seen.setdefault(entity["text"], None)
    return list(seen)


def _capitalised_spans(sentence: str, tokens: list[Token], vocabulary: Vocabulary, opening: int):
    """Runs of capitalised tokens joined by single spaces (or "of" inside an organisation)."""
    span: list[Token] = []
    for index, token in enumerate(tokens):
        if token.capitalised and span and _adjacent(sentence, span[-1], token):
            span.append(token)
        elif token.capitalised:
            if span:
                yield _trim_start(span, opening, vocabulary)
            span = [token]
        elif span and token.word in _CONNECTORS and _joins_org(sentence, span, tokens, index):
            span.append(token)
        else:
            if span:
                yield _trim_start(span, opening, vocabulary)
            span = []
        if span and span[-1].possessive:
            yield _trim_start(span, opening, vocabulary)
            span = []
    if span:
        yield _trim_start(span, opening, vocabulary)


def _adjacent(sentence: str, left: Token, right: Token) -> bool:
    return not left.possessive and sentence[left.end : right.start] in (" ", "\u00a0")


def _joins_org(sentence: str, span: list[Token], tokens: list[Token], index: int) -> bool:
    """ "of" continues "National Directorate" into "National Directorate of Security"."""
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return (
        tokens[index].word == "of"
        and following is not None
        and following.capitalised
        and span[-1].word in ORG_WORDS
        and _adjacent(sentence, span[-1], tokens[index])
    )


def _trim_start(span: list[Token], opening: int, vocabulary: Vocabulary) -> list[Token]:
    """Drop a sentence-opening word that is capitalised only because it opens the sentence."""
    if span and span[0].start == opening:
        first = span[0].text
        if first in COMMON_CAPITALISED or (len(span) == 1 and not _known(first, vocabulary)):
            span = span[1:]
    while span and span[-1].word in _CONNECTORS:
        span = span[:-1]
    return span


def _known(word: str, vocabulary: Vocabulary) -> bool:
    return (
        word in vocabulary.midsentence
        or word in vocabulary.people
        or word in KNOWN_ORGS
        or word in DEMONYMS
        or word in GPE_ACRONYMS
        or is_place(word)
    )


def _label_span(sentence: str, span: list[Token], vocabulary: Vocabulary) -> list[dict]:
    if not span:
        return []
    person = _titled_person(span)
    if person is not None:
        prefix = span[: -len(person)]
        return _prefix_entities(sentence, prefix, vocabulary) + [
            _entity(sentence, person, "PERSON")
        ]
    if len(span) > 1 and span[-1].word in TITLE_WORDS and not _has_org_word(span):
        return _prefix_entities(sentence, span, vocabulary)  # a title without a name: "Russian FM"
    return [_entity(sentence, span, _label(sentence, span, vocabulary))]


def _has_org_word(span: list[Token]) -> bool:
    return any(t.word in ORG_WORDS for t in span)


def _titled_person(span: list[Token]) -> list[Token] | None:
    """The name after the last title word ("... Minister Andrei Rudenko"), if any."""
    last_title = max((i for i, t in enumerate(span) if t.word in TITLE_WORDS), default=None)
    if last_title is None:
        return None
    name = span[last_title + 1 :]
    if not name or len(name) > 4 or any(t.word in ORG_WORDS or t.word in _CONNECTORS for t in name):
        return None
    if is_place(" ".join(t.text for t in name)) or any(t.text in KNOWN_ORGS for t in name):
        return None
    return name


def _prefix_entities(sentence: str, prefix: list[Token], vocabulary: Vocabulary) -> list[dict]:
    """Places, groups and organisations inside a title ("US President", "Senate Committee
    Chairman")."""
    while prefix and prefix[-1].word in TITLE_WORDS and prefix[-1].word not in ORG_WORDS:
        prefix = prefix[:-1]
    if _has_org_word(prefix):
        return [_entity(sentence, prefix, "ORG")]
    found = []
    for token in prefix:
        label = _single_label(token.text, vocabulary)
        if label in ("GPE", "NORP", "ORG"):
            found.append(_entity(sentence, [token], label))
    return found


def _label(sentence: str, span: list[Token], vocabulary: Vocabulary) -> str:
    text = " ".join(t.text for t in span)
    before, after = sentence[: span[0].start], sentence[span[-1].end :]
    if text in vocabulary.people:
        return "PERSON"
    if text in KNOWN_ORG_NAMES or _has_org_word(span):
        return "ORG"
    if is_place(text) or text in GPE_ACRONYMS or _PLACE_BEFORE.search(before):
        return "GPE"
    if len(span) == 1:
        label = _single_label(text, vocabulary)
        if label:
            return label
    if _org_noun_follows(after):
        return "ORG"
    if _PLACE_AFTER.match(after):
        return "GPE"
    if _role_precedes(before) or (_looks_like_a_name(span) and _SPEECH_AFTER.match(after)):
        return "PERSON"
    return "MISC"


def _single_label(word: str, vocabulary: Vocabulary) -> str | None:
    if word in vocabulary.people:
        return "PERSON"
    if word in KNOWN_ORGS:
        return "ORG"
    if word in GPE_ACRONYMS or is_place(word):
        return "GPE"
    if word in DEMONYMS or all(part in DEMONYMS for part in word.split("-")):
        return "NORP"
    if word in DAYS_AND_MONTHS:
        return "DATE"
    if len(word) >= 2 and word.isupper():
        return "ORG"
    return None


def _org_noun_follows(after: str) -> bool:
    following = after.split()[:2]
    return any(word.strip(".,;:").lower() in ORG_NOUNS for word in following)


def _looks_like_a_name(span: list[Token]) -> bool:
    return 2 <= len(span) <= 4 and all(t.text.istitle() and t.text.isalpha() for t in span)


def _role_precedes(before: str) -> bool:
    previous = before.split()[-1:] if before.strip() else []
    return bool(previous) and previous[0].lower() in ROLE_NOUNS


def _entity(sentence: str, tokens: list[Token], label: str) -> dict:
    start, end = tokens[0].start, tokens[-1].end
    return {"text": sentence[start:end], "label": label, "start": start, "end": end}

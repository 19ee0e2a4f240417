"""Quantities in a sentence and what they count, by regular expression.

``find_quantities("more than 90% of its troops and equipment")`` gives
``[{"text": "90%", "value": 90, "unit": "percent", "counts": "troops and equipment",
"qualifier": "more than", "start": 10, "end": 13}]``. Years, days of the month, times,
ordinals and model numbers ("MI-24") are not quantities. (quantulum3 was measured and left
out: its unit classifier does not load with the pinned scikit-learn.)
"""

from __future__ import annotations

import re
from itertools import islice

WORD_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "bn": 1e9,
    "m": 1e6,
    "k": 1e3,
    "mn": 1e6,
    "tn": 1e12,
}
CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
UNITS = {
    "%": "percent",
    "percent": "percent",
    "per cent": "percent",
    "percentage points": "percentage points",
    "percentage point": "percentage points",
    "dollars": "USD",
    "dollar": "USD",
    "euros": "EUR",
    "pounds": "GBP",
    "km": "km",
    "kilometers": "km",
    "kilometres": "km",
    "miles": "miles",
    "mile": "miles",
    "kg": "kg",
    "kilograms": "kg",
    "tons": "tonnes",
    "tonnes": "tonnes",
    "metres": "m",
    "meters": "m",
    "years": "years",
    "year": "years",
    "months": "months",
    "month": "months",
    "weeks": "weeks",
    "week": "weeks",
    "days": "days",
    "day": "days",
    "hours": "hours",
    "hour": "hours",
    "minutes": "minutes",
    "decades": "decades",
    "decade": "decades",
    "°c": "°C",
    "°f": "°F",
    "degrees": "degrees",
    "gigawatts": "GW",
    "gw": "GW",
    "megawatts": "MW",
    "mw": "MW",
    "kwh": "kWh",
    "twh": "TWh",
    "ppm": "ppm",
}
MEASURE_NOUNS = frozenset(
    """
pieces piece loads load units unit tons tonnes barrels cases rounds doses kinds types sorts
gallons litres liters acres square hectares batches shipments cartons bags boxes tranches
""".split()
)
_STOP = frozenset(
    """
to in on at by for from with into during since until over under after before across through per
than as so that which who whom whose while when where or but nor if because although though
the a an this these those its their his her our your my
is are was were be been being has have had will would can could may might must shall should
do does did not no also now still already only just more most less least ago each every
year today so far said says told according up down out off about around almost nearly
left fell came went took died won lost made rose grew got gave ran saw met became began
""".split()
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november"
    "|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_QUALIFIER_BEFORE = re.compile(
    r"(?<![\w-])(?P<qualifier>more than|less than|fewer than|greater than|up to|at least|at most"
    r"|nearly|almost|about|around|approximately|roughly|over|under|some|as many as|as much as"
    r"|just over|just under|an estimated|close to|exactly)\s+$",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"(?P<currency>[$€£¥])?\s?(?<![\w.,:/-])"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?i:"
    + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
    + r"))(?![\w:/]|[.,]\d|-[A-Za-z])"
)
_AFTER_NUMBER = re.compile(
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|m|k)\b)?"
    r"(?:\s?(?P<unit>%|(?:percentage points?|per cent|percent|dollars?|euros|pounds"
    r"|kilomet(?:er|re)s|km|miles?|kg|kilograms|tons|tonnes|met(?:er|re)s|years?|months?|weeks?"
    r"|days?|hours?|minutes|decades?|°[CF]|degrees|gigawatts|GW|megawatts|MW|kWh|TWh|ppm)\b))?",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_LOWER_WORDS = re.compile(r"[a-z]+")
_YEAR = re.compile(r"1[89]\d\d|20\d\d")
_DETERMINERS = frozenset("the its their his her our all a an these those".split())
_WORD = re.compile(r"[A-Za-z][\w’'-]*|\d[\d,.]*|\S")
_DATE_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$", re.IGNORECASE)
_DATE_AFTER = re.compile(
    rf"^\s*(?:{_MONTHS})\b|^\s*(?:a\.m\.|p\.m\.|am\b|pm\b|GMT|UTC)", re.IGNORECASE
)
# Each number looks at a bounded window around it, so a sentence's quantities are found in time
# linear in its length (an 80 KB run of numbers took 54 s when each number re-read the rest).
WINDOW_CHARS = 64  # the text before and after a number that date tests look at
WINDOW_WORDS = 24  # the words after a number that the counted noun phrase is sought in
_YEAR_WORDS = re.compile(
    r"\b(?:in|since|by|until|till|from|before|after|during|of|year|early"
    r"|late|mid|the|and|to|between|circa|around)\s*$",
    re.IGNORECASE,
)


def find_quantities(sentence: str) -> list[dict]:
    """Every quantity in ``sentence`` with its value, unit and the thing it counts."""
    if not _DIGIT.search(sentence) and WORD_NUMBERS.keys().isdisjoint(
        _LOWER_WORDS.findall(sentence.lower())
    ):
        return []
    found = []
    for number in _NUMBER.finditer(sentence):
        after = _AFTER_NUMBER.match(sentence, number.end())
        assert after is not None  # every part of the pattern is optional: it always matches
        if not _is_date(sentence, number, after):
            found.append(_quantity(sentence, number, after))
    return found


def _quantity(sentence: str, number: re.Match, after: re.Match) -> dict:
    unit = _unit(number.group("currency"), after.group("unit"))
    counts, counted_end = _counted(sentence, after.end(), unit)
    start = number.start("currency") if number.group("currency") else number.start("number")
    end = start + len(sentence[start : counted_end or after.end()].rstrip(" ,"))
    return {
        "text": sentence[start:end],
        "value": _value(number.group("number"), after.group("scale")),
        "unit": unit,
        "counts": counts,
        "qualifier": _qualifier(sentence[max(0, start - 24) : start]),
        "start": start,
        "end": end,
    }


def _value(number: str, scale: str | None) -> float | int:
    lowered = number.lower()
    value = WORD_NUMBERS[lowered] if lowered in WORD_NUMBERS else float(number.replace(",", ""))
    if scale:
        value *= SCALES[scale.lower()]
    return int(value) if float(value).is_integer() else value


def _unit(currency: str | None, unit: str | None) -> str | None:
    if currency:
        return CURRENCIES[currency]
    if not unit:
        return None
    lowered = unit.lower()
    return UNITS.get(lowered, UNITS.get(lowered.rstrip("s")))


def _qualifier(before: str) -> str | None:
    """ "more than", "up to", "approximately"... just before the number ("handed over" is no
    qualifier: a verb comes before it)."""
    match = _QUALIFIER_BEFORE.search(before)
    if not match:
        return None
    qualifier = match.group("qualifier").lower()
    previous = before[: match.start()].split()[-1:]
    if (
        qualifier in ("over", "under")
        and previous
        and previous[0].lower().endswith(("ed", "ing", "en"))
    ):
        return None
    return qualifier


def _counted(sentence: str, position: int, unit: str | None) -> tuple[str | None, int | None]:
    """What the quantity counts: the noun phrase after it, or after "of" (with the end of the
    phrase when it directly follows the number, so it belongs in the quantity's text)."""
    words = [
        (m.group(0), m.start(), m.end())
        for m in islice(_WORD.finditer(sentence, position), WINDOW_WORDS)
    ]
    if words and words[0][0].lower() == "of":
        return _after_of(sentence, words[1:]), None
    if unit:  # a measure ("90%", "1.45 °C", "20 years") counts only what follows "of"
        return None, None
    phrase = _noun_phrase(words)
    if not phrase:
        return None, None
    first, last = phrase[0], phrase[-1]
    rest = words[len(phrase) :]
    if (
        first[0].lower() in MEASURE_NOUNS
        and len(phrase) == 1
        and rest
        and rest[0][0].lower() == "of"
    ):
        tail = _noun_phrase(_skip_determiners(rest[1:]))
        last = tail[-1] if tail else last
    return sentence[first[1] : last[2]], last[2]


def _after_of(sentence: str, words: list[tuple[str, int, int]]) -> str | None:
    """The thing counted in "90% of its troops" or "100 of Afghanistan's 419 district centers"."""
    words = _skip_determiners(words)
    if words and _NUMBER.fullmatch(words[0][0]):
        words = words[1:]
    phrase = _noun_phrase(words)
    return sentence[phrase[0][1] : phrase[-1][2]] if phrase else None


def _skip_determiners(words: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    index = 0
    while index < len(words) and (
        words[index][0].lower() in _DETERMINERS or words[index][0].endswith(("’s", "'s"))
    ):
        index += 1
    return words[index:]


def _noun_phrase(words: list[tuple[str, int, int]], limit: int = 4) -> list[tuple[str, int, int]]:
    """Up to ``limit`` content words, with "and" between two of them ("troops and equipment")."""
    phrase: list[tuple[str, int, int]] = []
    for index, word in enumerate(words):
        if len(phrase) >= limit:
            break
        following = words[index + 1][0] if index + 1 < len(words) else ""
        joins = (
            word[0].lower() == "and" and phrase and following and _content(following, later=True)
        )
        if not (joins or _content(word[0], later=bool(phrase))):
            break
        phrase.append(word)
    while phrase and phrase[-1][0].lower() == "and":
        phrase.pop()
    return phrase


def _content(text: str, *, later: bool = False) -> bool:
    """A word that can belong to the counted noun phrase (not a function word or a verb)."""
    lowered = text.lower()
    if not text[0].isalpha() or lowered in _STOP or lowered in WORD_NUMBERS:
        return False
    if lowered.endswith("ly"):
        return False
    return not (later and lowered.endswith("ed"))


def _is_date(sentence: str, number: re.Match, after: re.Match) -> bool:
    """Years ("in 2020"), days of the month ("July 7") and times are not counts."""
    digits = number.group("number")
    if not digits[0].isdigit():
        return False
    start, end = number.start("number"), number.end("number")
    before = sentence[max(0, start - WINDOW_CHARS) : start]
    rest = sentence[end : end + WINDOW_CHARS]
    if _DATE_BEFORE.search(before) or _DATE_AFTER.match(rest):
        return True
    if number.group("currency") or after.group("unit") or after.group("scale"):
        return False
    if not _YEAR.fullmatch(digits):
        return False
    following = rest.split(None, 1)[0].lower() if rest.strip() else ""
    counted = following.isalpha() and following.endswith("s") and following not in _STOP
    return bool(_YEAR_WORDS.search(before)) or not counted

"""Transcripts: a debate, hearing or interview read as speakers' turns instead of prose.

Four shapes (:func:`detect` tells them from an article; :func:`to_document` reads them):

- ``turns``: paragraphs starting "SPEAKER: text" (upper or title case, honorifics such as
  "SEN." or "Mr.", a party tag "(D-VT)", a role "(MODERATOR)", an optional "[hh:mm:ss]"
  before or "(mm:ss)" after the label). A label alone on its line starts a turn whose text
  follows; paragraphs without a label continue the turn before. Lines before the first turn
  are the header: a title, "Date: ...", "PARTICIPANTS: ...", "MODERATOR(S): <names>".
- ``tsv``: CheckThat! 2021 task 2B rows ``line<TAB>speaker<TAB>sentence``, or a TSV/CSV whose
  header names a line (optional), a speaker and a text column (ClaimBuster-style). Each row is
  one sentence, kept as given; consecutive rows of one speaker form one turn.
- ``srt`` and ``vtt``: subtitle cues with their times; the speaker from a WebVTT voice tag
  ``<v Name>`` or a "NAME:" (or ">> NAME:") at the start of a cue; a cue without one continues
  the speaker before. Other tags are dropped; consecutive cues of one speaker form one turn.

The Document's text: for ``turns`` the input itself (labels stay in the text, outside every
turn's pieces); TSV and subtitles are rendered as one "Speaker: text" paragraph per turn, with
"[hh:mm:ss]" before a timed one. Each :class:`~factcheck.types.Turn` has pieces with offsets
into that text, so claims cut from them satisfy ``text[start:end] == claim``.

Roles (vocab.SPEAKER_ROLES): ``moderator`` for a label saying MODERATOR or naming a person the
header lists as moderator; ``audience`` for QUESTION, QUESTIONER, Q and AUDIENCE labels;
``candidate`` for people listed under PARTICIPANTS/CANDIDATES (or a label saying CANDIDATE);
``speaker`` for those listed under SPEAKERS/PANELISTS/GUESTS; otherwise None (unknown).
Stage directions ("(APPLAUSE)", "[crosstalk]") and CheckThat!'s SYSTEM rows are kept as
furniture, never claims. Malformed input raises :class:`~factcheck.errors.InputError`.
"""

from __future__ import annotations

import csv
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from factcheck.errors import InputError
from factcheck.text import iso_date
from factcheck.types import Document, Turn, TurnPiece

FLAVOURS = ("turns", "tsv", "srt", "vtt")
LABEL_SCAN_CHARS = 160  # a speaker label is looked for in this much of a line
MIN_LABELLED_LINES = 3
MIN_LABELLED_SHARE = 0.3
MAX_LABEL_WORDS = 6
TABLE_SHARE = 0.8

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_LABEL = re.compile(
    rf"^(?P<lead>(?:>>\s*)?(?:\[(?P<before>{_TIME})\]\s*)?)"
    r"(?P<label>(?P<name>[A-Z][\w'’.\-]*(?: (?:[A-Z][\w'’.\-]*|\d{1,2}))*)"
    r"(?P<paren>\s*\([^()\n]{1,40}\))?"
    r"(?P<descr>(?:,\s+[A-Z][A-Z .'’\-]{1,60}){0,3})(?P<paren2>\s*\([^()\n]{1,40}\))?)"
    rf":(?:[ \t]*[\[(](?P<after>{_TIME})[\])])?(?=\s|$)[ \t]*"
)
_CUE_TIMING = re.compile(rf"^\s*(?P<start>{_TIME})\s*-->\s*(?P<end>{_TIME})(?:\s.*)?$")
_TIMING_HINT = re.compile(r"-->")
_VOICE = re.compile(r"<v(?:\.[\w.\-]+)*\s+([^>]*)>", re.I)
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_DATE_IN_NAME = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
_SENTENCE_END = re.compile(r"[.!?…]['\"”’)]*$")

HONORIFICS = frozenset(
    """mr mrs ms miss dr prof professor sen senator rep representative gov governor president
    vice former acting secretary sec mayor speaker rev reverend gen general judge justice
    ambassador amb chairman chairwoman chair lt col sgt capt adm hon congressman congresswoman
    sir dame lord lady the""".split()
)
NOT_SPEAKERS = frozenset(
    """note notes update updated updates correction corrections source sources photo photos
    caption credit credits related watch listen disclaimer warning summary background context
    example examples title date time location place transcript tags topics share email phone
    tel fax web website url subject re from to cc headline breaking exclusive opinion analysis
    live video audio image images graphic chart map table figure fig pictured above below top
    bottom left right episode part chapter section step read also key fact facts tip tips
    editor's reporting additional contributed edited published posted answer fact-check line
    check participants candidates moderators panelists panellists speakers guests""".split()
)
FUNCTION_WORDS = frozenset(
    """a an the in on at but and or so if when while for to from with as by of this that these
    those it he she we they i you my our his her their its here there what why how who where
    then now after before during since until although though because yes no one two three
    first last next""".split()
)
HEADER_KEYS = {
    "participants": "candidate",
    "candidates": "candidate",
    "moderator": "moderator",
    "moderators": "moderator",
    "speakers": "speaker",
    "panelists": "speaker",
    "panellists": "speaker",
    "guests": "speaker",
    "questioners": "audience",
}
AUDIENCE_LABELS = frozenset(
    {"question", "questioner", "q", "audience", "audience member", "audience question"}
)
ROMAN = frozenset({"II", "III", "IV", "VI"})


@dataclass
class _Label:
    """A speaker label found at the start of a line."""

    key: str  # name words without honorifics, upper case: the speaker's identity
    display: str  # as shown: title case for an upper-case label
    role: str | None
    text_start: int  # where the turn's text begins (after the label and a timestamp)
    time: float | None
    upper: bool  # written in capitals ("BIDEN:"), as speaker labels are; "Look:" is not


@dataclass
class _Header:
    title: str | None = None
    date: str | None = None
    roles: dict[str, str] = field(default_factory=dict)  # surname (upper) -> role


# ---------------------------------------------------------------- detection


def detect(text: str, name: str | None = None) -> str | None:
    """The transcript shape of ``text`` (one of FLAVOURS), or None when it reads as prose.

    Subtitles by extension or cue syntax; TSV/CSV by extension (.tsv, .tab, .csv) or most
    lines having the three-column shape; turns when at least 3 lines (and 30% of them) start with a speaker
    label and some label repeats, so a dateline ("WASHINGTON: ...") or a "Note:" does not.
    """
    suffix = PurePosixPath(name or "").suffix.lower()
    head = text.lstrip()[:200]
    if suffix == ".vtt" or head.startswith("WEBVTT"):
        return "vtt"
    if suffix == ".srt" or _looks_like_srt(text):
        return "srt"
    if suffix in (".tsv", ".tab", ".csv"):
        return "tsv"  # a table that is no transcript is refused with what was expected
    if _looks_tabular(text) and _table_columns(text, suffix) is not None:
        return "tsv"
    if _looks_like_turns(text):
        return "turns"
    return None


def _looks_like_srt(text: str) -> bool:
    blocks = [b for b in re.split(r"\n\s*\n", text.strip()[:20000]) if b.strip()]
    timed = sum(1 for b in blocks if any(_CUE_TIMING.match(line) for line in b.split("\n")[:3]))
    return timed >= 1 and timed >= 0.5 * len(blocks)


def _looks_tabular(text: str) -> bool:
    lines = [line for line in text.split("\n")[:200] if line.strip()]
    shaped = sum(1 for line in lines if line.count("\t") >= 2)
    return len(lines) >= 2 and shaped >= TABLE_SHARE * len(lines)


def _looks_like_turns(text: str) -> bool:
    lines = [line for line in text.split("\n") if line.strip()]
    keys = []
    for line in lines:
        label = _label(line.strip(), 0)
        if label is not None and not _header_role(line.strip()):
            keys.append(label.key)
    counts = Counter(keys)
    return (
        len(keys) >= MIN_LABELLED_LINES
        and len(keys) >= MIN_LABELLED_SHARE * len(lines)
        and max(counts.values()) >= 2
    )


# ---------------------------------------------------------------- the document


def to_document(text: str, *, name: str | None = None, flavour: str | None = None) -> Document:
    """``text`` read as a transcript (``flavour`` from :func:`detect` when not given)."""
    flavour = flavour or detect(text, name) or "turns"
    if flavour not in FLAVOURS:
        raise InputError(f"unknown transcript shape {flavour!r}; one of: {', '.join(FLAVOURS)}")
    if flavour == "turns":
        body, turns, header = _read_turns(text)
    elif flavour == "tsv":
        body, turns, header = _read_table(text, PurePosixPath(name or "").suffix.lower())
    else:
        body, turns, header = _read_cues(text, flavour)
    unlabelled = flavour == "turns" and not any(t.speaker for t in turns)
    if unlabelled or not any(t.pieces for t in turns):
        raise InputError(
            "no speaker turns found; a transcript has lines such as "
            "'SPEAKER: text', TSV rows 'line<TAB>speaker<TAB>text', or SRT/WebVTT cues "
            "(or ingest it as an article)"
        )
    stem = PurePosixPath(name or "").stem
    return Document(
        text=body,
        source=None,
        title=header.title or (_title_from_name(stem) if stem else None),
        published_date=_date_from_name(stem) or header.date,
        format="transcript",
        turns=turns,
    )


def _title_from_name(stem: str) -> str | None:
    words = _DATE_IN_NAME.sub("", stem).replace("_", " ").replace("-", " ").split()
    return " ".join(words) or None


def _date_from_name(stem: str) -> str | None:
    found = _DATE_IN_NAME.match(stem)
    return iso_date("-".join(found.groups())) if found else None


# ---------------------------------------------------------------- "SPEAKER: text" turns


def _read_turns(text: str) -> tuple[str, list[Turn], _Header]:
    """Turns over ``text`` itself (trailing spaces and blank lines at either end removed;
    line numbers stay those of ``text``)."""
    body = "\n".join(line.rstrip() for line in text.split("\n"))
    skipped = len(body) - len(body.lstrip("\n"))
    body = body.strip("\n")
    header = _Header()
    lines: list[tuple[int, int, int, _Label | None]] = []  # line number, start, end, label
    offset = 0
    for number, line in enumerate(body.split("\n"), start=1 + skipped):
        start, end = offset + len(line) - len(line.lstrip()), offset + len(line)
        offset = end + 1
        if start < end:
            lines.append((number, start, end, _label(body[start:end], start)))
    first = next(
        (
            i
            for i, (_, start, end, label) in enumerate(lines)
            if label is not None and not _read_header_line(body[start:end], _Header())
        ),
        len(lines),
    )
    for _, start, end, _ in lines[:first]:  # the header: title, date, who takes part
        line = body[start:end]
        if not _read_header_line(line, header) and _is_title(line):
            header.title = header.title or line
    preamble = [line for line in lines[:first] if _is_preamble_text(body[line[1] : line[2]])]
    labelled = Counter(line[3].key for line in lines if line[3] is not None)
    names = _unified_names([line[3] for line in lines if line[3] is not None])
    turns: list[Turn] = []
    previous_number = -1
    for number, start, end, label in preamble + lines[first:]:
        if label is not None and (label.upper or labelled[label.key] > 1 or " " in label.key):
            surname = label.key.split()[-1]
            role = label.role or header.roles.get(surname)
            turns.append(Turn(len(turns), names.get(label.key, label.display), role))
            if label.text_start < end:
                turns[-1].pieces.append(
                    TurnPiece(label.text_start, end, line=number, time_start=label.time)
                )
        elif not turns:  # text before any label: a turn without a known speaker
            turns.append(Turn(0, None, None, [TurnPiece(start, end, line=number)]))
        elif turns[-1].pieces and previous_number == number - 1:
            turns[-1].pieces[-1].end = end  # the next line of the same paragraph
        else:
            turns[-1].pieces.append(TurnPiece(start, end, line=number))
        previous_number = number
    _time_turns(turns)
    return body, turns, header


def _is_preamble_text(line: str) -> bool:
    """A line before the first turn that is spoken or written text, not a header line."""
    keyed = re.match(r"^[\w'’ .]{1,30}:(?:\s|$)", line)
    return not keyed and not _is_title(line)


def _label(line: str, offset: int) -> _Label | None:
    """The speaker label at the start of ``line`` (``offset``: where the line starts)."""
    found = _LABEL.match(line[:LABEL_SCAN_CHARS])
    if found is None:
        return None
    name = found.group("name").strip()
    words = name.split()
    titled = [w for w in words if w.lower() != "the"]  # "THE PRESIDENT:", "Speaker 1:"
    bare = [w for w in titled if w.lower().rstrip(".") not in HONORIFICS]
    bare = titled if all(w.isdigit() for w in bare) else bare
    if not bare or len(words) > MAX_LABEL_WORDS:
        return None
    lowered = name.lower()
    opening = words[0].lower()
    if (
        (opening in FUNCTION_WORDS and not (opening == "the" and name.isupper() and titled))
        or lowered in NOT_SPEAKERS
        or words[-1].lower() in NOT_SPEAKERS
    ):
        return None
    if any(not re.search(r"[A-Za-z]{2}|^(?:[A-Z]\.)*[A-Z]\.?$|^\d{1,2}$", w) for w in bare):
        return None  # "A1:", "3D:" and the like
    if len(bare) == 1 and len(bare[0]) == 1 and bare[0].upper() != "Q":
        return None
    extra = " ".join(
        filter(None, (found.group("paren"), found.group("descr"), found.group("paren2")))
    )
    time = found.group("before") or found.group("after")
    return _Label(
        key=" ".join(w.upper().rstrip(".") for w in bare),
        display=speaker_name(name),
        role=_role_of(name, extra),
        text_start=offset + found.end(),
        time=_seconds(time) if time else None,
        upper=name.isupper(),
    )


def _role_of(name: str, extra: str) -> str | None:
    lowered, described = name.lower().rstrip("."), extra.lower()
    if "moderator" in lowered or "moderator" in described:
        return "moderator"
    if lowered in AUDIENCE_LABELS or "audience" in lowered or "questioner" in lowered:
        return "audience"
    if "candidate" in described:
        return "candidate"
    return None


def _header_role(line: str) -> str | None:
    """The role a header line ("MODERATORS: Dana Bash (CNN), ...") gives the names it lists."""
    key, sep, value = line.partition(":")
    role = HEADER_KEYS.get(key.strip().lower())
    if not sep or role is None or not value.strip():
        return None
    names = _listed_names(value)
    return role if names and all(_is_name(n) for n in names) else None


def _read_header_line(line: str, header: _Header) -> bool:
    """Take a header line (who takes part, the date); False when the line is not one."""
    key, sep, value = line.partition(":")
    if not sep:
        return False
    if key.strip().lower() == "date" and value.strip():
        header.date = header.date or iso_date(value.strip())
        return True
    role = _header_role(line)
    if role is None:
        return False
    for person in _listed_names(value):
        surname = [w for w in person.split() if w.lower().rstrip(".") not in HONORIFICS][-1]
        header.roles.setdefault(surname.upper().rstrip("."), role)
    return True


def _listed_names(value: str) -> list[str]:
    value = re.sub(r"\([^()]*\)", " ", value)
    parts = re.split(r"\s*(?:[,;]|\band\b|&)\s*", value)
    return [" ".join(p.split()) for p in parts if p.strip()]


def _is_name(text: str) -> bool:
    words = text.split()
    bare = [w for w in words if w.lower().rstrip(".") not in HONORIFICS]
    return (
        1 <= len(bare) <= 4
        and all(w[0].isupper() for w in words)
        and not _SENTENCE_END.search(text)
    )


def _is_title(line: str) -> bool:
    """A short line without a full stop that is no "Key: value" line."""
    keyed = re.match(r"^[\w'’ .]{1,30}:(?:\s|$)", line)
    return len(line.split()) <= 20 and not _SENTENCE_END.search(line) and not keyed


def _unified_names(labels: list[_Label]) -> dict[str, str]:
    """A one-word label ("SANDERS") shown as the one fuller label ending with it."""
    by_key: dict[str, str] = {}
    for label in labels:
        by_key.setdefault(label.key, label.display)
        if len(label.key.split()) > len(by_key[label.key].split()):
            by_key[label.key] = label.display
    names = dict(by_key)
    by_last: dict[str, list[str]] = {}  # last word -> the multi-word keys ending with it
    for key in by_key:
        if " " in key:
            by_last.setdefault(key.split()[-1], []).append(key)
    for key in by_key:
        fuller = by_last.get(key, []) if " " not in key else []
        if len(fuller) == 1:
            names[key] = by_key[fuller[0]]
    return names


def speaker_name(label: str) -> str:
    """A speaker as shown: an upper-case label in title case ("SEN. SANDERS" -> "Sen. Sanders")."""
    label = " ".join(label.split())
    if not label.isupper():
        return label
    return " ".join(word if word in ROMAN else _title_word(word) for word in label.split())


def _title_word(word: str) -> str:
    titled = re.sub(r"[A-Za-z]+", lambda m: m.group(0).capitalize(), word.lower())
    return re.sub(r"^Mc([a-z])", lambda m: "Mc" + m.group(1).upper(), titled)


def _time_turns(turns: list[Turn]) -> None:
    """A turn timed at its start ("[00:01:02] NAME:") runs until the next timed turn."""
    timed = [t for t in turns if t.pieces and t.pieces[0].time_start is not None]
    for turn, following in zip(timed, timed[1:] + [None]):
        end = following.pieces[0].time_start if following is not None else None
        for piece in turn.pieces:
            piece.time_start = turn.pieces[0].time_start
            piece.time_end = end


# ---------------------------------------------------------------- TSV / CSV rows


@dataclass
class _Columns:
    delimiter: str
    header: bool
    line: int | None
    speaker: int
    text: int
    role: int | None = None


LINE_COLUMNS = ("line", "line_number", "line_no", "lineno", "sentence_id", "id", "index", "#")
SPEAKER_COLUMNS = ("speaker", "speaker_name", "name")
TEXT_COLUMNS = ("text", "sentence", "utterance", "content", "transcript")
ROLE_COLUMNS = ("role", "speaker_role", "speaker_title")


def _table_columns(text: str, suffix: str) -> _Columns | None:
    """Which columns hold the line, speaker and text; None when ``text`` is no such table."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = "\t" if "\t" in first or suffix != ".csv" else ","
    cells = [c.strip().lower() for c in next(csv.reader([first], delimiter=delimiter), [])]
    speaker = _column(cells, SPEAKER_COLUMNS)
    body = _column(cells, TEXT_COLUMNS)
    if speaker is not None and body is not None:
        return _Columns(
            delimiter,
            True,
            _column(cells, LINE_COLUMNS),
            speaker,
            body,
            _column(cells, ROLE_COLUMNS),
        )
    if delimiter == "\t" and len(cells) >= 3 and cells[0].isdigit():
        return _Columns("\t", False, 0, 1, 2)
    return None


def _column(cells: list[str], names: tuple[str, ...]) -> int | None:
    return next((cells.index(n) for n in names if n in cells), None)


def _read_table(text: str, suffix: str) -> tuple[str, list[Turn], _Header]:
    columns = _table_columns(text, suffix)
    if columns is None:
        raise InputError(
            "not a transcript table: expected rows 'line<TAB>speaker<TAB>text' "
            "or a header naming speaker and text (sentence) columns"
        )
    lines = text.split("\n")
    # CheckThat! rows carry bare quotation marks: tab-separated text is read as it is
    if columns.delimiter == "\t":
        reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        reader = csv.reader(lines, delimiter=columns.delimiter)
    rows: list[tuple[int, str, str | None, str]] = []  # line, speaker, role, text
    for number, cells in enumerate(reader, start=1):
        if not any(c.strip() for c in cells) or (columns.header and number == 1):
            continue
        needed = max(columns.speaker, columns.text, columns.line or 0)
        if len(cells) <= needed:
            raise InputError(
                f"line {number}: expected {needed + 1} columns "
                f"separated by {'tabs' if columns.delimiter == chr(9) else 'commas'}, "
                f"found {len(cells)}"
            )
        line = _row_number(cells, columns, number)
        body = (
            " ".join(c.strip() for c in cells[columns.text :] if c.strip())
            if not columns.header
            else cells[columns.text].strip()
        )
        if not body:
            continue
        role = cells[columns.role].strip().lower() if columns.role is not None else None
        rows.append((line, cells[columns.speaker].strip(), role, body))
    return _render_rows(rows)


def _row_number(cells: list[str], columns: _Columns, number: int) -> int:
    if columns.line is None:
        return number
    value = cells[columns.line].strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 9):  # not "²", fits INTEGER
        raise InputError(f"line {number}: the line column holds {value[:20]!r}, not a number")
    return int(value)


def _render_rows(rows: list[tuple[int, str, str | None, str]]) -> tuple[str, list[Turn], _Header]:
    out = _Writer()
    turns: list[Turn] = []
    for line, speaker, role, body in rows:
        if not turns or turns[-1].speaker != speaker_name(speaker or "Unknown"):
            name = speaker_name(speaker or "Unknown")
            stage = speaker.upper() == "SYSTEM"
            turn_role = role if role in HEADER_KEYS.values() else _role_of(speaker, "")
            turns.append(Turn(len(turns), name, None if stage else turn_role, stage=stage))
            out.paragraph(f"{name}: ")
        else:
            out.add(" ")
        start, end = out.add(body)
        turns[-1].pieces.append(TurnPiece(start, end, given=True, line=line))
    return out.text(), turns, _Header()


class _Writer:
    """Builds the rendered text, giving the span of each part added."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, part: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(part)
        self.length += len(part)
        return start, self.length

    def paragraph(self, opening: str) -> None:
        if self.length:
            self.add("\n\n")
        self.add(opening)

    def text(self) -> str:
        return "".join(self.parts)


# ---------------------------------------------------------------- SRT / WebVTT cues


@dataclass
class _Cue:
    start: float
    end: float
    line: int
    parts: list[tuple[str | None, str]]  # (speaker label or None: carries on, text)


def _read_cues(text: str, flavour: str) -> tuple[str, list[Turn], _Header]:
    cues = _parse_cues(text, flavour)
    if not cues:
        raise InputError("no subtitle cues found (expected 'start --> end' timing lines)")
    out = _Writer()
    turns: list[Turn] = []
    speaker: str | None = None
    role: str | None = None
    new_turn = True
    for cue in cues:
        for label, words in cue.parts:
            if label is not None and speaker_name(label) != speaker:
                speaker, role, new_turn = speaker_name(label), _role_of(label, ""), True
            if not words:
                continue
            if new_turn:
                turns.append(Turn(len(turns), speaker, role))
                out.paragraph(f"[{clock(cue.start)}] " + (f"{speaker}: " if speaker else ""))
                new_turn = False
            else:
                out.add(" ")
            start, end = out.add(words)
            turns[-1].pieces.append(
                TurnPiece(start, end, line=cue.line, time_start=cue.start, time_end=cue.end)
            )
    return out.text(), turns, _Header()


def _parse_cues(text: str, flavour: str) -> list[_Cue]:
    cues: list[_Cue] = []
    block: list[tuple[int, str]] = []
    numbered = list(enumerate(text.split("\n"), start=1))
    for number, line in numbered + [(len(numbered) + 1, "")]:
        if line.strip():
            block.append((number, line.strip()))
            continue
        if block:
            _read_block(block, cues, flavour)
            block = []
    return cues


def _read_block(block: list[tuple[int, str]], cues: list[_Cue], flavour: str) -> None:
    timing = next((i for i, (_, line) in enumerate(block) if _TIMING_HINT.search(line)), None)
    first = block[0][1]
    if timing is None:
        if flavour == "vtt" and (
            first.startswith(("WEBVTT", "NOTE", "STYLE", "REGION")) or not cues
        ):
            return
        if not cues:
            raise InputError(
                f"line {block[0][0]}: text before the first cue timing "
                "('00:00:01,000 --> 00:00:04,000')"
            )
        cues[-1].parts.extend(_cue_parts([line for _, line in block]))  # a blank line inside a cue
        return
    number, line = block[timing]
    found = _CUE_TIMING.match(line)
    if found is None:
        raise InputError(f"line {number}: not a cue timing: {line[:60]!r}")
    start, end = _seconds(found.group("start")), _seconds(found.group("end"))
    if end < start:
        raise InputError(f"line {number}: the cue ends before it starts")
    text_lines = block[timing + 1 :]
    if any(_TIMING_HINT.search(line) for _, line in text_lines):
        raise InputError(f"line {text_lines[0][0]}: a cue with two timing lines")
    if text_lines:
        cues.append(_Cue(start, end, text_lines[0][0], _cue_parts([t for _, t in text_lines])))


def _cue_parts(lines: list[str]) -> list[tuple[str | None, str]]:
    """A cue's text split by voice: ``<v Name>`` tags, or an upper-case "NAME:" opening
    (">> NAME:" in captions); None: the speaker before carries on."""
    joined = " ".join(lines)
    voices = list(_VOICE.finditer(joined))
    bounds = [v.start() for v in voices[1:]] + [len(joined)]
    pieces: list[tuple[str | None, str]] = [
        (None, joined[: voices[0].start()] if voices else joined)
    ]
    pieces += [(v.group(1).strip() or None, joined[v.end() : e]) for v, e in zip(voices, bounds)]
    parts = []
    for voice, raw in pieces:
        words = " ".join(html.unescape(_TAG.sub("", raw)).split()).lstrip("-–> ")
        label = _label(words, 0) if voice is None else None
        if label is not None and label.upper:
            voice, words = label.display, words[label.text_start :].strip()
        if voice is not None or words:
            parts.append((voice, words))
    return parts


def _seconds(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return round(seconds, 3)


def clock(seconds: float) -> str:
    """``hh:mm:ss`` of a time in seconds."""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"

"""Verdict scales as data: ordered labels, their ordinal values, aliases, custom scales from a file.

A :class:`Scale` lists its ordinal labels worst -> best, then any non-ordinal extras
(``ordinal=None``: "Unproven", "Satire", ...). Labels are matched case-, space-, dash- and
punctuation-insensitively ("Pants on Fire!" == "pants on fire"), and through aliases
("pants-fire", PolitiFact's old "barely-true" = "Mostly False").

Presets: ``politifact``, ``snopes``, ``meta``, ``simple``, ``ordinal-1-5``. Custom scales come
from a TOML or JSON file (the ``path`` argument, else the ``scales_file`` setting,
``FACTCHECK_SCALES_FILE``)::

    [scales.newsroom]
    description = "Our house scale"
    labels = ["False", "Misleading", "True"]          # ordinal 1, 2, 3 by position
    # or tables: {name = "Unclear", ordinal = false, aliases = ["unsure"]}

A table label takes ``ordinal`` (a number, or ``false`` for a non-ordinal label; default: its
position) and ``aliases``. ``ordinal = false`` on the scale makes every label non-ordinal.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from factcheck.config import env_name, load_settings
from factcheck.errors import ConfigError, InputError

SCALES_FILE_ENV = env_name("scales_file")
Ordinal = int | float | None


class UnknownLabelError(InputError):
    """A verdict label that the scale does not know."""


def label_key(text: str) -> str:
    """Matching key: case-folded, with spaces, dashes and punctuation removed."""
    return re.sub(r"[\W_]+", "", text.casefold())


@dataclass(frozen=True)
class Label:
    """One verdict: its canonical name, ordinal value (None: not on the ordinal scale), aliases."""

    name: str
    ordinal: Ordinal = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scale:
    """An ordered set of verdict labels. Build presets with :func:`get_scale`."""

    name: str
    labels: tuple[Label, ...]
    description: str = ""
    _index: dict[str, Label] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.labels:
            raise ConfigError(f"scale {self.name!r} has no labels")
        index: dict[str, Label] = {}
        for label in self.labels:
            for text in (label.name, *label.aliases):
                key = label_key(str(text))
                if not key:
                    raise ConfigError(f"scale {self.name!r}: empty label or alias {text!r}")
                if key in index and index[key] is not label:
                    raise ConfigError(
                        f"scale {self.name!r}: {text!r} names both "
                        f"{index[key].name!r} and {label.name!r}"
                    )
                index[key] = label
        object.__setattr__(self, "_index", index)

    @property
    def names(self) -> list[str]:
        """Canonical label names in scale order."""
        return [label.name for label in self.labels]

    @property
    def ordinal_labels(self) -> list[Label]:
        """Labels with an ordinal value, worst -> best."""
        ordinal = [lb for lb in self.labels if lb.ordinal is not None]
        return sorted(ordinal, key=lambda lb: lb.ordinal or 0)  # (no None left to sort)

    @property
    def is_ordinal(self) -> bool:
        """True when at least two distinct ordinal values exist."""
        return len({lb.ordinal for lb in self.ordinal_labels}) >= 2

    @property
    def best(self) -> Ordinal:
        """Highest ordinal value (schema.org ClaimReview ``bestRating``), None if not ordinal."""
        return self.ordinal_labels[-1].ordinal if self.is_ordinal else None

    @property
    def worst(self) -> Ordinal:
        """Lowest ordinal value (ClaimReview ``worstRating``), None if not ordinal."""
        return self.ordinal_labels[0].ordinal if self.is_ordinal else None

    @property
    def midpoint(self) -> float | None:
        """Middle of the ordinal range: (best + worst) / 2."""
        best, worst = self.best, self.worst  # both None when the scale is not ordinal
        return (best + worst) / 2 if best is not None and worst is not None else None

    def label(self, text: str | int | float) -> Label:
        """The :class:`Label` that ``text`` names (name or alias, loosely matched)."""
        if isinstance(text, float) and text.is_integer():
            text = int(text)
        found = self._index.get(label_key(str(text)))
        if found is None:
            raise UnknownLabelError(
                f"unknown verdict {text!r} for scale {self.name!r}; "
                f"valid labels: {', '.join(self.names)}"
            )
        return found

    def normalise(self, text: str | int | float) -> str:
        """The canonical label name for ``text``; unknown -> :class:`UnknownLabelError`."""
        return self.label(text).name

    def ordinal(self, text: str | int | float) -> Ordinal:
        """The ordinal value of a label (None for a non-ordinal label such as "Unproven")."""
        return self.label(text).ordinal

    def polarity(self, text: str) -> str | None:
        """ "true" above the ordinal midpoint, "false" below, "mixed" on it, None if not ordinal."""
        value, mid = self.ordinal(text), self.midpoint
        if value is None or mid is None:
            return None
        return "true" if value > mid else "false" if value < mid else "mixed"

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "is_ordinal": self.is_ordinal,
            "best": self.best,
            "worst": self.worst,
            "labels": [
                {"name": lb.name, "ordinal": lb.ordinal, "aliases": list(lb.aliases)}
                for lb in self.labels
            ],
        }


def _ordered(names: list[str], aliases: dict[str, tuple[str, ...]] | None = None) -> list[Label]:
    aliases = aliases or {}
    return [Label(name, i, aliases.get(name, ())) for i, name in enumerate(names, start=1)]


def _extras(names: list[str], aliases: dict[str, tuple[str, ...]] | None = None) -> list[Label]:
    aliases = aliases or {}
    return [Label(name, None, aliases.get(name, ())) for name in names]


PRESETS: dict[str, Scale] = {
    "politifact": Scale(
        "politifact",
        tuple(
            _ordered(
                ["Pants on Fire!", "False", "Mostly False", "Half True", "Mostly True", "True"],
                {
                    "Pants on Fire!": ("pants-fire", "pants on fire"),
                    "Mostly False": ("barely-true", "barely true"),
                },
            )
        ),
        "PolitiFact Truth-O-Meter (barely-true was the old name of Mostly False)",
    ),
    "snopes": Scale(
        "snopes",
        tuple(
            _ordered(
                ["False", "Mostly False", "Mixture", "Mostly True", "True"], {"Mixture": ("mixed",)}
            )
            + _extras(
                [
                    "Unproven",
                    "Unfounded",
                    "Research In Progress",
                    "Miscaptioned",
                    "Correct Attribution",
                    "Misattributed",
                    "Outdated",
                    "Scam",
                    "Legend",
                    "Labeled Satire",
                    "Originated as Satire",
                    "Fake",
                    "Recall",
                ],
                {"Labeled Satire": ("satire",)},
            )
        ),
        "Snopes-style ratings: five ordinal levels plus non-ordinal ratings",
    ),
    "meta": Scale(
        "meta",
        (
            Label("False", 1, ("false information",)),
            Label("Altered", None, ("altered photo", "altered video", "altered media")),
            Label("Partly False", 2, ("partly false information",)),
            Label("Missing Context", 3),
            Label("Satire", None),
            Label("True", 4),
        ),
        "Meta third-party fact-checking labels; Altered and Satire are not on the ordinal scale",
    ),
    "simple": Scale(
        "simple",
        tuple(
            _ordered(["False", "Misleading", "True"])
            + _extras(["Unproven"], {"Unproven": ("unverified",)})
        ),
        "True / False / Misleading (ordinal), Unproven (not ordinal)",
    ),
    "ordinal-1-5": Scale(
        "ordinal-1-5",
        tuple(_ordered(["1", "2", "3", "4", "5"])),
        "A plain 1-5 rating (1 worst, 5 best)",
    ),
}


# --------------------------------------------------------------------------- custom scales


def _parse_label(scale: str, entry, position: int, ordinal_scale: bool) -> Label:
    if isinstance(entry, (str, int, float)) and not isinstance(entry, bool):
        return Label(str(entry), position if ordinal_scale else None)
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), (str, int)):
        raise ConfigError(
            f"scale {scale!r}: label {position} must be a string or a table "
            f"with a 'name', got {entry!r}"
        )
    value = entry.get("ordinal", position if ordinal_scale else False)
    if value is True:
        value = position
    if value is not False and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ConfigError(
            f"scale {scale!r}: ordinal of {entry['name']!r} must be a number "
            f"or false, got {value!r}"
        )
    aliases = entry.get("aliases", [])
    if isinstance(aliases, str) or not isinstance(aliases, list):
        raise ConfigError(f"scale {scale!r}: aliases of {entry['name']!r} must be a list")
    return Label(
        str(entry["name"]), None if value is False else value, tuple(str(a) for a in aliases)
    )


def _parse_scale(name: str, body) -> Scale:
    if not isinstance(body, dict) or not isinstance(body.get("labels"), list):
        raise ConfigError(f"scale {name!r} needs a 'labels' list")
    if label_key(name) in {label_key(n) for n in PRESETS}:
        raise ConfigError(f"scale name {name!r} is built in; choose another name")
    ordinal_scale = body.get("ordinal", True) is not False
    labels = tuple(
        _parse_label(name, entry, i, ordinal_scale)
        for i, entry in enumerate(body["labels"], start=1)
    )
    return Scale(name, labels, str(body.get("description", "")))


def _read_file(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(
            f"cannot read scales file {path} ({error.strerror}); "
            f"check the path or {SCALES_FILE_ENV}"
        ) from None
    is_json = path.suffix.lower() == ".json"
    try:
        return json.loads(raw) if is_json else tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        kind = "JSON" if is_json else "TOML"
        raise ConfigError(f"scales file {path} is not valid {kind}: {error}") from None


def load_scales_file(path: str | Path) -> dict[str, Scale]:
    """Custom scales from a TOML or JSON (``.json``) file with a ``scales`` table."""
    data = _read_file(Path(path))
    scales = data.get("scales") if isinstance(data, dict) else None
    if not isinstance(scales, dict) or not scales:
        raise ConfigError(f"scales file {path} needs a 'scales' table of named scales")
    return {name: _parse_scale(name, body) for name, body in scales.items()}


def _custom(path: str | Path | None) -> dict[str, Scale]:
    path = path or load_settings().scales_file
    return load_scales_file(path) if path else {}


def list_scales(path: str | Path | None = None) -> list[str]:
    """Names of the presets, then of the custom scales (``path`` or ``FACTCHECK_SCALES_FILE``)."""
    return [*PRESETS, *_custom(path)]


def get_scale(name: str | Scale, path: str | Path | None = None) -> Scale:
    """The scale called ``name`` (loosely matched); a :class:`Scale` is returned as is."""
    if isinstance(name, Scale):
        return name
    scales = {**PRESETS, **_custom(path)}
    found = {label_key(n): s for n, s in scales.items()}.get(label_key(str(name)))
    if found is None:
        raise ConfigError(f"unknown verdict scale {name!r}; choose one of: {', '.join(scales)}")
    return found

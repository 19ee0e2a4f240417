"""Loading sources into a :class:`Document`. PLACEHOLDER: replaced by the ingest helper."""

from __future__ import annotations

import sys
from pathlib import Path

from .config import Settings
from .errors import InputError
from .types import Document


def load_source(source: str, settings: Settings) -> Document:
    if source == "-":
        data = sys.stdin.buffer.read()
        return load_bytes(data, source="stdin", source_kind="stdin", settings=settings)
    path = Path(source)
    if not path.is_file():
        raise InputError(f"{source}: no such file")
    return load_bytes(path.read_bytes(), source=str(path), source_kind="file", settings=settings)


def load_bytes(data: bytes, *, source: str, source_kind: str, settings: Settings, name: str | None = None) -> Document:
    text = data.decode("utf-8-sig").strip()
    if not text:
        raise InputError(f"{source}: empty")
    return Document(text=text, source=source, source_kind=source_kind)


def decode_lines(data: bytes, *, source: str, settings: Settings) -> list[str]:
    text = data.decode("utf-8-sig")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputError(f"{source}: no sentences to score")
    return lines

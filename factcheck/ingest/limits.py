"""The input size limit's message, shared by file, stream and URL reading."""

from __future__ import annotations


def too_large_message(size: int | None, limit: int) -> str:
    """The explanation for input over ``limit`` bytes (``size`` when known)."""
    found = f"{human_size(size)}; " if size is not None else ""
    return (
        f"too large ({found}the limit is {human_size(limit)}; "
        "set FACTCHECK_MAX_INPUT_BYTES to change it)"
    )


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"  # unreachable

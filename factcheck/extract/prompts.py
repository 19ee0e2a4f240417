"""Prompt templates in ``prompts/*.md`` (shipped with the package), rendered into chat messages
with named variables.

A template file is split into chat messages by marker lines ``<!-- system -->`` and
``<!-- user -->``; anything before the first marker is a comment that is never sent.
Variables use :class:`string.Template` syntax (``$name`` or ``${name}``; ``$$`` is a literal
dollar), so the JSON examples in a prompt need no brace escaping. Rendering is strict: a
missing variable, an unknown extra one, or a malformed ``$`` is a :class:`PromptError`.

A few variables are the project's vocabulary and are filled in from :mod:`factcheck.vocab`
(see :func:`shared_variables`), so a prompt asks the model for the values the project uses:
``$stances`` (each stance with its meaning, one a line) and ``$stance_choices``
(``supports | refutes | ...``). A caller passes only the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template

from factcheck import resources, vocab
from factcheck.errors import ConfigError

_MARKER = re.compile(r"^[ \t]*<!--\s*(system|user)\s*-->[ \t]*$", re.MULTILINE)
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
SHARED = frozenset({"stances", "stance_choices"})
"""Variables filled from the vocabulary (:func:`shared_variables`)."""


def shared_variables() -> dict[str, str]:
    """The values of the :data:`SHARED` variables, from :mod:`factcheck.vocab`."""
    return {
        "stances": "\n".join(
            f'- "{choice}": {vocab.EVIDENCE_MEANINGS[choice]}.' for choice in vocab.EVIDENCE_CHOICES
        ),
        "stance_choices": " | ".join(vocab.EVIDENCE_CHOICES),
    }


class PromptError(ConfigError):
    """A prompt template is missing or malformed, or was rendered with the wrong variables."""


@dataclass(frozen=True)
class PromptTemplate:
    """One parsed template: its chat parts in order and the variables they use."""

    name: str
    parts: tuple[tuple[str, Template], ...]

    @property
    def identifiers(self) -> frozenset[str]:
        """Every variable the template uses."""
        return frozenset(v for _, part in self.parts for v in part.get_identifiers())

    @property
    def variables(self) -> frozenset[str]:
        """The variables a caller passes (those filled from the vocabulary left out)."""
        return self.identifiers - SHARED

    def render(self, **variables) -> list[dict]:
        """Chat messages (``{"role", "content"}``) with every variable filled in."""
        self._check(variables)
        shared = {k: v for k, v in shared_variables().items() if k in self.identifiers}
        values = shared | {key: str(value) for key, value in variables.items()}
        return [{"role": role, "content": part.substitute(values)} for role, part in self.parts]

    def _check(self, given: dict) -> None:
        expected = sorted(self.variables)
        missing = [v for v in expected if v not in given]
        unknown = sorted(set(given) - self.identifiers)
        if missing or unknown:
            problems = []
            if missing:
                problems.append(f"missing {', '.join(missing)}")
            if unknown:
                problems.append(f"unknown {', '.join(unknown)}")
            raise PromptError(
                f"prompt {self.name!r}: {'; '.join(problems)} "
                f"(it takes: {', '.join(expected) or 'no variables'})"
            )


def _folder(directory: Traversable | str | None) -> Traversable:
    if directory is None:
        return resources.prompts_dir()
    return Path(directory) if isinstance(directory, str) else directory


def available(directory: Traversable | str | None = None) -> list[str]:
    """Names of the templates in ``directory`` (default: the shipped ones), sorted."""
    folder = _folder(directory)
    if not folder.is_dir():
        return []
    stems = (p.name[: -len(".md")] for p in folder.iterdir() if p.name.endswith(".md"))
    return sorted(stem for stem in stems if _NAME.match(stem))


def load(name: str, directory: Traversable | str | None = None) -> PromptTemplate:
    """Read and parse template ``name`` from ``directory`` (default: the shipped ones)."""
    directory = _folder(directory)
    path = directory / f"{name}.md"
    if not _NAME.match(name) or not path.is_file():
        choices = ", ".join(available(directory)) or "none"
        raise PromptError(f"no prompt template {name!r} in {directory} (available: {choices})")
    return parse(name, path.read_text(encoding="utf-8"))


def parse(name: str, text: str) -> PromptTemplate:
    """Split template text at its role markers and check each part's ``$`` syntax."""
    pieces = _MARKER.split(text)
    pairs = list(zip(pieces[1::2], pieces[2::2]))
    if not pairs:
        raise PromptError(f"prompt {name!r} has no <!-- system --> or <!-- user --> marker line")
    parts = []
    for role, body in pairs:
        template = Template(body.strip())
        if not template.is_valid():
            raise PromptError(
                f"prompt {name!r} ({role} part) has a malformed '$' placeholder; "
                "write $$ for a literal dollar sign"
            )
        if not template.template:
            raise PromptError(f"prompt {name!r} has an empty {role} part")
        parts.append((role, template))
    return PromptTemplate(name=name, parts=tuple(parts))


def render(name: str, /, **variables) -> list[dict]:
    """Render the template ``name`` from ``prompts/`` into chat messages."""
    return load(name).render(**variables)

"""The vocabularies live in factcheck/vocab.py only: the CLI offers exactly them, the library
checks against them, and no other module spells one out again."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from factcheck import vocab
from factcheck.cli import cli
from factcheck.export import verdicts

ROOT = Path(__file__).resolve().parent.parent

CHOICES = [
    ("ingest", "extractor", vocab.EXTRACTORS),
    ("articles", "fmt", vocab.TABLE_FORMATS),
    ("claims", "fmt", vocab.TABLE_FORMATS),
    ("score", "fmt", vocab.TABLE_FORMATS),
    ("corpus import", "fmt", vocab.CORPUS_FORMATS),
    ("corpus import", "kind", vocab.CORPUS_KINDS),
    ("corpus list", "kind", vocab.CORPUS_KINDS),
    ("corpus embed", "backend", vocab.EMBED_BACKENDS),
    ("search", "method", vocab.MATCH_METHODS),
    ("match", "method", vocab.MATCH_METHODS),
    ("eval", "fmt", vocab.CORPUS_FORMATS),
    ("eval", "method", vocab.MATCH_METHODS),
    ("export", "fmt", vocab.EXPORT_FORMATS),
    ("export", "statuses", vocab.STATUSES),
    ("agreement", "scope", vocab.AGREEMENT_SCOPES),
    ("agreement", "fmt", vocab.TABLE_FORMATS),
]


@pytest.mark.parametrize("path, option, values", CHOICES)
def test_the_cli_offers_exactly_the_vocabulary(path, option, values):
    command = cli
    for name in path.split():
        command = command.commands[name]
    (param,) = [p for p in command.params if p.name == option]
    assert tuple(param.type.choices) == values
    shown = CliRunner().invoke(cli, [*path.split(), "--help"], terminal_width=200)
    assert shown.exit_code == 0
    for value in values:
        assert value in shown.output


def test_export_help_names_every_export_format():
    shown = CliRunner().invoke(cli, ["export", "--help"], terminal_width=200).output
    assert "[" + "|".join(vocab.EXPORT_FORMATS) + "]" in shown


def test_every_export_format_has_a_file_extension_and_a_media_type():
    assert tuple(verdicts.EXTENSIONS) == vocab.EXPORT_FORMATS
    assert tuple(verdicts.MEDIA_TYPES) == vocab.EXPORT_FORMATS


def test_the_library_refuses_values_outside_the_vocabulary(db):
    from factcheck.corpus.importer import ImportOptions, import_paths
    from factcheck.errors import InputError
    from factcheck.review import workflow

    with pytest.raises(InputError, match=", ".join(vocab.ROLES)):
        workflow.ensure_reviewer(db, "Ann", "boss")
    with pytest.raises(InputError, match=", ".join(vocab.EXPORT_FORMATS)):
        verdicts.export(db, "pdf")
    with pytest.raises(InputError, match=", ".join(vocab.CORPUS_KINDS)):
        import_paths(db, [], ImportOptions(kind="blog"))


def _literals(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and len(node.elts) > 1:
            if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
                yield node.lineno, tuple(e.value for e in node.elts)


def test_no_module_spells_out_a_vocabulary_again():
    vocabularies = {
        frozenset(value): name
        for name, value in vars(vocab).items()
        if name.isupper() and isinstance(value, tuple)
    }
    files = [*(ROOT / "factcheck").rglob("*.py"), *(ROOT / "app_pages").glob("*.py")]
    copies = [
        f"{path.relative_to(ROOT)}:{line} repeats vocab.{vocabularies[frozenset(values)]}"
        for path in files
        if path.name != "vocab.py"
        for line, values in _literals(ast.parse(path.read_text(encoding="utf-8")))
        if frozenset(values) in vocabularies
    ]
    assert copies == []

"""The settings table (factcheck/config.py): precedence, .env, bad values, and the docs that are
generated from it (the README block, ``factcheck --help``) staying in step with it."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from factcheck import config
from factcheck.cli import cli
from factcheck.config import Settings, load_settings
from factcheck.errors import ConfigError
from factcheck.models.onnx import backend as embed_backend

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


@pytest.fixture(autouse=True)
def clean(monkeypatch, tmp_path):
    """No FACTCHECK_* variable from outside, and a working folder without a .env file."""
    import os

    for name in list(os.environ):
        if name.upper().startswith("FACTCHECK_") or name.upper() == "OPENAI_API_KEY":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


# ---------------------------------------------------------------- the docs follow the table


def test_readme_settings_block_is_the_table():
    block = config.readme_block(README.read_text(encoding="utf-8"))
    assert block is not None, f"README.md lacks the {config.README_START} block"
    assert block == config.markdown_table(), (
        "README.md's settings table is out of date: run `python -m factcheck.config`"
    )


def test_readme_names_every_variable_once():
    block = config.readme_block(README.read_text(encoding="utf-8")) or ""
    for name in Settings.model_fields:
        assert block.count(f"`{config.env_name(name)}`") == 1, name


def test_help_lists_every_setting():
    result = CliRunner().invoke(cli, ["--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    for name in Settings.model_fields:
        assert config.env_name(name) in result.output, name
    # and their defaults
    assert "[default: 0.64]" in result.output and "[default: rerank]" in result.output


def test_every_setting_has_help_and_a_default():
    for name, info in Settings.model_fields.items():
        assert info.description, f"{name} has no help text"
        assert not info.is_required(), f"{name} has no default"
        assert config.env_name(name).startswith("FACTCHECK_"), name


def test_the_readme_block_is_rewritten(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{config.README_START}\nold\n{config.README_END}\n\nafter\n")
    assert config.main(["--check", str(readme)]) == 1
    assert config.main([str(readme)]) == 0
    text = readme.read_text()
    assert config.readme_block(text) == config.markdown_table() and text.endswith("after\n")
    assert config.main(["--check", str(readme)]) == 0


# ---------------------------------------------------------------- precedence and .env


def test_defaults():
    settings = load_settings()
    assert settings.db_path == Path("factcheck.db")  # relative: the working folder
    assert (settings.threshold, settings.match_method, settings.embed_backend) == (
        0.5,
        "rerank",
        None,  # not named: the embedder's default, onnx (torch's vectors, faster on a CPU)
    )
    assert embed_backend() == "onnx"
    assert settings.score_backend is None and settings.llm_api_key is None


def test_option_beats_environment_beats_dotenv_beats_default(monkeypatch, tmp_path):
    assert load_settings().match_top_k == 5
    (tmp_path / ".env").write_text("FACTCHECK_MATCH_TOP_K=7\nFACTCHECK_THRESHOLD=0.6\n")
    assert load_settings().match_top_k == 7
    monkeypatch.setenv("FACTCHECK_MATCH_TOP_K", "8")
    settings = load_settings()
    assert (settings.match_top_k, settings.threshold) == (8, 0.6)
    assert load_settings(match_top_k=9).match_top_k == 9
    assert load_settings(match_top_k=None).match_top_k == 8  # None: no option given
    assert config.sources()["match_top_k"] == "environment"
    assert config.sources()["threshold"] == ".env"
    assert config.sources()["model"] == "default"


def test_a_changed_environment_or_dotenv_is_seen_at_once(monkeypatch, tmp_path):
    assert load_settings().threshold == 0.5
    dotenv = tmp_path / ".env"
    dotenv.write_text("FACTCHECK_THRESHOLD=0.6\n")
    assert load_settings().threshold == 0.6
    dotenv.write_text("FACTCHECK_THRESHOLD=0.65\n")
    assert load_settings().threshold == 0.65
    monkeypatch.setenv("factcheck_threshold", "0.7")  # names are case-insensitive
    assert load_settings().threshold == 0.7
    monkeypatch.delenv("factcheck_threshold")
    assert load_settings().threshold == 0.65
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert load_settings().threshold == 0.5
    monkeypatch.setenv("HOME", str(elsewhere))
    assert load_settings().onnx_dir == elsewhere / ".cache" / "factcheck" / "onnx"


def test_dotenv_file(tmp_path):
    (tmp_path / ".env").write_text(
        "# a comment\nFACTCHECK_DB=~/desk.db\nFACTCHECK_EXTRACTOR=llm\n"
        "FACTCHECK_ALLOW_PRIVATE_URLS=yes\nSOMETHING_ELSE=1\nFACTCHECK_MODEL=\n",
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.db_path == Path("~/desk.db").expanduser()
    assert settings.extractor == "llm" and settings.allow_private_urls is True
    assert settings.model is None  # empty means unset


def test_with_overrides_keeps_the_rest(monkeypatch):
    monkeypatch.setenv("FACTCHECK_MATCH_STRONG", "0.8")
    base = load_settings(threshold=0.4)
    monkeypatch.delenv("FACTCHECK_MATCH_STRONG")
    changed = base.with_overrides(fetch_timeout=2.0, db_path="x.db", model=None, unknown=1)
    assert (changed.threshold, changed.match_strong, changed.fetch_timeout) == (0.4, 0.8, 2.0)
    assert changed.db_path == Path("x.db") and base.fetch_timeout == 15.0
    with pytest.raises(ConfigError, match="fetch_timeout must be a number between 0.1 and 600"):
        base.with_overrides(fetch_timeout=0)


def test_api_key_falls_back_to_openai_and_stays_out_of_repr(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    assert load_settings().llm_api_key == "sk-openai"
    monkeypatch.setenv("FACTCHECK_LLM_API_KEY", "sk-factcheck")
    settings = load_settings()
    assert settings.llm_api_key == "sk-factcheck"
    assert "sk-factcheck" not in repr(settings) and "sk-factcheck" not in str(settings)


def test_settings_are_immutable():
    with pytest.raises(Exception):  # noqa: B017 - pydantic's own error type
        load_settings().threshold = 0.9  # type: ignore[misc]


# ---------------------------------------------------------------- bad values


@pytest.mark.parametrize(
    "name, value, message",
    [
        (
            "FACTCHECK_THRESHOLD",
            "1.5",
            "FACTCHECK_THRESHOLD must be a number between 0 and 1; got '1.5'",
        ),
        ("FACTCHECK_THRESHOLD", "high", "FACTCHECK_THRESHOLD must be a number between 0 and 1"),
        (
            "FACTCHECK_MAX_REDIRECTS",
            "-1",
            "FACTCHECK_MAX_REDIRECTS must be a whole number of at least 0",
        ),
        (
            "FACTCHECK_MATCH_TOP_K",
            "2.5",
            "FACTCHECK_MATCH_TOP_K must be a whole number of at least 1",
        ),
        (
            "FACTCHECK_MATCH_METHOD",
            "magic",
            "must be one of dense, bm25, hybrid, rerank; got 'magic'",
        ),
        ("FACTCHECK_EXTRACTOR", "gpt", "FACTCHECK_EXTRACTOR must be one of default, llm"),
        ("FACTCHECK_EMBED_BACKEND", "tpu", "FACTCHECK_EMBED_BACKEND must be one of torch, onnx"),
        ("FACTCHECK_ALLOW_PRIVATE_URLS", "maybe", "must be one of 1/0, true/false, yes/no, on/off"),
        ("FACTCHECK_ORG_URL", "ftp://x", "FACTCHECK_ORG_URL must be an http(s) URL"),
        ("FACTCHECK_REVIEW_URL", "https://x.example/a", "must contain {claim_id}"),
    ],
)
def test_bad_values_name_the_variable_and_what_is_valid(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_bad_values_in_dotenv_too(tmp_path):
    (tmp_path / ".env").write_text("FACTCHECK_FETCH_TIMEOUT=forever\n")
    with pytest.raises(ConfigError, match="FACTCHECK_FETCH_TIMEOUT must be a number"):
        load_settings()


def test_bad_option_names_the_setting():
    with pytest.raises(ConfigError, match="^threshold must be a number between 0 and 1; got 2"):
        load_settings(threshold=2)


def test_thresholds_must_be_in_order(monkeypatch):
    monkeypatch.setenv("FACTCHECK_MATCH_SUGGESTED", "0.9")
    with pytest.raises(ConfigError, match="FACTCHECK_MATCH_SUGGESTED .0.9. is above"):
        load_settings()
    assert load_settings(match_strong=0.95).match_strong == 0.95


def test_a_blank_api_key_is_unset(monkeypatch):
    monkeypatch.setenv("FACTCHECK_LLM_API_KEY", "   ")
    assert load_settings().llm_api_key is None  # blank: unset


def test_cli_reports_a_bad_variable_in_one_line(monkeypatch):
    monkeypatch.setenv("FACTCHECK_MATCH_METHOD", "magic")
    result = CliRunner().invoke(cli, ["settings"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: FACTCHECK_MATCH_METHOD must be one of dense, bm25, hybrid, rerank; got 'magic'"
    ]


# ---------------------------------------------------------------- factcheck settings


def test_settings_command_shows_values_and_sources(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text("FACTCHECK_MATCH_TOP_K=7\n")
    monkeypatch.setenv("FACTCHECK_LLM_API_KEY", "sk-secret")
    runner = CliRunner()
    table = runner.invoke(cli, ["settings"])
    assert table.exit_code == 0, table.output
    assert "FACTCHECK_MATCH_TOP_K" in table.output and "sk-secret" not in table.output
    rows = {
        r["setting"]: r
        for r in json.loads(runner.invoke(cli, ["settings", "--format", "json"]).output)
    }
    assert set(rows) == set(Settings.model_fields)
    assert (rows["match_top_k"]["value"], rows["match_top_k"]["source"]) == (7, ".env")
    assert rows["llm_api_key"]["value"] == "(set)" and rows["threshold"]["source"] == "default"
    markdown = runner.invoke(cli, ["settings", "--format", "markdown"])
    assert markdown.output == config.markdown_table()


# ---------------------------------------------------------------- one reader of FACTCHECK_*


def _environment_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, key) for os.environ / os.getenv uses whose key is a FACTCHECK_* string (directly,
    or through a module constant)."""
    constants = {
        target.id: node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }

    def key(node: ast.AST | None) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return constants.get(node.id)
        return None

    def is_environ(node: ast.AST) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
            isinstance(node, ast.Name) and node.id == "environ"
        )

    found = []
    for node in ast.walk(tree):
        keys: list[ast.AST | None] = []
        if isinstance(node, ast.Subscript) and is_environ(node.value):
            keys = [node.slice]
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and is_environ(func.value):
                keys = list(node.args[:1])  # environ.get / setdefault / pop (...)
            elif (isinstance(func, ast.Attribute) and func.attr in ("getenv", "putenv")) or (
                isinstance(func, ast.Name) and func.id in ("getenv", "putenv")
            ):
                keys = list(node.args[:1])
        for k in keys:
            text = key(k)
            if text and text.upper().startswith("FACTCHECK_"):
                found.append((node.lineno, text))
    return found


def _package_files() -> list[Path]:
    return sorted(
        [*(ROOT / "factcheck").rglob("*.py"), ROOT / "app.py", *(ROOT / "app_pages").rglob("*.py")]
    )


def test_only_the_settings_module_reads_factcheck_variables():
    offenders = []
    for path in _package_files():
        if path == ROOT / "factcheck" / "config.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offenders += [
            f"{path.relative_to(ROOT)}:{line} {key}" for line, key in _environment_reads(tree)
        ]
    assert not offenders, "read FACTCHECK_* through factcheck.config instead: " + ", ".join(
        offenders
    )


def test_variable_names_are_spelled_only_in_the_table():
    """A whole ``"FACTCHECK_X"`` string outside config.py is a variable read or written
    around the table: ask ``config.env_name(setting)`` (messages may name variables)."""
    offenders = []
    for path in _package_files():
        if path == ROOT / "factcheck" / "config.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if re.fullmatch(r"FACTCHECK_[A-Z0-9_]+", node.value):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
    assert not offenders, ", ".join(offenders)


def test_the_scan_finds_environment_reads():
    source = (
        "import os\nfrom os import environ, getenv\nNAME = 'FACTCHECK_X'\n"
        "a = os.environ.get('FACTCHECK_A')\nb = os.environ['FACTCHECK_B']\n"
        "c = os.getenv(NAME)\nos.environ['FACTCHECK_D'] = '1'\ne = environ.get('HOME')\n"
        "f = getenv('FACTCHECK_F')\n"
    )
    keys = [key for _, key in _environment_reads(ast.parse(source))]
    assert sorted(keys) == [
        "FACTCHECK_A",
        "FACTCHECK_B",
        "FACTCHECK_D",
        "FACTCHECK_F",
        "FACTCHECK_X",
    ]

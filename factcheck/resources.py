"""Where the files that ship with factcheck are: migrations, prompt templates, the demo, the app.

An installed wheel carries them inside the package: the build maps ``db/migrations``,
``prompts`` and ``examples`` into ``factcheck/_resources/`` and ``app.py`` with ``app_pages/``
into ``factcheck/_app/`` (pyproject.toml, ``force-include``). A source checkout or an
editable install has no such folders; there they are read from the checkout itself, the folder
next to ``factcheck/``. A resource found in neither place is a :class:`ResourceError` that
says what is missing and how to get it back.

Folders come back as :class:`~importlib.resources.abc.Traversable` (a :class:`~pathlib.Path`
for an unpacked install or a checkout), so readers use ``iterdir``, ``/``, ``read_text`` and
work from a zipped install too.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from factcheck.errors import ResourceError

PACKAGE = "factcheck"
RESOURCES = "_resources"
APP = "_app"
# name -> (folder in a source checkout, what it is, for messages)
FOLDERS = {
    "migrations": ("db/migrations", "database migrations"),
    "prompts": ("prompts", "prompt templates"),
    "examples": ("examples", "demo files"),
}
APP_SCRIPT = "app.py"
REINSTALL = (
    "reinstall factcheck (pip install --force-reinstall factcheck), "
    "or in a source checkout run `pip install --no-deps -e .`"
)


def _package_root() -> Traversable:
    """The installed package's folder (or zip entry)."""
    return files(PACKAGE)


def _checkout_root() -> Path | None:
    """The source checkout that holds this package, or None for an installed package."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def resource_dir(name: str) -> Traversable:
    """The folder of shipped resource ``name`` (``migrations``, ``prompts``, ``examples``)."""
    if name not in FOLDERS:
        raise ResourceError(f"unknown resource {name!r}; known: {', '.join(FOLDERS)}")
    folder, what = FOLDERS[name]
    packaged = _package_root() / RESOURCES / name
    if packaged.is_dir():
        return packaged
    checkout = _checkout_root()
    if checkout is not None and (checkout / folder).is_dir():
        return checkout / folder
    looked = [str(packaged)] + ([str(checkout / folder)] if checkout is not None else [])
    raise ResourceError(
        f"factcheck's {what} are missing (looked in {' and '.join(looked)}): "
        f"the installation is incomplete; {REINSTALL}"
    )


def migrations_dir() -> Traversable:
    """The numbered ``*.sql`` migrations (``db/migrations`` in a checkout)."""
    return resource_dir("migrations")


def prompts_dir() -> Traversable:
    """The LLM prompt templates (``prompts`` in a checkout)."""
    return resource_dir("prompts")


def examples_dir() -> Traversable:
    """The demo article and demo corpus (``examples`` in a checkout)."""
    return resource_dir("examples")


def app_script() -> Path:
    """The Streamlit app's entry script, as a file on disk (``streamlit run`` needs one).

    Its pages (``app_pages/``) lie beside it; Streamlit puts the script's folder on
    ``sys.path``, so ``from app_pages import common`` works from either place.
    """
    packaged = _package_root() / APP / APP_SCRIPT
    if packaged.is_file():
        if not isinstance(packaged, Path):
            raise ResourceError(
                f"the app cannot start from a zipped install ({packaged}); "
                "install factcheck as an ordinary (unzipped) package"
            )
        return packaged
    checkout = _checkout_root()
    if checkout is not None and (checkout / APP_SCRIPT).is_file():
        return checkout / APP_SCRIPT
    looked = [str(packaged)] + ([str(checkout / APP_SCRIPT)] if checkout is not None else [])
    raise ResourceError(
        f"factcheck's Streamlit app is missing (looked in {' and '.join(looked)}): "
        f"the installation is incomplete; {REINSTALL}"
    )

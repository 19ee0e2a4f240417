"""factcheck: a claim fact-checking workbench (extraction, matching, review, export, agreement)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("factcheck")
except PackageNotFoundError:  # a source checkout that was never installed
    __version__ = "0+unknown"

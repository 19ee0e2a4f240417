"""Helpers shared by the pages: settings, a database connection per rerun."""

from __future__ import annotations

import streamlit as st

from factcheck.config import Settings, load_settings
from factcheck.errors import FactcheckError
from factcheck.storage import open_db


def settings() -> Settings:
    try:
        return load_settings()
    except FactcheckError as error:
        st.error(str(error))
        st.stop()


def database():
    """A fresh connection for this rerun (SQLite connections are cheap)."""
    try:
        return open_db(settings().db_path)
    except FactcheckError as error:
        st.error(str(error))
        st.stop()


@st.cache_resource(show_spinner="Loading the demo article…")
def _demo_loaded(db_path: str) -> str:
    from factcheck.demo import ensure_demo

    result = ensure_demo(open_db(db_path), settings())
    return result.message if result else ""


def load_demo_once() -> None:
    """On first start with an empty database, load the demo (once per database path)."""
    try:
        _demo_loaded(str(settings().db_path))
    except FactcheckError as error:
        st.warning(f"Demo not loaded: {error}")

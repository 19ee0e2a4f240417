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

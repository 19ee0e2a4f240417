"""Streamlit entry point: navigation, the demo on first start, cached resources only.

Pages live in app_pages/; each reads its widgets, makes one call into factcheck/, renders.
"""

import streamlit as st

from app_pages import common

st.set_page_config(page_title="factcheck", page_icon="✔", layout="wide")

settings = common.settings()
common.load_demo_once()
st.sidebar.caption(f"Database: `{settings.db_path}`")

pages = [
    st.Page("app_pages/articles.py", title="Articles", icon=":material/article:", default=True),
]
st.navigation(pages).run()

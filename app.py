"""Streamlit entry point: navigation, the demo on first start, the reviewer in the sidebar.

Pages live in app_pages/; each reads its widgets, makes one call into factcheck/, renders.
One database connection serves a rerun (opened on first use, closed when the run ends).
"""

import streamlit as st

from app_pages import common

st.set_page_config(page_title="factcheck", page_icon="✔", layout="wide")

common.settings()
common.load_demo_once()

pages = [
    st.Page(
        "app_pages/articles.py", title="Articles", icon=":material/article:", url_path="articles"
    ),
    st.Page(
        "app_pages/queue.py",
        title="Claims queue",
        icon=":material/checklist:",
        url_path="queue",
        default=True,
    ),
    st.Page("app_pages/claim.py", title="Claim", icon=":material/fact_check:", url_path="claim"),
    st.Page(
        "app_pages/adjudication.py",
        title="Editor's desk",
        icon=":material/gavel:",
        url_path="adjudication",
    ),
    st.Page("app_pages/export.py", title="Export", icon=":material/download:", url_path="export"),
    st.Page(
        "app_pages/agreement.py",
        title="Agreement",
        icon=":material/analytics:",
        url_path="agreement",
    ),
]
page = st.navigation(pages)
try:
    common.reviewer_sidebar()
    common.help_panel()
    common.database_caption()
    common.show_flash()
    page.run()
finally:
    common.close_database()

"""Streamlit entry point: signing in, navigation, the demo on first start, the account in the
sidebar.

Pages live in app_pages/; each reads its widgets, makes one call into factcheck/, renders.
One database connection serves a rerun (opened on first use, closed when the run ends).
Nobody signed in (password mode): every URL shows the sign-in form, or the first-admin form on
a database without an admin, and opens its page once signed in.
"""

from typing import Literal

import streamlit as st

from app_pages import common

st.set_page_config(page_title="factcheck", page_icon="✔", layout="wide")

common.settings()
common.load_demo_once()


QUEUE = "app_pages/queue.py"
HOME_TITLE = "Home"


def _home() -> None:
    """The app's root URL opens the claims queue (with the link's filters). Streamlit serves
    its default page at / only, so the queue is not the default: that way /queue works."""
    st.switch_page(QUEUE, query_params=st.query_params.to_dict())


def _shown(action: str, account: dict | None) -> Literal["visible", "hidden"]:
    """A page for ``action`` is in the sidebar for those allowed it; for the others it stays
    registered but hidden, so that a deep link shows the page's own refusal, not 'Page not
    found' (nobody signed in: every page is hidden, so that a deep link survives the sign-in)."""
    return "visible" if account is None or common.can(action, account) else "hidden"


def pages_for(account: dict | None) -> list:
    """The app's pages; those ``account`` may not use are hidden (see ``_shown``)."""
    pages = [
        st.Page(_home, title=HOME_TITLE, url_path="home", default=True, visibility="hidden"),
        st.Page(
            "app_pages/articles.py",
            title="Articles",
            icon=":material/article:",
            url_path="articles",
        ),
        st.Page(
            "app_pages/monitor.py",
            title="Monitor",
            icon=":material/rss_feed:",
            url_path="monitor",
        ),
        st.Page(QUEUE, title="Claims queue", icon=":material/checklist:", url_path="queue"),
        st.Page(
            "app_pages/trending.py",
            title="Trending",
            icon=":material/trending_up:",
            url_path="trending",
        ),
        st.Page(
            "app_pages/claim.py", title="Claim", icon=":material/fact_check:", url_path="claim"
        ),
    ]
    pages.append(
        st.Page(
            "app_pages/adjudication.py",
            title="Editor's desk",
            icon=":material/gavel:",
            url_path="adjudication",
            visibility=_shown("see_all", account),
        )
    )
    pages += [
        st.Page(
            "app_pages/export.py", title="Export", icon=":material/download:", url_path="export"
        ),
        st.Page(
            "app_pages/agreement.py",
            title="Agreement",
            icon=":material/analytics:",
            url_path="agreement",
        ),
    ]
    pages.append(
        st.Page(
            "app_pages/accounts.py",
            title="Accounts",
            icon=":material/manage_accounts:",
            url_path="accounts",
            visibility=_shown("manage_accounts", account),
        )
    )
    return pages


try:
    account = common.signed_in()
    page = st.navigation(pages_for(account), position="sidebar" if account else "hidden")
    if account is None:
        st.stop()
    common.account_sidebar(account)
    common.help_panel()
    common.database_caption()
    if page.title != HOME_TITLE:  # the root URL only redirects: keep messages for the queue
        common.show_flash()
    common.note_page(page.url_path)
    page.run()
finally:
    common.close_database()

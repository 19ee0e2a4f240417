"""Articles: add one (paste, upload, URL) with progress; the list with claim counts."""

import pandas as pd
import streamlit as st

from app_pages.common import QUEUE_PAGE, can, database, plural, require_reviewer, safe_md, settings
from factcheck import workbench
from factcheck.errors import FactcheckError
from factcheck.vocab import READ_AS

READ_AS_LABELS = {
    "auto": "Detect",
    "article": "Article",
    "transcript": "Transcript (speakers' turns)",
}

reviewer = require_reviewer()
st.title("Articles")
db = database()


def _add(**source) -> None:
    with st.status("Adding the article…", expanded=True) as status:
        try:
            result = workbench.add_article(
                db,
                settings(),
                actor=reviewer["name"],
                progress=lambda message: status.write(safe_md(message)),
                **source,
            )
        except FactcheckError as error:
            status.update(label="Not added", state="error")
            st.error(str(error))
            return
        status.update(
            label="Added" if result.created else "Already there", state="complete", expanded=False
        )
    (st.success if result.created else st.info)(safe_md(result.message))
    for warning in result.warnings:  # e.g. "not valid UTF-8: read as cp1252"
        st.warning(safe_md(warning), icon=":material/warning:")
    st.session_state["fc_last_article"] = result.article_id


if can("review"):  # checkers, editors and admins add articles; viewers read
    with st.expander("Add an article", expanded=True, icon=":material/add:"):
        read_as = st.radio(
            "Read as",
            READ_AS,
            horizontal=True,
            key="fc_read_as",
            format_func=READ_AS_LABELS.get,
            help="A transcript is read as speakers' turns ('NAME: text', TSV rows of line, "
            "speaker and text, SRT or WebVTT subtitles): each claim keeps its turn's speaker.",
        )
        paste, upload, link = st.tabs(["Paste text", "Upload a file", "From a URL"])
        with paste:
            with st.form("fc_paste_form", clear_on_submit=False, border=False):
                text = st.text_area("Article text", height=200, key="fc_paste_text")
                title = st.text_input("Title (optional)", key="fc_paste_title")
                if st.form_submit_button("Add pasted text", type="primary"):
                    _add(text=text, title=title, read_as=read_as)
        with upload:
            with st.form("fc_upload_form", clear_on_submit=True, border=False):
                file = st.file_uploader(
                    "A .txt, .md or .html article, or a .srt, .vtt or .tsv transcript",
                    type=list(workbench.UPLOAD_TYPES),
                    key="fc_upload_file",
                    max_upload_size=max(1, settings().max_input_bytes // 2**20),
                )
                title = st.text_input("Title (optional)", key="fc_upload_title")
                if st.form_submit_button("Add the file", type="primary"):
                    if file is None:
                        st.warning("Choose a file first.")
                    else:
                        _add(data=file.getvalue(), filename=file.name, title=title, read_as=read_as)
        with link:
            with st.form("fc_url_form", border=False):
                url = st.text_input("Article URL", placeholder="https://…", key="fc_url")
                title = st.text_input("Title (optional)", key="fc_url_title")
                if st.form_submit_button("Fetch and add", type="primary"):
                    _add(url=url, title=title, read_as=read_as)

rows = workbench.articles_view(db)
if not rows:
    st.info("No articles yet: add one above, or run `factcheck ingest FILE_OR_URL`.")
    st.stop()

table = pd.DataFrame(rows)[
    [
        "id",
        "title",
        "format",
        "publisher",
        "published_date",
        "claims",
        "reviewed",
        "published",
        "sentences",
        "source",
        "ingested_by",
    ]
]
st.caption(
    f"{plural(len(rows), 'article')} · {plural(int(table['claims'].sum()), 'claim')} · "
    f"{int(table['reviewed'].sum())} reviewed · {int(table['published'].sum())} published"
)
picked = st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    key="fc_articles_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "id": st.column_config.NumberColumn("id", width="small"),
        "claims": st.column_config.NumberColumn("claims", help="check-worthy sentences"),
        "reviewed": st.column_config.NumberColumn("reviewed", help="claims with a verdict"),
        "published": st.column_config.NumberColumn("published"),
        "sentences": st.column_config.NumberColumn("sentences"),
    },
)
selected = picked.selection.rows if picked else []
article_id = (
    int(table.iloc[selected[0]]["id"]) if selected else st.session_state.get("fc_last_article")
)
if article_id is not None and st.button(
    "Open this article's claims in the queue", icon=":material/checklist:", key="fc_article_queue"
):
    st.switch_page(QUEUE_PAGE, query_params={"article": str(int(article_id))})

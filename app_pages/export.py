"""Export: filter the verdict table, preview it, download it in every format, each as the
signed-in account may see it (blind review: factcheck.export.verdicts)."""

from functools import partial

import streamlit as st

from app_pages.common import can, database, require_reviewer, settings
from factcheck.errors import FactcheckError
from factcheck.export import verdicts as export
from factcheck.storage import articles as article_store
from factcheck.storage import open_db
from factcheck.vocab import EXPORT_FORMATS, STATUSES

LABELS = {
    "csv": "CSV",
    "tsv": "TSV",
    "xlsx": "Excel",
    "json": "JSON",
    "jsonl": "JSON Lines",
    "markdown": "Markdown report",
    "claimreview": "ClaimReview JSON-LD",
    "annotations": "Annotations (long CSV)",
    "trec-run": "TREC run (matches)",
}


def _file(db_path: str, fmt: str, filters: export.ExportFilters, viewer: str) -> bytes:
    """Build one export, as ``viewer`` may see it, on its own connection (download buttons
    call this on click)."""
    db = open_db(db_path)
    try:
        return export.export(db, fmt, filters, viewer=viewer)
    except FactcheckError as error:  # shown in the file: the click cannot show a message
        return f"Export failed: {error}\n".encode()
    finally:
        db.close()


account = require_reviewer()
viewer = account["name"]
st.title("Export")
db = database()
articles = {
    row["id"]: row["title"] or f"article {row['id']}" for row in article_store.list_with_counts(db)
}

left, middle, right = st.columns(3)
article_id = left.selectbox(
    "Article",
    list(articles),
    index=None,
    placeholder="All articles",
    format_func=lambda i: f"{i}: {articles[i]}",
    key="fc_export_article",
)
statuses = left.multiselect("Status", STATUSES, key="fc_export_status", placeholder="Any status")
date_from = middle.date_input("Verdicts from", value=None, key="fc_export_from")
date_to = middle.date_input("Verdicts to", value=None, key="fc_export_to")
reviewer = right.text_input("Reviewer", key="fc_export_reviewer", placeholder="e.g. Ann")
verdict = right.text_input(
    "Final verdict", key="fc_export_verdict", placeholder="e.g. False, pants-fire"
)
filters = export.ExportFilters(
    article_id,
    tuple(statuses) or None,
    date_from,
    date_to,
    reviewer.strip() or None,
    verdict.strip() or None,
)

try:
    table = export.verdict_table(db, filters, viewer=viewer)
except FactcheckError as error:
    st.error(str(error))
    st.stop()

st.caption(
    f"{len(table)} claims with a verdict match. Columns, in order: " + ", ".join(export.NAMES) + "."
)
if not can("see_all", account):
    st.caption(
        "You see what your role may see: claims under blind review that you have not judged "
        "yet are left out, and viewers get no reviewer's own work on articles reviewed blind."
    )
st.dataframe(table, hide_index=True, width="stretch", key="fc_export_preview")

st.subheader("Download")
st.caption(
    "CSV and TSV cells that a spreadsheet could run (starting with =, +, -, @) get a "
    "leading ' ; ClaimReview needs the organisation (Editor's desk, or FACTCHECK_ORG_NAME). "
    "A TREC run covers every match "
    "of the chosen article (other filters do not apply to it)."
)
blocked = {}
if (table["status"] == "published").any() and export.claimreview_organisation(db) is None:
    blocked["claimreview"] = (
        "Name the organisation on the Editor's desk (or set FACTCHECK_ORG_NAME) first."
    )
if filters != export.ExportFilters(article_id=article_id):
    blocked["trec-run"] = "A TREC run takes only the article filter; clear the others."
db_path = str(settings().db_path)
buttons = st.columns(3)
for n, fmt in enumerate(EXPORT_FORMATS):
    buttons[n % 3].download_button(
        LABELS[fmt],
        data=partial(_file, db_path, fmt, filters, viewer),
        file_name=f"factcheck-verdicts.{export.EXTENSIONS[fmt]}",
        mime=export.MEDIA_TYPES[fmt],
        key=f"fc_export_{fmt}",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
        disabled=fmt in blocked,
        help=blocked.get(fmt),
    )

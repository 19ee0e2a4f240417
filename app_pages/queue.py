"""Claims queue: filters, sort, search, counts per status, bulk actions; open a claim."""

import pandas as pd
import streamlit as st

from app_pages.common import database, flash, keep, open_claim, set_queue_state
from factcheck import workbench
from factcheck.errors import FactcheckError
from factcheck.review import workflow as review
from factcheck.storage.review import QueueFilters
from factcheck.vocab import OPEN_STATUSES

SORTS = {
    "score": "check-worthiness score",
    "date": "article date",
    "updated": "last change",
    "match": "best match score",
    "position": "position in the article",
}
STATUS_LABELS = {
    "new": "new",
    "in_review": "in review",
    "awaiting_second_review": "awaiting 2nd review",
    "verdict": "verdict",
    "published": "published",
    "dismissed": "dismissed",
}

st.title("Claims queue")
db = database()
ss = st.session_state

# ---------------------------------------------------------------- read the widgets
if ss.get("fc_queue_article") is not None:  # set by the Articles page
    ss["fc_q_article"] = ss.pop("fc_queue_article")
keep(
    "fc_q_article",
    "fc_q_status",
    "fc_q_score",
    "fc_q_type",
    "fc_q_assignee",
    "fc_q_verdict",
    "fc_q_strong",
    "fc_q_search",
    "fc_q_sort",
    "fc_q_desc",
    "fc_q_size",
    defaults={
        "fc_q_article": None,
        "fc_q_status": list(OPEN_STATUSES),
        "fc_q_score": (0.0, 1.0),
        "fc_q_type": None,
        "fc_q_assignee": None,
        "fc_q_verdict": None,
        "fc_q_strong": False,
        "fc_q_search": "",
        "fc_q_sort": "score",
        "fc_q_desc": True,
        "fc_q_size": 50,
    },
)
ss.setdefault("fc_q_page", 0)

low, high = ss["fc_q_score"]
strong = workbench.strong_match_threshold()
filters = QueueFilters(
    article_id=ss["fc_q_article"],
    statuses=tuple(ss["fc_q_status"]) or None,
    min_score=low if low > 0 else None,
    max_score=high if high < 1 else None,
    claim_type=ss["fc_q_type"],
    assignee=ss["fc_q_assignee"],
    verdict=ss["fc_q_verdict"],
    strong_match=strong if ss["fc_q_strong"] else None,
    search=(ss["fc_q_search"] or "").strip() or None,
)
signature = (filters, ss["fc_q_sort"], ss["fc_q_desc"], ss["fc_q_size"])
if ss.get("fc_q_signature") != signature:
    ss["fc_q_page"] = 0
    ss["fc_q_signature"] = signature
set_queue_state(filters, ss["fc_q_sort"], ss["fc_q_desc"])

# ---------------------------------------------------------------- one call
try:
    view = workbench.queue_view(
        db,
        filters,
        sort=ss["fc_q_sort"],
        descending=ss["fc_q_desc"],
        page=ss["fc_q_page"],
        page_size=ss["fc_q_size"],
    )
except FactcheckError as error:
    st.error(str(error))
    st.stop()
options = view["options"]
rows = view["rows"]

# ---------------------------------------------------------------- render
articles = {a["id"]: a["title"] for a in options["articles"]}
if ss["fc_q_article"] not in (None, *articles):
    ss["fc_q_article"] = None
with st.container(border=True, key="fc_queue_filters"):
    top = st.columns([2, 3, 2])
    # a None value shows the placeholder (not format_func's text): give both the same words
    top[0].selectbox(
        "Article",
        [None, *articles],
        key="fc_q_article",
        placeholder="All articles",
        format_func=lambda i: "All articles" if i is None else f"{i}: {articles[i]}",
    )
    top[1].multiselect(
        "Status",
        options["statuses"],
        key="fc_q_status",
        format_func=STATUS_LABELS.get,
        placeholder="Any status",
    )
    top[2].text_input("Search", key="fc_q_search", placeholder="words in the claim or speaker")
    middle = st.columns([2, 2, 2, 2, 2])
    middle[0].slider("Score", 0.0, 1.0, key="fc_q_score", step=0.05)
    types = options["claim_types"]
    if ss["fc_q_type"] not in (None, *types):
        ss["fc_q_type"] = None
    middle[1].selectbox(
        "Claim type",
        [None, *types],
        key="fc_q_type",
        placeholder="Any type",
        format_func=lambda t: "Any type" if t is None else t,
    )
    names = options["assignees"]
    if ss["fc_q_assignee"] not in (None, *names):
        ss["fc_q_assignee"] = None
    middle[2].selectbox(
        "Assignee",
        [None, *names],
        key="fc_q_assignee",
        placeholder="Anyone",
        format_func=lambda n: "Anyone" if n is None else n,
    )
    labels = options["verdicts"]
    if ss["fc_q_verdict"] not in (None, *labels):
        ss["fc_q_verdict"] = None
    middle[3].selectbox(
        "Verdict",
        [None, *labels],
        key="fc_q_verdict",
        placeholder="Any verdict",
        format_func=lambda v: "Any verdict" if v is None else v,
    )
    middle[4].toggle(
        "Has a strong match",
        key="fc_q_strong",
        help=f"a matched passage scoring at least {strong:.2f}",
    )
    bottom = st.columns([2, 1, 1, 4])
    bottom[0].selectbox("Sort by", list(SORTS), key="fc_q_sort", format_func=SORTS.get)
    bottom[1].toggle("Descending", key="fc_q_desc")
    bottom[2].selectbox("Per page", list(workbench.PAGE_SIZES), key="fc_q_size")

counts = view["counts"]
metrics = st.columns(len(counts) + 1)
metrics[0].metric("Matching", view["total"])
for column, (status, count) in zip(metrics[1:], counts.items()):
    column.metric(STATUS_LABELS[status], count)

if not rows:
    st.info("No claims match these filters.")
    st.stop()

table = pd.DataFrame(rows)
table["assignees"] = table["assignees"].fillna("")
table["adjudicate"] = table["needs_adjudication"].astype(bool)
table["status"] = table["status"].map(lambda value: STATUS_LABELS.get(value, value))
shown = [
    "id",
    "score",
    "text",
    "speaker",
    "claim_type",
    "status",
    "assignees",
    "verdict",
    "best_match",
    "citations",
    "adjudicate",
    "article_title",
    "date",
]
picked = st.dataframe(
    table[shown],
    hide_index=True,
    width="stretch",
    key="fc_queue_table",
    on_select="rerun",
    selection_mode="multi-row",
    column_config={
        "id": st.column_config.NumberColumn("id", width="small"),
        "score": st.column_config.ProgressColumn(
            "score", min_value=0, max_value=1, format="%.2f", width="small"
        ),
        "text": st.column_config.TextColumn("claim", width="large"),
        "best_match": st.column_config.NumberColumn("best match", format="%.2f"),
        "adjudicate": st.column_config.CheckboxColumn("disagreement"),
        "article_title": st.column_config.TextColumn("article"),
    },
)
selected_ids = [int(table.iloc[i]["id"]) for i in (picked.selection.rows if picked else [])]

page, pages = view["page"], view["pages"]
nav = st.columns([1, 1, 1, 3])
first = view["offset"] + 1
nav[0].caption(f"{first}–{first + len(rows) - 1} of {view['total']} · page {page + 1}/{pages}")


def _page(step: int) -> None:
    ss["fc_q_page"] = min(max(0, ss.get("fc_q_page", 0) + step), pages - 1)


nav[1].button(
    "Previous page", key="fc_q_prev", shortcut="K", disabled=page == 0, on_click=_page, args=(-1,)
)
nav[2].button(
    "Next page",
    key="fc_q_next",
    shortcut="J",
    disabled=page + 1 >= pages,
    on_click=_page,
    args=(1,),
)
if nav[3].button(
    "Open claim",
    key="fc_q_open",
    shortcut="O",
    type="primary",
    icon=":material/open_in_new:",
    help="the first selected claim, or the first of the page",
):
    open_claim(selected_ids[0] if selected_ids else rows[0]["id"])

# ---------------------------------------------------------------- bulk actions
with st.container(border=True, key="fc_queue_bulk"):
    st.markdown(f"**Bulk actions** on {len(selected_ids)} selected claim(s)")
    reviewer = ss.get("reviewer")
    if not reviewer:
        st.caption("Enter your name in the sidebar to assign, dismiss or change statuses.")
    elif selected_ids:

        def _run(action, *args, **kwargs) -> None:
            try:
                result = action(database(), reviewer["name"], selected_ids, *args, **kwargs)
            except FactcheckError as error:
                flash(str(error), "error")
            else:
                count = result if isinstance(result, int) else len(result)
                flash(f"{action.__name__.replace('_', ' ')}: {count} change(s)")

        cols = st.columns([3, 1, 2, 1, 2])
        assignees = cols[0].multiselect(
            "Assign to", names, key="fc_bulk_who", placeholder="reviewers"
        )
        cols[1].button(
            "Assign",
            key="fc_bulk_assign",
            disabled=not assignees,
            on_click=lambda: _run(review.assign, ss.get("fc_bulk_who") or []),
        )
        status = cols[2].selectbox(
            "Set status",
            options["manual_statuses"],
            key="fc_bulk_status",
            format_func=STATUS_LABELS.get,
        )
        cols[3].button(
            "Set",
            key="fc_bulk_set",
            on_click=lambda: _run(review.bulk_set_status, ss.get("fc_bulk_status")),
        )
        cols[4].button(
            "Dismiss: not check-worthy",
            key="fc_bulk_dismiss",
            on_click=lambda: _run(review.dismiss),
        )
    else:
        st.caption("Select rows in the table (click their left edge) to act on them.")

"""Claims queue: filters, sort, search, counts per status, bulk actions; open a claim.

The filters, sort and page live in the URL (common.queue_url): a filtered queue can be shared,
and back/forward step through filter changes."""

import pandas as pd
import streamlit as st

from app_pages.common import (
    CLAIM_PAGE,
    QUEUE_DEFAULTS,
    came_from_another_page,
    can,
    database,
    flash,
    keep,
    open_claim,
    plural,
    queue_state_from_url,
    queue_url,
    require_reviewer,
    safe_md,
    set_queue_state,
)
from factcheck import workbench
from factcheck.errors import FactcheckError
from factcheck.review import accounts
from factcheck.review import workflow as review
from factcheck.review.permissions import allowed
from factcheck.storage.review import QueueFilters

SORTS = {
    "score": "check-worthiness score",
    "date": "article date",
    "updated": "last change",
    "match": "best match confidence",
    "position": "position in the article",
    "spread": "spread (articles repeating it)",
}
# The O key's button: out of sight (its shortcut still works), the link is what one clicks.
# (A comment, not a docstring: Streamlit's magic would draw a bare string on the page.)
HIDDEN_SHORTCUT_CSS = ".st-key-fc_q_open { display: none; }"
STATUS_LABELS = {
    "new": "new",
    "in_review": "in review",
    "awaiting_second_review": "awaiting 2nd review",
    "verdict": "verdict",
    "published": "published",
    "dismissed": "dismissed",
}

me = require_reviewer()
st.title("Claims queue")
db = database()
ss = st.session_state

# ---------------------------------------------------------------- read the URL, then the widgets
# The URL wins when it names filters (a shared link, the Articles page, back/forward) that
# differ from what this page last wrote into it. A URL without any: coming from another page,
# the session's filters stay (and go into the URL); on the queue itself (back to the plain
# /queue, or its navigation link) it means the default queue.
wanted = queue_state_from_url(st.query_params.to_dict())
if wanted is None and not came_from_another_page():
    wanted = dict(QUEUE_DEFAULTS)
from_url = wanted is not None and queue_url(wanted) != ss.get("fc_q_url")
if from_url:
    assert wanted is not None
    for key, value in wanted.items():
        ss[key] = value
widget_keys = [key for key in QUEUE_DEFAULTS if key != "fc_q_page"]
keep(*widget_keys, defaults=QUEUE_DEFAULTS)
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
    if not from_url:  # changed filters start on the first page; a URL names its page
        ss["fc_q_page"] = 0
    ss["fc_q_signature"] = signature
set_queue_state(filters, ss["fc_q_sort"], ss["fc_q_desc"])


def _write_url() -> None:
    """The URL says what the queue shows (written before anything can stop the page)."""
    params = queue_url({key: ss.get(key) for key in QUEUE_DEFAULTS})
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)
    ss["fc_q_url"] = params


_write_url()

# ---------------------------------------------------------------- one call
try:
    view = workbench.queue_view(
        db,
        filters,
        sort=ss["fc_q_sort"],
        descending=ss["fc_q_desc"],
        page=ss["fc_q_page"],
        page_size=ss["fc_q_size"],
        viewer=me["name"],
    )
except FactcheckError as error:
    st.error(str(error))
    st.stop()
options = view["options"]
rows = view["rows"]
if not rows and ss["fc_q_page"] > 0 and view["total"]:  # a page past the end (an old link)
    ss["fc_q_page"] = view["pages"] - 1
    st.rerun()

# ---------------------------------------------------------------- render
articles = {a["id"]: a["title"] for a in options["articles"]}
if ss["fc_q_article"] not in (None, *articles):
    ss["fc_q_article"] = None
# The filters used most on the page; the others in "More filters" (a popover: drawn when
# opened, which keeps the page load short), its label counting those that are set.
more_set = sum(
    ss[key] != QUEUE_DEFAULTS[key]
    for key in ("fc_q_article", "fc_q_score", "fc_q_type", "fc_q_assignee", "fc_q_verdict")
) + bool(ss["fc_q_strong"])
with st.container(border=True, key="fc_queue_filters"):
    top = st.columns([3, 3, 2, 1, 2], vertical_alignment="bottom")
    top[0].multiselect(
        "Status",
        options["statuses"],
        key="fc_q_status",
        format_func=STATUS_LABELS.get,
        placeholder="Any status",
    )
    top[1].text_input("Search", key="fc_q_search", placeholder="words in the claim or speaker")
    top[2].selectbox("Sort by", list(SORTS), key="fc_q_sort", format_func=SORTS.get)
    top[3].toggle("Descending", key="fc_q_desc")
    more = top[4].popover(
        f"More filters · {more_set} set" if more_set else "More filters",
        icon=":material/filter_list:",
        key="fc_q_more",
        width="stretch",
    )
    # a None value shows the placeholder (not format_func's text): give both the same words
    more.selectbox(
        "Article",
        [None, *articles],
        key="fc_q_article",
        placeholder="All articles",
        format_func=lambda i: "All articles" if i is None else f"{i}: {articles[i]}",
    )
    more.slider("Score", 0.0, 1.0, key="fc_q_score", step=0.05)
    types = options["claim_types"]
    if ss["fc_q_type"] not in (None, *types):
        ss["fc_q_type"] = None
    more.selectbox(
        "Claim type",
        [None, *types],
        key="fc_q_type",
        placeholder="Any type",
        format_func=lambda t: "Any type" if t is None else t,
    )
    names = options["assignees"]
    if ss["fc_q_assignee"] not in (None, *names):
        ss["fc_q_assignee"] = None
    more.selectbox(
        "Assignee",
        [None, *names],
        key="fc_q_assignee",
        placeholder="Anyone",
        format_func=lambda n: "Anyone" if n is None else n,
    )
    labels = options["verdicts"]
    if ss["fc_q_verdict"] not in (None, *labels):
        ss["fc_q_verdict"] = None
    more.selectbox(
        "Verdict",
        [None, *labels],
        key="fc_q_verdict",
        placeholder="Any verdict",
        format_func=lambda v: "Any verdict" if v is None else v,
    )
    more.toggle(
        "Has a strong match",
        key="fc_q_strong",
        help=f"a candidate fact-check with a calibrated confidence of at least {strong:.2f}",
    )
    more.selectbox("Per page", list(workbench.PAGE_SIZES), key="fc_q_size")
    if ss["fc_q_article"] is not None:  # the article a link chose stays in sight
        st.caption(f"Article: {safe_md(articles[ss['fc_q_article']])}")

counts = view["counts"]
metrics = st.columns(len(counts) + 1)
metrics[0].metric("Matching", view["total"], help=plural(view["total"], "claim"))
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
        "best_match": st.column_config.NumberColumn(
            "best match",
            format="%.2f",
            help="calibrated confidence of the best candidate fact-check",
        ),
        "adjudicate": st.column_config.CheckboxColumn("disagreement"),
        "article_title": st.column_config.TextColumn("article"),
    },
)
selected_ids = [int(table.iloc[i]["id"]) for i in (picked.selection.rows if picked else [])]

page, pages = view["page"], view["pages"]
nav = st.columns([1, 1, 1, 3])
first = view["offset"] + 1
nav[0].caption(
    f"{first}–{first + len(rows) - 1} of {plural(view['total'], 'claim')} · "
    f"page {page + 1} of {pages}"
)


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
# "Open claim" is a link to the claim page: one run of that page (a button would rerun the
# queue, then switch). The O key presses a button kept out of sight that does the same.
target = selected_ids[0] if selected_ids else rows[0]["id"]
with nav[3].container(key="fc_q_open_link"):
    st.page_link(
        CLAIM_PAGE,
        label=f"Open claim {target}",
        icon=":material/open_in_new:",
        query_params={"claim": str(target)},
        help="the first selected claim, or the first of the page (key O)",
    )
if nav[3].button("Open claim", key="fc_q_open", shortcut="O"):
    open_claim(target)
st.html(f"<style>{HIDDEN_SHORTCUT_CSS}</style>")

# ---------------------------------------------------------------- bulk actions
may_assign, may_triage = can("assign"), can("triage")
if may_assign or may_triage:
    with st.container(border=True, key="fc_queue_bulk"):
        st.markdown(f"**Bulk actions** on {plural(len(selected_ids), 'selected claim')}")
        if not selected_ids:
            st.caption("Select rows in the table (click their left edge) to act on them.")
        else:

            def _run(action, done, *args, **kwargs) -> None:
                try:
                    result = action(database(), me["name"], selected_ids, *args, **kwargs)
                except FactcheckError as error:
                    flash(str(error), "error")
                else:
                    flash(done(result if isinstance(result, int) else len(result)))

            cols = st.columns([3, 1, 2, 1, 2]) if may_assign else [None, None, *st.columns(3)]
            if may_assign:
                reviewers = [
                    row["name"]
                    for row in accounts.list_accounts(db, me["name"])
                    if allowed(row, "review")
                ]
                chosen = cols[0].multiselect(
                    "Assign to", reviewers, key="fc_bulk_who", placeholder="reviewers"
                )
                cols[1].button(
                    "Assign",
                    key="fc_bulk_assign",
                    disabled=not chosen,
                    on_click=lambda: _run(
                        review.assign,
                        lambda n: f"Assigned: {plural(n, 'new assignment')}.",
                        ss.get("fc_bulk_who") or [],
                    ),
                )
            cols[2].selectbox(
                "Set status",
                options["manual_statuses"],
                key="fc_bulk_status",
                format_func=STATUS_LABELS.get,
            )
            cols[3].button(
                "Set",
                key="fc_bulk_set",
                on_click=lambda: _run(
                    review.bulk_set_status,
                    lambda n: (
                        f"Status set to {STATUS_LABELS[ss.get('fc_bulk_status')]} "
                        f"on {plural(n, 'claim')}."
                    ),
                    ss.get("fc_bulk_status"),
                ),
            )
            cols[4].button(
                "Dismiss: not check-worthy",
                key="fc_bulk_dismiss",
                on_click=lambda: _run(review.dismiss, lambda n: f"Dismissed {plural(n, 'claim')}."),
            )

"""Trending: near-duplicate claims repeated across articles, most articles first; pick a group
to see its claims with their article, speaker, date and a link to each claim."""

import pandas as pd
import streamlit as st

from app_pages.common import database, plural, require_reviewer, settings
from factcheck.errors import FactcheckError
from factcheck.match import trending

reviewer = require_reviewer()
st.title("Trending")
st.caption(
    "The same claim in several articles: near-duplicate claims grouped across articles and "
    "speakers. Verdicts are shown as blind review lets you see them."
)
db = database()

top = st.columns(3)
since = top[0].selectbox(
    "Seen in",
    ["", "24h", "7d", "30d"],
    format_func=lambda v: {"": "all time", "24h": "the last day", "7d": "the last 7 days"}.get(
        v, "the last 30 days"
    ),
    key="fc_tr_since",
)
min_articles = top[1].number_input(
    "At least this many articles", min_value=1, max_value=100, value=2, key="fc_tr_min"
)
limit = top[2].number_input("Groups", min_value=1, max_value=500, value=50, key="fc_tr_limit")

if not st.session_state.get("fc_tr_grouped"):  # once a session, not on every rerun
    try:
        with st.spinner("Grouping the claims not grouped yet…"):
            trending.group_ungrouped(db, settings())
    except FactcheckError as error:
        st.warning(f"Claims added without a reference corpus are not grouped yet: {error}")
    st.session_state["fc_tr_grouped"] = True

try:
    groups = trending.trending(
        db,
        reviewer["name"],
        since=since or None,
        min_articles=int(min_articles),
        limit=int(limit),
    )
except FactcheckError as error:
    st.error(str(error))
    st.stop()

if not groups:
    st.info(
        "No claim is repeated across articles yet. Claims are grouped when an article's claims "
        "are matched, or when this page opens (near-duplicates: cosine from "
        "FACTCHECK_DUPLICATE_THRESHOLD)."
    )
    st.stop()

st.dataframe(
    pd.DataFrame(
        [
            {
                "claim": g["claim"],
                "articles": g["articles"],
                "claims": g["claims"],
                "first seen": g["first_seen"],
                "last seen": g["last_seen"],
                "speakers": ", ".join(g["speakers"]),
                "best match": g["best_match"] or "",
                "its verdict": g["best_match_verdict"] or "",
                "band": g["best_match_band"] or "",
                "verdicts given": ", ".join(g["verdicts"]),
            }
            for g in groups
        ]
    ),
    hide_index=True,
    width="stretch",
    height=min(420, 38 + 35 * len(groups)),
    key="fc_tr_groups",
    on_select="rerun",
    selection_mode="single-row",
    column_config={"claim": st.column_config.TextColumn("claim", width="large")},
)
picked = (st.session_state.get("fc_tr_groups") or {}).get("selection", {}).get("rows") or [0]
group = groups[picked[0]] if picked[0] < len(groups) else groups[0]

st.subheader("Its claims")
st.caption(
    f"{plural(group['claims'], 'claim')} in {plural(group['articles'], 'article')}"
    + (f" · best match: {group['best_match']}" if group["best_match"] else "")
)
st.dataframe(
    pd.DataFrame(
        [
            {
                "open": f"/claim?claim={m['claim_id']}",
                "claim": m["text"],
                "article": m["article_title"] or "",
                "speaker": m["speaker"] or "",
                "seen": m["seen"],
                "status": m["status"],
                "verdict": m["label"] or "",
            }
            for m in group["members"]
        ]
    ),
    hide_index=True,
    width="stretch",
    key="fc_tr_members",
    column_config={
        "open": st.column_config.LinkColumn("open", display_text=r"claim=(\d+)", width="small"),
        "claim": st.column_config.TextColumn("claim", width="large"),
    },
)

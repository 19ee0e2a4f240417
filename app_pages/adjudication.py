"""The editor's desk (editors and admins): adjudicate disagreements, publish agreed verdicts,
the review settings (reviews needed, blind review, scale, the ClaimReview organisation)."""

import pandas as pd
import streamlit as st

from app_pages.common import (
    CLAIM_PAGE,
    can,
    database,
    flash,
    require_reviewer,
    safe_md,
    short_time,
)
from factcheck import workbench
from factcheck.errors import ConflictError, FactcheckError
from factcheck.review import workflow as review
from factcheck.vocab import REVIEWS_NEEDED

ss = st.session_state
reviewer = require_reviewer("see_all")
actor = reviewer["name"]
db = database()
st.title("Editor's desk")

# ---------------------------------------------------------------- one call
try:
    view = workbench.adjudication_view(db, actor)
    needed = review.reviews_needed(db)
    organisation = review.organisation(db)
except FactcheckError as error:
    st.error(str(error))
    st.stop()
editor = can("adjudicate")


def _adjudicate(row: dict) -> None:
    cid = row["id"]
    try:
        review.adjudicate(
            database(),
            actor,
            cid,
            ss.get(f"fc_adj_label_{cid}"),
            confidence=ss.get(f"fc_adj_conf_{cid}"),
            rationale=ss.get(f"fc_adj_rationale_{cid}") or "",
            expected_version=row["version"],
        )
    except ConflictError as error:
        flash(f"Not saved: {error}. The desk was reloaded; decide again.", "error")
    except FactcheckError as error:
        flash(str(error), "error")
    else:
        flash(f"Final verdict saved for claim {cid}.")


def _publish(row: dict) -> None:
    try:
        review.publish(
            database(),
            actor,
            row["id"],
            expected_version=row["version"],
            citations=list(ss.get(f"fc_pub_sources_{row['id']}") or []),
        )
    except ConflictError as error:
        flash(f"Not published: {error}.", "error")
    except FactcheckError as error:
        flash(str(error), "error")
    else:
        flash(f"Claim {row['id']} published.")


def _settings() -> None:
    db = database()
    try:
        review.set_reviews_needed(db, actor, ss.get("fc_reviews_needed"))
        review.set_blind_mode(db, actor, bool(ss.get("fc_blind")))
        review.set_scale(db, actor, ss.get("fc_scale"))
        name = (ss.get("fc_org_name") or "").strip()
        url = (ss.get("fc_org_url") or "").strip()
        if (name, url) != (organisation["name"] or "", organisation["url"] or ""):
            review.set_organisation(db, actor, name, url)
    except FactcheckError as error:
        flash(str(error), "error")
    else:
        flash("Review settings saved.")


def source_label(citation: dict) -> str:
    """A citation as the editor chooses it: stance, source, who cited it."""
    source = citation["title"] or citation["source_title"] or citation["url"] or ""
    return f"{citation['stance']} · {source} · by {citation['created_by']}"


def _selected(table_key: str, rows: list[dict]) -> dict:
    """The row picked in the table ``table_key`` (the first one when none is, or it is gone)."""
    picked = (ss.get(table_key) or {}).get("selection", {}).get("rows") or [0]
    return rows[picked[0]] if picked[0] < len(rows) else rows[0]


def _pick(table_key: str, rows: list[dict], records: list[dict], **columns) -> dict:
    """A one-row-selection table of ``records`` (one per row of ``rows``, with id, claim and
    article columns), with ``columns`` configured on top; the picked row of ``rows``."""
    st.dataframe(
        pd.DataFrame(records),
        hide_index=True,
        width="stretch",
        height=min(400, 38 + 35 * len(rows)),
        key=table_key,
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "id": st.column_config.NumberColumn("id", width="small"),
            "claim": st.column_config.TextColumn("claim", width="large"),
            **columns,
        },
    )
    return _selected(table_key, rows)


def _open_link(cid: int) -> None:
    st.page_link(
        CLAIM_PAGE,
        label=f"Open claim {cid}",
        icon=":material/open_in_new:",
        query_params={"claim": str(cid)},
    )


# ---------------------------------------------------------------- disagreements
# One table and one decision form for the row picked in it (a form per claim meant hundreds of
# widgets, seconds to draw).
disagreements = view["disagreements"]
st.subheader(f"Disagreements · {len(disagreements)}")
if not disagreements:
    st.caption("No claim waits for adjudication.")
else:
    row = _pick(
        "fc_desk_table",
        disagreements,
        [
            {
                "id": row["id"],
                "claim": row["text"],
                "verdicts": " · ".join(f"{v['reviewer']}: {v['label']}" for v in row["verdicts"]),
                "article": row["article_title"] or "",
            }
            for row in disagreements
        ],
    )
    cid = row["id"]
    with st.container(border=True, key=f"fc_adj_{cid}"):
        st.markdown(f"**Claim {cid}:** {safe_md(row['text'])}")
        st.caption(f"{safe_md(row['article_title'] or '')} · {row['status'].replace('_', ' ')}")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "reviewer": v["reviewer"],
                        "label": v["label"],
                        "confidence": v["confidence"],
                        "rationale": v["rationale"],
                        "saved": short_time(v["updated_at"]),
                    }
                    for v in row["verdicts"]
                ]
            ),
            hide_index=True,
            width="stretch",
            key="fc_adj_verdicts",
        )
        if editor:
            with st.form(f"fc_adj_form_{cid}", border=False):
                cols = st.columns([2, 2, 4, 1], vertical_alignment="bottom")
                cols[0].selectbox(
                    "Final verdict",
                    row["labels"],
                    key=f"fc_adj_label_{cid}",
                    index=None,
                    placeholder=f"on the {row['scale']} scale",
                )
                cols[1].slider("Confidence", 0.0, 1.0, 0.8, 0.05, key=f"fc_adj_conf_{cid}")
                cols[2].text_input("Rationale", key=f"fc_adj_rationale_{cid}")
                cols[3].form_submit_button(
                    "Decide",
                    key=f"fc_adj_go_{cid}",
                    type="primary",
                    on_click=_adjudicate,
                    args=(row,),
                )
        _open_link(cid)

# ---------------------------------------------------------------- ready to publish
ready = view["ready"]
st.subheader(f"Ready to publish · {len(ready)}")
if not ready:
    st.caption("No agreed or adjudicated verdict waits for publishing.")
else:
    row = _pick(
        "fc_ready_table",
        ready,
        [
            {
                "id": row["id"],
                "claim": row["text"],
                "verdict": row["verdict"] or "",
                "sources": row["citations"],
                "article": row["article_title"] or "",
            }
            for row in ready
        ],
        sources=st.column_config.NumberColumn("cited sources", width="small"),
    )
    cid = row["id"]
    with st.container(border=True, key=f"fc_ready_{cid}"):
        st.markdown(
            f"**Claim {cid}:** {safe_md(row['text'])} · :orange-badge[{safe_md(row['verdict'] or '')}]"
        )
        if editor:
            try:
                sources = {c["id"]: c for c in review.claim_detail(db, cid, actor)["citations"]}
            except FactcheckError as error:
                st.error(str(error))
                sources = {}
            with st.form(f"fc_pub_form_{cid}", border=False):
                st.multiselect(
                    "Sources the published verdict cites",
                    list(sources),
                    default=list(sources),
                    key=f"fc_pub_sources_{cid}",
                    format_func=lambda i: source_label(sources[i]),
                    placeholder="choose at least one cited source",
                )
                st.form_submit_button(
                    "Publish",
                    key=f"fc_pub_{cid}",
                    type="primary",
                    icon=":material/publish:",
                    on_click=_publish,
                    args=(row,),
                    disabled=not sources,
                    help="needs a cited source" if not sources else "cites the sources chosen",
                )
        _open_link(cid)

# ---------------------------------------------------------------- settings
if can("configure"):
    with st.expander("Review settings", icon=":material/settings:", key="fc_settings_box"):
        with st.form("fc_settings_form", border=False):
            st.radio(
                "Verdicts each claim needs",
                list(REVIEWS_NEEDED),
                index=list(REVIEWS_NEEDED).index(needed) if needed in REVIEWS_NEEDED else 0,
                key="fc_reviews_needed",
                horizontal=True,
                format_func=lambda n: "1 (one reviewer)" if n == 1 else f"{n} (independent)",
                help="a claim waits for a second review until it has this many verdicts",
            )
            st.toggle(
                "Blind review: checkers see others' verdicts only after saving their own",
                value=view["blind"],
                key="fc_blind",
            )
            scales = view["scales"]
            st.selectbox(
                "Verdict scale",
                scales,
                key="fc_scale",
                index=scales.index(view["scale"]) if view["scale"] in scales else 0,
                help="presets, plus custom scales from FACTCHECK_SCALES_FILE",
            )
            cols = st.columns(2)
            cols[0].text_input(
                "Organisation (ClaimReview author)",
                value=organisation["name"] or "",
                key="fc_org_name",
                help="named as the author in ClaimReview exports; empty: FACTCHECK_ORG_NAME",
            )
            cols[1].text_input(
                "Organisation web site",
                value=organisation["url"] or "",
                key="fc_org_url",
                placeholder="https://…",
            )
            st.form_submit_button("Save settings", on_click=_settings)

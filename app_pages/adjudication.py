"""The editor's desk (editors and admins): adjudicate disagreements, publish agreed verdicts,
the review settings (reviews needed, blind review, scale, the ClaimReview organisation)."""

import pandas as pd
import streamlit as st

from app_pages.common import (
    can,
    database,
    flash,
    open_claim,
    plural,
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
        review.publish(database(), actor, row["id"], expected_version=row["version"])
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


# ---------------------------------------------------------------- disagreements
disagreements = view["disagreements"]
st.subheader(f"Disagreements · {len(disagreements)}")
if not disagreements:
    st.caption("No claim waits for adjudication.")
for row in disagreements:
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
        )
        if editor:
            cols = st.columns([2, 2, 4, 1, 1])
            cols[0].selectbox(
                "Final verdict",
                row["labels"],
                key=f"fc_adj_label_{cid}",
                index=None,
                placeholder=f"on the {row['scale']} scale",
            )
            cols[1].slider("Confidence", 0.0, 1.0, 0.8, 0.05, key=f"fc_adj_conf_{cid}")
            cols[2].text_input("Rationale", key=f"fc_adj_rationale_{cid}")
            cols[3].button(
                "Decide", key=f"fc_adj_go_{cid}", type="primary", on_click=_adjudicate, args=(row,)
            )
        if st.button("Open the claim", key=f"fc_adj_open_{cid}"):
            open_claim(cid)

# ---------------------------------------------------------------- ready to publish
ready = view["ready"]
st.subheader(f"Ready to publish · {len(ready)}")
if not ready:
    st.caption("No agreed or adjudicated verdict waits for publishing.")
for row in ready:
    cid = row["id"]
    with st.container(border=True, key=f"fc_ready_{cid}"):
        cols = st.columns([6, 2, 1, 1])
        cols[0].markdown(f"**Claim {cid}:** {safe_md(row['text'])}")
        cols[1].markdown(
            f"{safe_md(row['verdict'] or '')} · {plural(row['citations'], 'cited source')}"
        )
        if editor:
            cols[2].button(
                "Publish",
                key=f"fc_pub_{cid}",
                on_click=_publish,
                args=(row,),
                disabled=row["citations"] == 0,
                help="needs a cited source"
                if row["citations"] == 0
                else "cites every cited source; open the claim to choose them",
            )
        if cols[3].button("Open", key=f"fc_ready_open_{cid}"):
            open_claim(cid)

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

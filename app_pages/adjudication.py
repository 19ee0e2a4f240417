"""The editor's desk: adjudicate disagreements, publish agreed verdicts, review settings."""

import pandas as pd
import streamlit as st

from app_pages.common import database, flash, open_claim, require_reviewer, safe_md, short_time
from factcheck import workbench
from factcheck.errors import ConflictError, FactcheckError
from factcheck.review import workflow as review
from factcheck.vocab import ROLES

ss = st.session_state
reviewer = require_reviewer()
actor = reviewer["name"]
db = database()
st.title("Editor's desk")

# ---------------------------------------------------------------- one call
try:
    view = workbench.adjudication_view(db, actor)
except FactcheckError as error:
    st.error(str(error))
    st.stop()
editor = view["role"] == "editor"
if not editor:
    st.info(
        "Only editors adjudicate and publish. You can see the disagreements below; "
        "an editor decides them."
    )


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
    try:
        review.set_blind_mode(database(), actor, bool(ss.get("fc_blind")))
        review.set_scale(database(), actor, ss.get("fc_scale"))
    except FactcheckError as error:
        flash(str(error), "error")
    else:
        flash("Review settings saved.")


def _set_role() -> None:
    try:
        changed = review.set_role(database(), actor, ss.get("fc_role_who"), ss.get("fc_role_new"))
    except FactcheckError as error:
        flash(str(error), "error")
    else:
        flash(f"{changed['name']} is now {changed['role']}.")


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
        cols[1].markdown(f"{safe_md(row['verdict'] or '')} · {row['citations']} source(s)")
        if editor:
            cols[2].button(
                "Publish",
                key=f"fc_pub_{cid}",
                on_click=_publish,
                args=(row,),
                disabled=row["citations"] == 0,
                help="needs a cited source" if row["citations"] == 0 else None,
            )
        if cols[3].button("Open", key=f"fc_ready_open_{cid}"):
            open_claim(cid)

# ---------------------------------------------------------------- settings
if editor:
    with st.expander("Review settings", icon=":material/settings:"):
        with st.form("fc_settings_form", border=False):
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
            st.form_submit_button("Save settings", on_click=_settings)
    with st.expander("Reviewers and roles", icon=":material/group:"):
        st.dataframe(
            pd.DataFrame(view["reviewers"])[["name", "role", "created_at"]],
            hide_index=True,
            width="stretch",
        )
        cols = st.columns([2, 2, 1])
        cols[0].selectbox(
            "Reviewer",
            [r["name"] for r in view["reviewers"]],
            index=None,
            key="fc_role_who",
            placeholder="choose a reviewer",
        )
        cols[1].radio("New role", list(ROLES), key="fc_role_new", horizontal=True)
        cols[2].button(
            "Change role", key="fc_role_set", on_click=_set_role, disabled=not ss.get("fc_role_who")
        )

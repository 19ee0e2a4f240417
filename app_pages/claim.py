"""One claim: its sentence in the article, the evidence cards, a verdict on the desk's scale,
external sources, and the history, as the signed-in account may see them (blind review is
applied in the core). Saving uses the version loaded (compare-and-set): when someone else saved
first the save is refused with a way to reload. The verdict being written is kept as a draft
(per reviewer, in the database) and comes back after a reload."""

from datetime import date

import pandas as pd
import streamlit as st

from app_pages.common import (
    QUEUE_PAGE,
    can,
    database,
    flash,
    keep,
    plural,
    queue_state,
    require_reviewer,
    safe_md,
    safe_url,
    short_time,
)
from factcheck import workbench
from factcheck.errors import ConflictError, FactcheckError
from factcheck.review import workflow as review
from factcheck.vocab import EVIDENCE_CHOICES, MATCH_BANDS, OPEN_STATUSES, STANCES

STANCE_LABELS = {choice: choice.capitalize() for choice in EVIDENCE_CHOICES}
FIRST_CARDS = 5  # evidence cards drawn at once; "Show N more" draws the rest
BAND_BADGES = {
    "strong": ":green-badge[strong match]",
    "suggested": ":blue-badge[suggested]",
    "weak": ":gray-badge[weak]",
}
NUMBER_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]

ss = st.session_state
reviewer = require_reviewer()
actor = reviewer["name"]
db = database()
queue = queue_state()

# ---------------------------------------------------------------- read the widgets
requested = st.query_params.get("claim")
try:
    requested = int(requested) if requested not in (None, "") else None
except ValueError:
    requested = None

# ---------------------------------------------------------------- one call
try:
    view = workbench.claim_view(
        db,
        requested,
        actor,
        filters=queue["filters"],
        sort=queue["sort"],
        descending=queue["descending"],
        whole_article=bool(ss.get("fc_whole")),
    )
except FactcheckError as error:
    st.title("Claim")
    st.warning(str(error))
    st.page_link(QUEUE_PAGE, label="Back to the queue", icon=":material/checklist:")
    st.stop()

claim = view["claim"]
cid = claim["id"]
if requested != cid:
    st.query_params["claim"] = str(cid)
versions = ss.setdefault("fc_versions", {})
loaded = versions.setdefault(cid, claim["version"])
label_key, conf_key, rationale_key = f"fc_label_{cid}", f"fc_conf_{cid}", f"fc_rationale_{cid}"
own = view["own_verdict"]
draft = view["draft"] or {}
# what this session typed, else the reviewer's draft, else their saved verdict
ss.setdefault(label_key, draft.get("label") or (own["label"] if own else None))
own_confidence = own["confidence"] if own and own["confidence"] is not None else 0.7
keep(
    conf_key,
    rationale_key,
    defaults={
        conf_key: float(draft.get("confidence", own_confidence)),
        rationale_key: draft.get("rationale", own["rationale"] if own else ""),
    },
)
neighbours = view["queue"]
is_open = claim["status"] not in ("published", "dismissed")
may_review = view["can_review"]
may_publish = can("publish")


# ---------------------------------------------------------------- actions (callbacks)
def _go(claim_id) -> None:
    if claim_id is not None:
        st.query_params["claim"] = str(claim_id)


def _reload() -> None:
    versions.pop(cid, None)
    ss.pop("fc_conflict", None)


def _refused(error: ConflictError) -> None:
    ss["fc_conflict"] = {"claim": cid, "message": str(error)}


def _save_draft() -> None:
    """Keep what the reviewer has chosen and typed so far (restored on a reload)."""
    if not (may_review and is_open):
        return
    try:
        review.save_draft(
            database(),
            actor,
            cid,
            {
                "label": ss.get(label_key),
                "confidence": ss.get(conf_key),
                "rationale": ss.get(rationale_key),
            },
        )
    except FactcheckError as error:
        flash(f"Draft not kept: {error}", "warning")


def _pick(label: str) -> None:
    ss[label_key] = label
    _save_draft()


def _save(go_next: bool) -> None:
    label = ss.get(label_key)
    if not label:
        flash("Pick a verdict first (number keys 1–9).", "warning")
        return
    try:
        saved = review.save_verdict(
            database(),
            actor,
            cid,
            label,
            confidence=ss.get(conf_key),
            rationale=ss.get(rationale_key) or "",
            expected_version=versions.get(cid),
        )
    except ConflictError as error:
        _refused(error)
        return
    except FactcheckError as error:
        flash(str(error), "error")
        return
    versions[cid] = saved["version"]
    flash(f"Verdict saved: {label}.")  # the status line says where the claim now stands
    if go_next:
        _go(neighbours["next"])


def _take() -> None:
    try:
        taken = review.start_review(database(), actor, cid, expected_version=versions.get(cid))
    except ConflictError as error:
        _refused(error)
    except FactcheckError as error:
        flash(str(error), "error")
    else:
        versions[cid] = taken["version"]


def _publish() -> None:
    try:
        published = review.publish(
            database(),
            actor,
            cid,
            expected_version=versions.get(cid),
            citations=list(ss.get(f"fc_publish_sources_{cid}") or []),
        )
    except ConflictError as error:
        _refused(error)
    except FactcheckError as error:
        flash(str(error), "error")
    else:
        versions[cid] = published["version"]
        flash(f"Claim {cid} published.")


def _evidence(key: str, card: dict) -> None:
    try:
        done = workbench.set_evidence(database(), actor, cid, card["passage_id"], ss.get(key), card)
    except FactcheckError as error:
        flash(str(error), "error")
    else:
        flash(done[:1].upper() + done[1:] + ".")


def _external() -> None:
    try:
        review.cite_external(
            database(),
            actor,
            cid,
            ss.get("fc_ext_url"),
            ss.get("fc_ext_stance"),
            title=ss.get("fc_ext_title"),
            quote=ss.get("fc_ext_quote"),
            accessed_at=ss.get("fc_ext_date"),
        )
    except FactcheckError as error:
        flash(str(error), "error")
        return
    flash("External source cited.")
    for key in ("fc_ext_url", "fc_ext_title", "fc_ext_quote"):
        ss[key] = ""


def _remove_citation(citation_id: int) -> None:
    try:
        review.remove_citation(database(), actor, citation_id)
    except FactcheckError as error:
        flash(str(error), "error")
    else:
        flash("Citation removed.")


def _more_cards() -> None:
    ss["fc_all_cards"] = {*ss.get("fc_all_cards", ()), cid}


def status_line(view: dict) -> str:
    """One sentence that says where the claim stands (never two that disagree)."""
    status = view["claim"]["status"]
    have = len(view["verdicts"])
    if status == "awaiting_second_review":
        if view["needs_adjudication"]:
            return "On the editor's desk: the reviewers disagree."
        needed = max(view["reviews_needed"], len(view["assignees"]), have + 1)
        return f"Awaiting second review: {have} of {plural(needed, 'verdict')}."
    if status == "verdict":
        if view["final_verdict"]:
            return "Final verdict given by an editor: ready to publish."
        return "Verdict agreed: ready to publish."
    return {
        "new": "New: not taken for review yet.",
        "in_review": "In review.",
        "published": "Published.",
        "dismissed": "Dismissed.",
    }.get(status, status.replace("_", " "))


def highlighted(context: dict) -> None:
    """The claim's sentence highlighted in its escaped surroundings."""
    if context["anchored"]:
        st.markdown(
            f"{safe_md(context['before'])}:orange-background[**"
            f"{safe_md(context['sentence'])}**]{safe_md(context['after'])}"
        )
    else:
        st.markdown(safe_md(context["fallback"] or claim["text"]))


# ---------------------------------------------------------------- render: header
position = (
    f"{neighbours['position']} of {neighbours['total']} in the queue"
    if neighbours["position"]
    else "not in the current queue"
)
st.title(f"Claim {cid}")
st.caption(
    f"{safe_md(view['article'].get('title') or view['article'].get('source'))} · "
    f"version {claim['version']} · {position}"
)
st.info(status_line(view), icon=":material/flag:")
if view["blind"]:  # no count, no names: nothing that tells what the others did
    st.info(
        "Other reviewers' work is hidden until you save your verdict.",
        icon=":material/visibility_off:",
    )

nav = st.container(horizontal=True, key="fc_nav")
nav.button(
    "Previous",
    key="fc_prev",
    shortcut="K",
    icon=":material/arrow_back:",
    disabled=neighbours["previous"] is None,
    on_click=_go,
    args=(neighbours["previous"],),
)
nav.button(
    "Next",
    key="fc_next",
    shortcut="J",
    icon=":material/arrow_forward:",
    disabled=neighbours["next"] is None,
    on_click=_go,
    args=(neighbours["next"],),
)
if nav.button("Queue", key="fc_back", shortcut="Q", icon=":material/checklist:"):
    st.switch_page(QUEUE_PAGE)
if may_review and claim["status"] in OPEN_STATUSES:
    nav.button(
        "Take it",
        key="fc_take",
        on_click=_take,
        icon=":material/person_add:",
        help="assign yourself and mark the claim in review",
    )

conflict = ss.get("fc_conflict")
if conflict and conflict["claim"] == cid:
    with st.container(border=True, key="fc_conflict_box"):
        st.error(f"Not saved: {conflict['message']}", icon=":material/sync_problem:")
        st.button(
            "Reload the claim",
            key="fc_reload",
            type="primary",
            on_click=_reload,
            icon=":material/refresh:",
            help="load the current version; your choices stay filled in to save again",
        )
elif loaded != claim["version"]:
    with st.container(border=True, key="fc_stale_box"):
        st.warning(
            f"This claim changed since you opened it (version {loaded} → "
            f"{claim['version']}): reload before saving.",
            icon=":material/update:",
        )
        st.button("Reload the claim", key="fc_reload", on_click=_reload, icon=":material/refresh:")


def transcript_facts(claim: dict) -> list[str]:
    """Speaker (and role), turn and time span of a transcript's claim, for the facts line."""
    place = workbench.transcript_place(claim) or {}
    role = f" ({safe_md(place['role'])})" if place.get("role") else ""
    facts = [f"**Speaker:** {safe_md(place.get('speaker') or 'unknown')}{role}"]
    facts.append(f"**Turn:** {place.get('turn')}")
    if place.get("time"):
        facts.append(f"**Time:** {place['time']}")  # digits and colons we formatted
    return facts


left, right = st.columns([5, 4], gap="large")

# ---------------------------------------------------------------- left: the claim
with left:
    with st.container(border=True, key="fc_claim_box"):
        st.markdown(f"#### {safe_md(claim['text'])}")
        facts = []
        if claim.get("turn") is not None:  # a transcript's sentence: its turn's speaker
            facts.extend(transcript_facts(claim))
        elif claim.get("speaker"):
            cue = f" ({safe_md(claim['attribution'])})" if claim.get("attribution") else ""
            facts.append(f"**Speaker:** {safe_md(claim['speaker'])}{cue}")
        facts.append(f"**Type:** {safe_md(claim.get('claim_type') or 'unknown')}")
        facts.append(f"**Score:** {claim['score']:.2f}")
        assigned = ", ".join(a["name"] for a in view["assignees"]) or "nobody"
        facts.append(f"**Assigned:** {safe_md(assigned)}")
        st.markdown(" · ".join(facts))
        if claim.get("reasons"):
            st.markdown("**Why it scored:** " + "; ".join(safe_md(r) for r in claim["reasons"]))
        if claim.get("quantities"):
            st.dataframe(
                pd.DataFrame(claim["quantities"]),
                hide_index=True,
                width="stretch",
                height="content",
            )

    prior = view["prior_verdicts"]
    if prior or view["duplicates"]:
        with st.container(border=True, key="fc_prior_box"):
            st.markdown(f"**Seen before** · repeats {plural(view['duplicates'], 'other claim')}")
            for earlier in prior:
                similar = (
                    f", similarity {earlier['similarity']:.2f}"
                    if earlier.get("similarity") is not None
                    else ""
                )
                st.markdown(
                    f":orange-badge[{safe_md(earlier['label'])}] claim "
                    f"{earlier['claim_id']} in *{safe_md(earlier['article_title'])}* "
                    f"({safe_md(earlier['status'].replace('_', ' '))}{similar})"
                )
                st.caption(safe_md(earlier["text"]))

    st.markdown("**In the article**")
    highlighted(view["context"])
    whole = st.expander(
        "Whole article", key="fc_whole", on_change="rerun", icon=":material/article:"
    )
    if view["whole_article"]:
        with whole:
            highlighted(view["whole_article"])
            if view["whole_article"]["truncated"]:
                st.caption(
                    f"Shortened around the claim ({view['whole_article']['article_chars']}"
                    " characters in all)."
                )

    # -------------------------------------------------------- verdict
    if may_review:
        with st.container(border=True, key="fc_verdict_box"):
            st.markdown(f"**Your verdict** on the {safe_md(view['scale'])} scale")
            chosen = ss.get(label_key)
            buttons = st.container(horizontal=True, key="fc_labels")
            for i, label in enumerate(view["labels"]):
                buttons.button(
                    label,
                    key=f"fc_pick_{i}",
                    on_click=_pick,
                    args=(label,),
                    type="primary" if label == chosen else "secondary",
                    shortcut=NUMBER_KEYS[i] if i < len(NUMBER_KEYS) else None,
                    disabled=not is_open,
                )
            st.slider(
                "Confidence",
                0.0,
                1.0,
                step=0.05,
                key=conf_key,
                disabled=not is_open,
                on_change=_save_draft,
            )
            st.text_area(
                "Rationale",
                key=rationale_key,
                height=110,
                disabled=not is_open,
                placeholder="What the evidence shows, in a sentence or two",
                on_change=_save_draft,
            )
            if draft and is_open:
                st.caption("Draft kept: not saved as your verdict yet.")
            actions = st.container(horizontal=True, key="fc_actions")
            actions.button(
                "Save",
                key="fc_save",
                on_click=_save,
                args=(False,),
                disabled=not is_open,
                icon=":material/save:",
            )
            actions.button(
                "Save & next",
                key="fc_save_next",
                on_click=_save,
                args=(True,),
                type="primary",
                shortcut="S",
                disabled=not is_open,
                icon=":material/skip_next:",
            )
            if not is_open:
                st.caption(
                    f"The claim is {claim['status']}: an editor can reopen it from the queue."
                )
    else:
        st.caption("You can read claims; checkers and editors give verdicts.")

    if may_publish and claim["status"] == "verdict":
        with st.container(border=True, key="fc_publish_box"):
            sources = {c["id"]: c for c in view["citations"]}
            st.multiselect(
                "Sources the published verdict cites",
                list(sources),
                default=list(sources),
                key=f"fc_publish_sources_{cid}",
                format_func=lambda i: (
                    f"{sources[i]['stance']} · "
                    f"{sources[i]['title'] or sources[i]['source_title'] or sources[i]['url']} "
                    f"· by {sources[i]['created_by']}"
                ),
                placeholder="choose at least one cited source",
            )
            st.button(
                "Publish",
                key="fc_publish",
                on_click=_publish,
                icon=":material/publish:",
                disabled=not sources,
                help="needs at least one cited source",
            )

    others = [v for v in view["verdicts"] if own is None or v["id"] != own["id"]]
    if others or view["final_verdict"]:
        rows = [
            {
                "reviewer": v["reviewer"],
                "label": v["label"],
                "confidence": v["confidence"],
                "rationale": v["rationale"],
                "saved": short_time(v["updated_at"]),
            }
            for v in others
        ]
        if view["final_verdict"]:
            final = view["final_verdict"]
            rows.append(
                {
                    "reviewer": f"{final['reviewer']} (final)",
                    "label": final["label"],
                    "confidence": final["confidence"],
                    "rationale": final["rationale"],
                    "saved": short_time(final["updated_at"]),
                }
            )
        st.markdown("**Other verdicts**")
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="fc_other_verdicts")

# ---------------------------------------------------------------- right: evidence
with right:
    cards = view["cards"]
    bands = {b: sum(c["band"] == b for c in cards) for b in MATCH_BANDS}
    st.markdown(
        f"**Evidence** · {plural(len(cards), 'candidate')}"
        + "".join(f" · {n} {b}" for b, n in bands.items() if n)
    )
    others_on = {}
    for c in view["other_citations"]:
        if c["passage_id"] is not None:
            others_on.setdefault(c["passage_id"], []).append(c)
    if not cards:
        st.caption("No candidate fact-checks: cite an external source below.")
    # in the re-ranker's order: the best one even when weak, the strong and suggested ones
    # (at most FIRST_CARDS) and any the reviewer uses drawn at once; the rest on demand
    everything = cid in ss.get("fc_all_cards", ())
    shown = [
        card
        for i, card in enumerate(cards)
        if everything or (i < FIRST_CARDS and (card["band"] != "weak" or i == 0)) or card["choice"]
    ]
    for card in shown:
        pid = card["passage_id"]
        with st.container(border=True, key=f"fc_card_{pid}"):
            title = safe_md(card.get("title") or "Untitled source")
            meta = " · ".join(
                safe_md(part) for part in (card.get("publisher"), card.get("date")) if part
            )
            score = f"{card['score']:.2f}" if card.get("score") is not None else "–"
            confidence = card.get("confidence")
            sure = f"{confidence:.0%}" if confidence is not None else "–"
            st.markdown(f"**{title}**" + (f" · {meta}" if meta else ""))
            badge = BAND_BADGES.get(card["band"], BAND_BADGES["weak"])
            verdict = (
                f" · published verdict: :orange-badge[{safe_md(card['verdict'])}]"
                if card.get("verdict")
                else ""
            )
            method = " / ".join(safe_md(p) for p in (card.get("method"), card.get("model")) if p)
            st.markdown(
                f"{badge} #{card.get('rank') or '–'} · confidence {sure} · similarity {score}"
                f" · {method}{verdict}",
                help="confidence: the calibrated chance that this is the right fact-check; "
                "similarity: how close the wording is (cosine)",
            )
            st.markdown(safe_md(card.get("text")))
            row = st.container(horizontal=True)
            url = safe_url(card.get("url"))
            if url:
                row.link_button("Source", url, icon=":material/open_in_new:")
            if may_review:
                key = f"fc_ev_{cid}_{pid}_{card['choice']}"
                row.segmented_control(
                    "Your use of it",
                    list(EVIDENCE_CHOICES),
                    default=card["choice"],
                    format_func=STANCE_LABELS.get,
                    key=key,
                    label_visibility="collapsed",
                    on_change=_evidence,
                    args=(key, card),
                    disabled=not is_open,
                )
            if card["choice"]:
                st.caption(f"You: {card['choice']}")
            if others_on.get(pid):
                st.caption(
                    "Others: "
                    + " · ".join(
                        f"{safe_md(c['created_by'])}: {c['stance']}" for c in others_on[pid]
                    )
                )

    if len(shown) < len(cards):
        hidden_weak = sum(c["band"] == "weak" for c in cards if c not in shown)
        st.button(
            f"Show {len(cards) - len(shown)} more"
            + (f" ({hidden_weak} weak)" if hidden_weak else ""),
            key="fc_more_cards",
            on_click=_more_cards,
            icon=":material/expand_more:",
            help="the other candidates, in the re-ranker's order: weak ones are unlikely to "
            "be the right fact-check, but the best of them may still help",
        )

    if may_review:
        with st.expander("Cite an external source", icon=":material/link:", key="fc_ext_box"):
            with st.form("fc_ext_form", border=False, enter_to_submit=False):
                st.text_input("URL", key="fc_ext_url", placeholder="https://…")
                st.text_input("Title", key="fc_ext_title")
                st.text_area("Quoted passage", key="fc_ext_quote", height=80)
                cols = st.columns(2)
                cols[0].date_input("Accessed", value=date.today(), key="fc_ext_date")
                cols[1].selectbox(
                    "Stance",
                    list(STANCES),
                    key="fc_ext_stance",
                    index=1,
                    format_func=STANCE_LABELS.get,
                )
                st.form_submit_button("Cite", on_click=_external, disabled=not is_open)

    def _citation_table(rows: list[dict], key: str, with_names: bool) -> None:
        table = pd.DataFrame(
            [
                {
                    "stance": c["stance"],
                    "source": c["title"] or c["source_title"] or "",
                    "link": safe_url(c["url"] or c["source_url"]),
                    "quote": c["quote"] or c["passage_text"] or "",
                    **({"by": c["created_by"]} if with_names else {}),
                }
                for c in rows
            ]
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key=key,
            column_config={"link": st.column_config.LinkColumn("link")},
        )

    mine = view["own_citations"]
    if mine:
        st.markdown(f"**Your evidence** · {plural(len(mine), 'source')}")
        _citation_table(mine, "fc_own_citations", with_names=False)
        if is_open and may_review:
            cols = st.columns([3, 1])
            picked = cols[0].selectbox(
                "Remove one of your citations",
                [c["id"] for c in mine],
                key="fc_uncite",
                format_func=lambda i: next(
                    (c["title"] or c["source_title"] or c["url"] or f"citation {i}")
                    for c in mine
                    if c["id"] == i
                ),
            )
            cols[1].button(
                "Remove", key="fc_uncite_button", on_click=_remove_citation, args=(picked,)
            )
    others_cited = view["other_citations"]
    if others_cited:
        st.markdown(f"**Other reviewers' evidence** · {plural(len(others_cited), 'source')}")
        _citation_table(others_cited, "fc_other_citations", with_names=True)

# ---------------------------------------------------------------- history
st.markdown("**History**")
history = pd.DataFrame(
    [
        {"at": short_time(e["at"]), "who": e["actor"], "action": e["action"], "change": e["change"]}
        for e in view["history"]
    ]
)
st.dataframe(
    history.iloc[::-1],
    hide_index=True,
    width="stretch",
    key="fc_history",
    column_config={"change": st.column_config.TextColumn("change", width="large")},
)

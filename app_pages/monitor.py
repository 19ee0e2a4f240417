"""Monitor: the watched RSS and Atom feeds with their state, adding one (editors, admins),
polling them now (checkers and above), and the latest polls."""

import pandas as pd
import streamlit as st

from app_pages.common import database, plural, require_reviewer, safe_md, settings, short_time
from factcheck import workbench
from factcheck.errors import FactcheckError

reviewer = require_reviewer()
st.title("Monitor")
db = database()
view = workbench.monitor_view(db, reviewer["name"])

if view["can_manage"]:
    with st.expander("Watch a feed", expanded=not view["feeds"], icon=":material/add:"):
        with st.form("fc_feed_form", border=False):
            url = st.text_input(
                "Feed URL (RSS or Atom)", placeholder="https://…", key="fc_feed_url"
            )
            every = st.text_input(
                "Poll every", value="15m", key="fc_feed_every", help=view["every_forms"]
            )
            title = st.text_input("Name (optional)", key="fc_feed_title")
            if st.form_submit_button("Watch", type="primary"):
                try:
                    feed = workbench.add_feed(
                        db, settings(), actor=reviewer["name"], url=url, every=every, title=title
                    )
                except FactcheckError as error:
                    st.error(str(error))
                else:
                    st.success(safe_md(f"Watching feed {feed['id']}: {feed['url']}"))
                    view = workbench.monitor_view(db, reviewer["name"])

if not view["feeds"]:
    st.info(
        "No feeds watched yet"
        + (": add one above" if view["can_manage"] else "")
        + ", or run `factcheck watch add URL`."
    )
    st.stop()

if view["can_poll"] and st.button("Poll now", icon=":material/refresh:", key="fc_poll_now"):
    with st.status("Polling the feeds…", expanded=True) as status:
        try:
            results = workbench.poll_feeds_now(
                db,
                settings(),
                actor=reviewer["name"],
                progress=lambda message: status.write(safe_md(message)),
            )
        except FactcheckError as error:
            status.update(label="Not polled", state="error")
            st.error(str(error))
        else:
            failed = [r for r in results if r.status == "error"]
            for result in results:
                status.write(safe_md(result.message))
            status.update(
                label=f"Polled {plural(len(results), 'feed')}: "
                f"{plural(sum(r.new for r in results), 'new article')}"
                + (f", {len(failed)} failed" if failed else ""),
                state="error" if failed else "complete",
                expanded=bool(failed),
            )
    view = workbench.monitor_view(db, reviewer["name"])

feeds = pd.DataFrame(
    [
        {
            "id": feed["id"],
            "title": feed["title"] or "",
            "url": feed["url"],
            "every": feed["every"],
            "active": feed["active"],
            "last poll": short_time(feed["last_polled_at"]),
            "status": feed["last_status"] or "not polled yet",
            "last error": feed["last_error"] or "",
            "failures": feed["consecutive_failures"],
            "next poll": short_time(feed["next_poll_at"]) if feed["active"] else "paused",
            "ingested": feed["items_ingested"],
            "duplicates": feed["items_duplicate"],
            "failed": feed["items_failed"],
        }
        for feed in view["feeds"]
    ]
)
failing = int((feeds["status"] == "error").sum())
backing_off = int((feeds["failures"] > 1).sum())
st.caption(
    f"{plural(len(feeds), 'feed')} · {int(feeds['ingested'].sum())} articles ingested"
    + (f" · {failing} failing" if failing else "")
    + (f" · {backing_off} backing off" if backing_off else "")
)
# st.dataframe shows cells as plain text: feed titles and errors are never read as HTML.
st.dataframe(
    feeds,
    hide_index=True,
    width="stretch",
    key="fc_feeds_table",
    column_config={
        "id": st.column_config.NumberColumn("id", width="small"),
        "ingested": st.column_config.NumberColumn("ingested", help="new articles from this feed"),
        "duplicates": st.column_config.NumberColumn(
            "duplicates", help="items whose article was already stored"
        ),
        "failed": st.column_config.NumberColumn("failed", help="items that could not be read"),
        "failures": st.column_config.NumberColumn(
            "failures",
            help="failed polls in a row: each one after the first doubles the wait for the "
            "next poll (at most a day); a poll that works starts again at the interval",
        ),
        "next poll": st.column_config.TextColumn("next poll", help="when it is due (UTC)"),
    },
)

if view["can_manage"]:
    with st.expander("Pause, resume or stop watching a feed", icon=":material/tune:"):
        by_id = {feed["id"]: feed for feed in view["feeds"]}
        chosen = st.selectbox(
            "Feed",
            list(by_id),
            format_func=lambda i: (
                f"{i}: {by_id[i]['title'] or by_id[i]['url']}"
                + ("" if by_id[i]["active"] else " (paused)")
            ),
            key="fc_feed_manage",
        )
        active = bool(by_id[chosen]["active"])
        pause, remove = st.columns(2)
        toggled = pause.button(
            "Pause" if active else "Resume (poll it next)",
            icon=":material/pause:" if active else ":material/play_arrow:",
            key="fc_feed_toggle",
        )
        removed = remove.button(
            "Stop watching",
            icon=":material/delete:",
            key="fc_feed_remove",
            help="its articles stay",
        )
        if toggled or removed:
            try:
                if removed:
                    workbench.remove_feed(db, actor=reviewer["name"], feed_id=chosen)
                else:
                    workbench.set_feed_active(
                        db, actor=reviewer["name"], feed_id=chosen, active=not active
                    )
            except FactcheckError as error:
                st.error(str(error))
            else:
                st.rerun()

st.subheader("Latest polls")
if view["polls"]:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "feed": poll["feed_id"],
                    "started": short_time(poll["started_at"]),
                    "status": poll["status"],
                    "HTTP": poll["http_status"],
                    "items": poll["items_seen"],
                    "new": poll["items_new"],
                    "duplicates": poll["items_duplicate"],
                    "failed": poll["items_failed"],
                    "error": poll["error"] or "",
                }
                for poll in view["polls"]
            ]
        ),
        hide_index=True,
        width="stretch",
        key="fc_polls_table",
    )
else:
    st.caption("No polls yet.")

"""Accounts (admins only): the list, add an account, change a role, disable or enable an
account, reset a password. Every action is checked again in factcheck.review.accounts."""

import pandas as pd
import streamlit as st

from app_pages.common import database, flash, plural, require_reviewer, safe_md, short_time
from factcheck.errors import FactcheckError
from factcheck.review import accounts
from factcheck.vocab import ROLES

ss = st.session_state
admin = require_reviewer("manage_accounts")
actor = admin["name"]
db = database()
st.title("Accounts")

try:
    rows = accounts.list_accounts(db, actor)
except FactcheckError as error:
    st.error(str(error))
    st.stop()
names = [row["name"] for row in rows]
by_name = {row["name"]: row for row in rows}


def _run(done, action, *args) -> bool:
    try:
        changed = action(database(), actor, *args)
    except FactcheckError as error:
        flash(str(error), "error")
        return False
    flash(done(changed))
    return True


def _add() -> None:
    password = ss.get("fc_acc_password") or ""
    ss["fc_acc_password"] = ""
    if _run(
        lambda row: f"Account {safe_md(row['name'])} added ({row['role']}).",
        accounts.add_account,
        ss.get("fc_acc_name") or "",
        ss.get("fc_acc_role") or "checker",
        password,
    ):
        ss["fc_acc_name"] = ""


def _set_role(role_key: str) -> None:
    _run(
        lambda row: f"{safe_md(row['name'])} is now {row['role']}.",
        accounts.set_role,
        ss.get("fc_acc_who"),
        ss.get(role_key),
    )


def _toggle_disabled() -> None:
    who = ss.get("fc_acc_who")
    row = by_name.get(who)
    if row is None:
        flash("Choose an account first.", "warning")
        return
    _run(
        lambda changed: (
            f"{safe_md(changed['name'])} is "
            + ("disabled: signed out everywhere." if changed["disabled"] else "enabled again.")
        ),
        accounts.set_disabled,
        who,
        not row["disabled"],
    )


def _reset_password() -> None:
    password = ss.get("fc_acc_new_password") or ""
    ss["fc_acc_new_password"] = ""
    _run(
        lambda row: f"New password set for {safe_md(row['name'])}; their sessions ended.",
        accounts.reset_password,
        ss.get("fc_acc_who"),
        password,
    )


# ---------------------------------------------------------------- the list
active = sum(1 for row in rows if not row["disabled"])
st.caption(f"{plural(len(rows), 'account')} · {active} enabled")
st.dataframe(
    pd.DataFrame(
        [
            {
                "name": row["name"],
                "role": row["role"],
                "enabled": not row["disabled"],
                "created": short_time(row["created_at"]),
                "changed": short_time(row["updated_at"]),
            }
            for row in rows
        ],
        columns=["name", "role", "enabled", "created", "changed"],
    ),
    hide_index=True,
    width="stretch",
    key="fc_accounts_table",
    column_config={"enabled": st.column_config.CheckboxColumn("enabled")},
)

# ---------------------------------------------------------------- add
with st.container(border=True, key="fc_acc_add_box"):
    st.markdown("**Add an account**")
    with st.form("fc_acc_add_form", border=False, enter_to_submit=False):
        cols = st.columns([3, 2, 3])
        cols[0].text_input("Name", key="fc_acc_name", max_chars=accounts.MAX_NAME)
        cols[1].selectbox("Role", list(ROLES), index=ROLES.index("checker"), key="fc_acc_role")
        cols[2].text_input(
            "Password",
            type="password",
            key="fc_acc_password",
            help=f"at least {accounts.MIN_PASSWORD} characters; tell it to the person",
        )
        st.form_submit_button("Add account", type="primary", on_click=_add)

# ---------------------------------------------------------------- change one
with st.container(border=True, key="fc_acc_change_box"):
    st.markdown("**Change an account**")
    who = st.selectbox(
        "Account", names, index=None, key="fc_acc_who", placeholder="choose an account"
    )
    chosen = by_name.get(who)
    if chosen is None:
        st.caption("Choose an account to change its role, disable it or set a new password.")
    else:
        cols = st.columns([3, 1])
        role_key = f"fc_acc_role_of_{chosen['id']}"
        cols[0].radio(
            "Role", list(ROLES), index=ROLES.index(chosen["role"]), key=role_key, horizontal=True
        )
        cols[1].button("Change role", key="fc_acc_set_role", on_click=_set_role, args=(role_key,))
        cols = st.columns([3, 1])
        cols[0].text_input("New password", type="password", key="fc_acc_new_password")
        cols[1].button("Set password", key="fc_acc_reset", on_click=_reset_password)
        st.button(
            "Enable the account" if chosen["disabled"] else "Disable the account",
            key="fc_acc_disable",
            on_click=_toggle_disabled,
            help="a disabled account cannot sign in; its sessions end at once",
        )

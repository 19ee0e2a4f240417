"""AppTest: the Accounts page (admins only) — the list, adding an account that can then sign
in, changing a role, disabling and enabling, resetting a password; others never reach it."""

import pytest
from app_seed import PASSWORD, open_app, small_desk, texts

from factcheck.config import load_settings
from factcheck.errors import AuthenticationError
from factcheck.review import accounts
from factcheck.storage import events

ACCOUNTS = "app_pages/accounts.py"


@pytest.fixture
def desk(db):
    small_desk(db)
    accounts.add_account(db, None, "Rita", "admin", PASSWORD)
    accounts.add_account(db, None, "Ann", "checker", PASSWORD)
    return db


def _admin_page():
    at = open_app("Rita", "admin")
    return at.switch_page(ACCOUNTS).run()


def test_the_admin_lists_and_adds_accounts(desk):
    at = _admin_page()
    assert not at.exception
    assert texts(at.title) == ["Accounts"]
    listed = at.dataframe[0].value
    assert list(listed["name"]) == ["Ann", "Rita"]
    assert "password_hash" not in listed.columns
    assert "2 accounts · 2 enabled" in texts(at.caption)

    at.text_input(key="fc_acc_name").set_value("Bob")
    at.selectbox(key="fc_acc_role").set_value("editor")
    at.text_input(key="fc_acc_password").set_value("a long secret")
    at.button(key="FormSubmitter:fc_acc_add_form-Add account").click().run()
    assert not at.exception
    assert "Account Bob added (editor)." in texts(at.success)
    assert list(at.dataframe[0].value["name"]) == ["Ann", "Bob", "Rita"]
    bob, _token = accounts.sign_in(desk, "Bob", "a long secret", load_settings())
    assert bob["role"] == "editor"
    (created,) = [
        e
        for e in events.for_entity(desk, "reviewers", bob["id"])
        if e["action"] == "reviewer.created"
    ]
    assert created["actor"] == "Rita"

    at.text_input(key="fc_acc_name").set_value("Cy")
    at.text_input(key="fc_acc_password").set_value("short")
    at.button(key="FormSubmitter:fc_acc_add_form-Add account").click().run()
    assert any("at least 8 characters" in e for e in texts(at.error))


def test_the_admin_changes_a_role_disables_and_resets_a_password(desk):
    at = _admin_page()
    ann_id = accounts.get_account(desk, "Ann")["id"]
    at.selectbox(key="fc_acc_who").set_value("Ann").run()
    at.radio(key=f"fc_acc_role_of_{ann_id}").set_value("editor")
    at.button(key="fc_acc_set_role").click().run()
    assert "Ann is now editor." in texts(at.success)
    assert accounts.get_account(desk, "Ann")["role"] == "editor"

    _account, token = accounts.sign_in(desk, "Ann", PASSWORD, load_settings())
    at.button(key="fc_acc_disable").click().run()
    assert any("Ann is disabled" in s for s in texts(at.success))
    assert accounts.account_for_token(desk, token, load_settings()) is None  # signed out
    with pytest.raises(AuthenticationError, match="disabled"):
        accounts.sign_in(desk, "Ann", PASSWORD, load_settings())
    assert at.button(key="fc_acc_disable").label == "Enable the account"
    at.button(key="fc_acc_disable").click().run()
    assert any("Ann is enabled again" in s for s in texts(at.success))

    at.text_input(key="fc_acc_new_password").set_value("another secret")
    at.button(key="fc_acc_reset").click().run()
    assert any("New password set for Ann" in s for s in texts(at.success))
    assert at.text_input(key="fc_acc_new_password").value == ""
    assert accounts.sign_in(desk, "Ann", "another secret", load_settings())[0]["name"] == "Ann"


def test_the_last_admin_cannot_demote_themselves(desk):
    at = _admin_page()
    rita_id = accounts.get_account(desk, "Rita")["id"]
    at.selectbox(key="fc_acc_who").set_value("Rita").run()
    at.radio(key=f"fc_acc_role_of_{rita_id}").set_value("checker")
    at.button(key="fc_acc_set_role").click().run()
    assert any("last admin" in e for e in texts(at.error))
    assert accounts.get_account(desk, "Rita")["role"] == "admin"


def test_the_accounts_page_is_not_reachable_for_others(desk):
    accounts.add_account(desk, None, "Eve", "editor", PASSWORD)
    for name in ("Ann", "Eve"):
        at = open_app(name)
        assert not at.exception
        # a deep link opens the page (hidden from the sidebar), which refuses: no "not found"
        at.switch_page(ACCOUNTS).run()
        assert not at.exception
        assert any("Only admins can manage accounts" in e for e in texts(at.error))
        assert all(w.key != "fc_acc_name" for w in at.text_input)
    at = _admin_page()
    accounts.set_role(desk, None, "Ann", "admin")
    accounts.set_role(desk, None, "Rita", "editor")  # demoted while the page is open
    at.run()
    assert not at.exception
    assert "Accounts" not in texts(at.title)
    assert all(w.key != "fc_acc_name" for w in at.text_input)

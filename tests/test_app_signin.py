"""AppTest: signing in to the app — the first admin on an empty database, the sign-in form
(success, failure, a deep link kept), the session cookie surviving a new browser session,
signing out, and the other ``auth`` modes (none, header, oidc)."""

import pytest
from app_seed import PASSWORD, open_app, small_desk, texts

from app_pages import common
from factcheck.config import load_settings
from factcheck.errors import AuthenticationError
from factcheck.review import accounts
from factcheck.review import workflow as review
from factcheck.storage import events

CLAIM_PAGE = "app_pages/claim.py"
SIGN_IN = "FormSubmitter:fc_signin_form-Sign in"


def _fake_request(monkeypatch, *, headers=None, cookies=None, ip="127.0.0.1") -> None:
    """What a browser connection would carry (AppTest cannot fake st.context's request)."""
    monkeypatch.setattr(
        common,
        "request_context",
        lambda: {"headers": dict(headers or {}), "cookies": dict(cookies or {}), "ip": ip},
    )


def _sign_in(at, name: str, password: str):
    at.text_input(key="fc_signin_name").set_value(name)
    at.text_input(key="fc_signin_password").set_value(password)
    return at.button(key=SIGN_IN).click().run()


def _signed_in_as(at) -> list[str]:
    return [s for s in texts(at.sidebar.success) if s.startswith("Signed in as")]


def test_an_empty_database_asks_for_the_first_admin_on_every_page(db):
    small_desk(db)
    at = open_app(page=CLAIM_PAGE)
    assert not at.exception
    assert texts(at.title) == ["Create the first admin"]
    assert not at.dataframe and not at.sidebar.success  # no page content, nobody signed in
    at.text_input(key="fc_admin_name").set_value("Rita")
    at.text_input(key="fc_admin_password").set_value("long enough 1")
    at.text_input(key="fc_admin_again").set_value("long enough 2")
    at.button(key="FormSubmitter:fc_first_admin_form-Create admin").click().run()
    assert any("passwords differ" in e for e in texts(at.error))
    assert accounts.needs_first_admin(db)

    at.text_input(key="fc_admin_name").set_value("Rita")
    at.text_input(key="fc_admin_password").set_value("long enough 1")
    at.text_input(key="fc_admin_again").set_value("long enough 1")
    at.button(key="FormSubmitter:fc_first_admin_form-Create admin").click().run()
    assert not at.exception
    assert _signed_in_as(at) == ["Signed in as **Rita** (admin)"]
    assert accounts.get_account(db, "Rita")["role"] == "admin"
    assert not accounts.needs_first_admin(db)
    assert at.session_state["fc_admin_password"] == ""  # the password is not kept


def test_the_first_admin_is_welcomed_on_the_queue_from_the_root_url(db):
    small_desk(db)
    at = open_app()  # /: the hidden home page redirects to the queue
    at.text_input(key="fc_admin_name").set_value("Rita")
    at.text_input(key="fc_admin_password").set_value("long enough 1")
    at.text_input(key="fc_admin_again").set_value("long enough 1")
    at.button(key="FormSubmitter:fc_first_admin_form-Create admin").click().run()
    assert not at.exception
    assert texts(at.title) == ["Claims queue"]
    assert any(s.startswith("Welcome, Rita") for s in texts(at.success))


def test_sign_in_success_and_failure_keep_the_deep_link(db):
    desk = small_desk(db)
    accounts.add_account(db, None, "Rita", "admin", PASSWORD)
    eve = accounts.add_account(db, None, "Eve", "editor", PASSWORD)
    at = open_app(page=CLAIM_PAGE, claim=desk["claims"][1])
    assert texts(at.title) == ["Sign in"]
    assert not _signed_in_as(at)

    _sign_in(at, "Eve", "not the password")
    assert not at.exception
    assert texts(at.error) == ["wrong name or password"]
    assert texts(at.title) == ["Sign in"]
    _sign_in(at, "Nobody", PASSWORD)
    assert texts(at.error) == ["wrong name or password"]  # no hint that the name is unknown

    _sign_in(at, "eve", PASSWORD)
    assert not at.exception and not at.error
    assert _signed_in_as(at) == ["Signed in as **Eve** (editor)"]
    assert texts(at.title) == [f"Claim {desk['claims'][1]}"]  # the page the link named
    assert at.session_state["fc_signin_password"] == ""
    actions = [e["action"] for e in events.for_entity(db, "reviewers", eve["id"])]
    assert actions.count("auth.failed") == 1 and actions.count("auth.signed_in") == 1


def test_a_disabled_account_cannot_sign_in(db):
    small_desk(db)
    accounts.add_account(db, None, "Rita", "admin", PASSWORD)
    accounts.add_account(db, None, "Ann", "checker", PASSWORD)
    accounts.set_disabled(db, None, "Ann")
    at = open_app()
    _sign_in(at, "Ann", PASSWORD)
    assert texts(at.error) == ["the account Ann is disabled; ask an admin"]
    assert not _signed_in_as(at)


def test_the_cookie_signs_in_a_new_session_until_sign_out(db, monkeypatch):
    desk = small_desk(db)
    accounts.add_account(db, None, "Rita", "admin", PASSWORD)
    accounts.add_account(db, None, "Ann", "checker", PASSWORD)
    _account, token = accounts.sign_in(db, "Ann", PASSWORD, load_settings())
    _fake_request(monkeypatch, cookies={common.SESSION_COOKIE: token})

    at = open_app(page=CLAIM_PAGE, claim=desk["claims"][0])  # a reload, a new tab, a link
    assert not at.exception
    assert _signed_in_as(at) == ["Signed in as **Ann** (checker)"]
    assert texts(at.title) == [f"Claim {desk['claims'][0]}"]
    assert at.session_state[common.TOKEN_KEY] == token

    at.sidebar.button(key="fc_sign_out").click().run()
    assert texts(at.title) == ["Sign in"]
    assert not at.sidebar.children  # signed out, the sidebar is empty and stays closed
    assert accounts.account_for_token(db, token, load_settings()) is None  # revoked
    again = open_app()  # the stale cookie no longer signs anyone in
    assert texts(again.title) == ["Sign in"]


def test_the_cookie_script_sets_and_clears_the_session_cookie():
    script = common.cookie_script("abc.def-1", 3600)
    assert 'factcheck_session=\' + "abc.def-1"' in script
    assert "Path=/" in script and "Max-Age=3600" in script and "SameSite=Strict" in script
    assert "window.parent.document.cookie" in script
    cleared = common.cookie_script(None, 0)
    assert "Max-Age=0" in cleared and '""' in cleared
    assert "</script" not in common.cookie_script("</script><b>", 1).split("<script>")[1][:-9]


def test_none_mode_shows_the_banner_on_every_page(db, monkeypatch):
    desk = small_desk(db)
    monkeypatch.setenv("FACTCHECK_AUTH", "none")
    at = open_app()
    assert not at.exception
    banner = "Sign-in is off (FACTCHECK_AUTH=none): everyone using this app acts as 'local'"
    assert banner in texts(at.warning)
    assert _signed_in_as(at) == ["Signed in as **local** (admin)"]
    assert not [b for b in at.button if b.key == "fc_sign_out"]
    at.switch_page(CLAIM_PAGE).run()
    assert banner in texts(at.warning)
    at.button(key="fc_pick_1").click().run()
    at.button(key="fc_save").click().run()
    assert review.claim_detail(db, desk["claims"][0], "local")["own_verdict"]["label"] == "False"


def test_header_mode_believes_only_a_trusted_proxy(db, monkeypatch):
    small_desk(db)
    accounts.add_account(db, None, "Ann", "checker")
    monkeypatch.setenv("FACTCHECK_AUTH", "header")
    _fake_request(monkeypatch, headers={"x-forwarded-user": "Ann"}, ip="127.0.0.1")
    at = open_app()
    assert not at.exception
    assert _signed_in_as(at) == ["Signed in as **Ann** (checker)"]
    assert texts(at.title) == ["Claims queue"]

    _fake_request(monkeypatch, headers={"X-Forwarded-User": "Ann"}, ip="203.0.113.9")
    at = open_app()
    assert not _signed_in_as(at)
    assert any("not come through a trusted proxy" in e for e in texts(at.error))
    assert not at.dataframe


def test_the_header_resolver(db, settings):
    accounts.add_account(db, None, "Ann", "checker")
    found = common.header_account(db, {"X-FORWARDED-USER": "ann"}, "::1", settings)
    assert found["name"] == "Ann"
    with pytest.raises(AuthenticationError, match="sent no X-Forwarded-User"):
        common.header_account(db, {}, "127.0.0.1", settings)
    with pytest.raises(AuthenticationError, match="no account called 'Bob'"):
        common.header_account(db, {"X-Forwarded-User": "Bob"}, "127.0.0.1", settings)


def test_the_identity_resolver(db):
    accounts.add_account(db, None, "ann@example.org", "checker")
    accounts.add_account(db, None, "Bob Smith", "editor")
    assert common.identity_account(db, {"email": "ANN@example.org"})["name"] == "ann@example.org"
    assert common.identity_account(db, {"name": "Bob Smith"})["role"] == "editor"
    with pytest.raises(AuthenticationError, match="no account called 'eve@example.org'"):
        # a display name never stands in for an e-mail address without an account
        common.identity_account(db, {"email": "eve@example.org", "name": "Bob Smith"})
    with pytest.raises(AuthenticationError, match="not verified"):
        common.identity_account(db, {"email": "ann@example.org", "email_verified": False})
    accounts.set_disabled(db, None, "Bob Smith")
    with pytest.raises(AuthenticationError, match="disabled"):
        common.identity_account(db, {"name": "Bob Smith"})


def test_oidc_mode_without_streamlit_auth_says_so(db, monkeypatch):
    small_desk(db)
    monkeypatch.setenv("FACTCHECK_AUTH", "oidc")
    at = open_app()
    assert not at.exception
    assert any("Streamlit's sign-in is not configured" in e for e in texts(at.error))
    assert not _signed_in_as(at)


def test_oidc_mode_maps_the_identity_to_an_account(db, monkeypatch):
    small_desk(db)
    accounts.add_account(db, None, "ann@example.org", "checker")
    monkeypatch.setenv("FACTCHECK_AUTH", "oidc")
    at = open_app(run=False)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback"}
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert texts(at.title) == ["Sign in"] and at.button(key="fc_oidc_login")
    at.user = {"is_logged_in": True, "email": "ann@example.org", "name": "Ann"}
    at.run()
    assert _signed_in_as(at) == [f"Signed in as **{common.safe_md('ann@example.org')}** (checker)"]

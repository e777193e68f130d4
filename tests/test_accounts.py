"""Organizer accounts: passwords, login links, invitations, sessions, the CLI."""

import pytest
from sqlalchemy import select

from campaigns.extensions import db
from campaigns.models import Organizer, OutboxMessage
from campaigns.services import accounts
from tests.conftest import login_as
from tests.helpers import csrf_token, deliver, login, path_of, post_form

PASSWORD = "correct horse battery"
GENERIC = "That email and password do not match an account."


@pytest.fixture
def rosa(app) -> str:
    with app.app_context():
        return accounts.create_organizer(
            "Rosa@Example.org", password=PASSWORD, name="Rosa"
        ).get_id()


def _logged_in(client) -> bool:
    return client.get("/organize/").status_code == 200


def test_password_is_hashed_with_scrypt(app, rosa):
    with app.app_context():
        organizer = db.session.scalar(select(Organizer))
        assert organizer.email == "rosa@example.org"
        assert organizer.password_hash.startswith("scrypt:")
        assert PASSWORD not in organizer.password_hash


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("rosa@example.org", "wrong password"),
        ("nobody@example.org", PASSWORD),
        ("not an address", PASSWORD),
    ],
)
def test_failed_logins_get_one_generic_message(client, rosa, email, password):
    response = login(client, email, password)
    assert response.status_code in {401, 422}
    if response.status_code == 401:
        assert GENERIC in response.get_data(as_text=True)
    assert not _logged_in(client)


def test_login_is_case_insensitive_and_follows_only_local_next(client, rosa):
    token = csrf_token(client, "/organize/login")
    data = {"csrf_token": token, "email": "ROSA@example.org", "password": PASSWORD}
    response = client.post("/organize/login?next=/organize/news", data=data)
    assert response.location == "/organize/news"
    evils = (
        "//evil.example/x",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:x",
    )
    for evil in evils:
        fresh = client.application.test_client()
        data["csrf_token"] = csrf_token(fresh, "/organize/login")
        response = fresh.post("/organize/login", query_string={"next": evil}, data=data)
        assert response.location == "/organize/"


def test_login_without_csrf_token_is_refused(client, rosa):
    data = {"email": "rosa@example.org", "password": PASSWORD}
    assert client.post("/organize/login", data=data).status_code == 400
    assert not _logged_in(client)


def test_logout_needs_a_post_with_csrf(client, rosa):
    login(client, "rosa@example.org", PASSWORD)
    assert client.get("/organize/logout").status_code == 405
    assert client.post("/organize/logout").status_code == 400
    assert _logged_in(client)
    assert post_form(client, "/organize/logout", page="/organize/").status_code == 303
    assert not _logged_in(client)


def _last_link(app, smtp_server, address: str) -> str:
    deliver(app)
    message = smtp_server.to(address)[-1]
    [link] = [u for u in smtp_server.links(message) if "/organize/" in u]
    return path_of(link)


def test_login_link_works_once(mail_app, client, smtp_server, rosa):
    sent = post_form(client, "/organize/login/link", {"email": "rosa@example.org"})
    unknown = post_form(client, "/organize/login/link", {"email": "x@example.org"})
    assert sent.get_data(as_text=True) == unknown.get_data(as_text=True)
    path = _last_link(mail_app, smtp_server, "rosa@example.org")
    assert len(smtp_server.messages) == 1

    assert "Press the button" in client.get(path).get_data(as_text=True)
    assert not _logged_in(client)  # opening the link is not enough
    assert post_form(client, path).status_code == 303
    assert _logged_in(client)

    other = mail_app.test_client()
    assert post_form(other, path).status_code == 400  # spent
    assert not _logged_in(other)


def test_login_link_expires(mail_app, client, smtp_server, rosa):
    mail_app.config["LOGIN_LINK_MAX_AGE"] = -1
    post_form(client, "/organize/login/link", {"email": "rosa@example.org"})
    path = _last_link(mail_app, smtp_server, "rosa@example.org")
    assert post_form(client, path).status_code == 400
    assert post_form(client, "/organize/login/link/garbage").status_code == 400
    assert not _logged_in(client)


def test_admin_invites_an_organizer_who_sets_a_password(
    mail_app, client, smtp_server, make_organizer
):
    with mail_app.app_context():
        admin = make_organizer("admin@example.org", is_admin=True).get_id()
    login_as(client, admin)
    invited = post_form(
        client,
        "/organize/admin/organizers",
        {"email": "new@example.org", "name": "Noor"},
    )
    assert invited.status_code == 303
    again = post_form(
        client, "/organize/admin/organizers", {"email": "new@example.org"}
    )
    assert again.status_code == 422
    path = _last_link(mail_app, smtp_server, "new@example.org")
    assert "/organize/invitation/" in path

    newcomer = mail_app.test_client()
    assert login(newcomer, "new@example.org", "").status_code == 422
    short = post_form(newcomer, path, {"password": "short", "repeat": "short"})
    assert short.status_code == 422
    chosen = {"password": "a good long password", "repeat": "a good long password"}
    assert post_form(newcomer, path, chosen).status_code == 303
    assert _logged_in(newcomer)
    assert post_form(mail_app.test_client(), path, chosen).status_code == 400
    assert (
        login(mail_app.test_client(), "new@example.org", chosen["password"]).status_code
        == 303
    )


def test_changing_the_password_ends_other_sessions(app, client, rosa):
    other = app.test_client()
    login(client, "rosa@example.org", PASSWORD)
    login(other, "rosa@example.org", PASSWORD)
    new = "another long password"
    changed = post_form(
        client, "/organize/account/password", {"password": new, "repeat": new}
    )
    assert changed.status_code == 303
    assert _logged_in(client)
    assert not _logged_in(other)
    assert login(app.test_client(), "rosa@example.org", new).status_code == 303


def test_last_admin_cannot_be_removed(app, client, make_organizer):
    with app.app_context():
        admin = make_organizer("admin@example.org", is_admin=True)
        plain = make_organizer("plain@example.org")
        ids = (admin.id, plain.id, admin.get_id())
    login_as(client, ids[2])
    page = "/organize/admin/organizers"
    assert post_form(client, f"{page}/{ids[1]}/remove", page=page).status_code == 303
    assert post_form(client, f"{page}/{ids[0]}/remove", page=page).status_code == 409
    assert post_form(client, f"{page}/999/remove", page=page).status_code == 404
    with app.app_context():
        assert [o.email for o in db.session.scalars(select(Organizer))] == [
            "admin@example.org"
        ]


def test_cli_adds_an_organizer_with_the_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["organizers", "add", "admin@example.org", "--admin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin account admin@example.org." in result.output
    with app.app_context():
        assert accounts.authenticate("admin@example.org", PASSWORD).is_admin
    listed = runner.invoke(args=["organizers", "list"])
    assert "admin@example.org\tadmin" in listed.output


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["organizers", "add", "a@example.org"], "short\n", "at least 10 characters"),
        (["organizers", "add", "not-an-address"], PASSWORD + "\n", "Not a valid email"),
        (
            ["organizers", "add", "a@example.org", "--password", "x"],
            "",
            "No such option",
        ),
    ],
)
def test_cli_refuses_bad_accounts(app, runner, args, password, message):
    result = runner.invoke(args=args, input=password)
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalars(select(Organizer)).all() == []


def test_cli_refuses_a_taken_address(runner, rosa):
    result = runner.invoke(
        args=["organizers", "add", "rosa@example.org"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 1
    assert "already exists" in result.output


@pytest.mark.parametrize(
    ("command", "words"),
    [
        (["organizers", "add"], "password is prompted"),
        (["organizers", "list"], "List organizer accounts"),
        (["export"], "Export the confirmed signers"),
        (["import-feed"], "Import news items"),
        (["recount"], "Check tallies"),
        (["demo"], "demo"),
        (["mail-worker"], "Deliver queued email"),
    ],
)
def test_every_command_explains_itself(runner, command, words):
    result = runner.invoke(args=[*command, "--help"])
    assert result.exit_code == 0
    assert words in result.output


def test_invitations_are_queued_not_sent(app, make_organizer):
    with app.app_context():
        admin = make_organizer("admin@example.org", is_admin=True)
        accounts.invite("x@example.org", name="", invited_by=admin)
        [message] = db.session.scalars(select(OutboxMessage))
        assert (message.kind, message.sent_at) == ("invitation", None)


def test_a_weak_password_leaves_the_invitation_usable(app, client, make_organizer):
    app.config["PASSWORD_MIN_LENGTH"] = 30
    with app.app_context():
        admin = make_organizer("admin@example.org", is_admin=True)
        accounts.invite("new@example.org", name="", invited_by=admin)
        body = db.session.scalar(select(OutboxMessage.body_text))
    path = body.split("http://localhost")[1].split()[0]
    medium = {"password": "twenty characters ok", "repeat": "twenty characters ok"}
    assert post_form(client, path, medium).status_code == 422
    strong = {"password": "x" * 30, "repeat": "x" * 30}
    assert post_form(client, path, strong).status_code == 303

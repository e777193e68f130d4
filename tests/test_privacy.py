"""Privacy by default: hashed IPs, retention purges, signer data page, erasure."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from campaigns import addresses, clock, iphash, outbox, tokens
from campaigns.extensions import db
from campaigns.models import Campaign, OutboxMessage, Signature
from campaigns.services import counting
from tests.conftest import login_as
from tests.helpers import csrf_token, deliver, path_of, public_id, sign


def _confirm_all(client, app) -> None:
    with app.app_context():
        ids = list(db.session.scalars(select(Signature.public_id)))
        links = [tokens.make_confirm_token(i) for i in ids]
    for token in links:
        client.post(f"/s/confirm/{token}")


def _count(app, model=Signature, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- IP addresses -----------------------------------------------------------


def test_ip_address_is_stored_only_as_a_keyed_hash(app, client, make_campaign):
    with app.app_context():
        make_campaign()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.77"
    sign(client, "fair-pay")
    with app.app_context():
        signature = db.session.scalar(select(Signature))
        assert signature.ip_hash == iphash.hash_ip("203.0.113.77")
        assert len(signature.ip_hash) == 32
        dump = "\n".join(
            str(row)
            for table in db.metadata.sorted_tables
            for row in db.session.execute(select(table))
        )
    assert "Ana Flores" in dump
    assert "203.0.113.77" not in dump
    app.config["SECRET_KEY"] = "another-key"
    with app.app_context():
        assert iphash.hash_ip("203.0.113.77") != signature.ip_hash


# --- Retention ----------------------------------------------------------------


def _old_and_new_rows(app, make_campaign) -> None:
    now = clock.utcnow()
    old = now - timedelta(days=31)
    with app.app_context():
        campaign = make_campaign()
        rows = {
            "old-pending@example.org": {"created_at": old},
            "new-pending@example.org": {"created_at": now - timedelta(days=29)},
            "old-confirmed@example.org": {"created_at": old, "confirmed_at": old},
            "old-withdrawn@example.org": {
                "created_at": old,
                "confirmed_at": old,
                "withdrawn_at": old,
            },
        }
        for email, times in rows.items():
            db.session.add(
                Signature(
                    campaign=campaign,
                    full_name="Ana Flores",
                    email=email,
                    email_key=email,
                    country="SV",
                    ip_hash="0" * 32,
                    **times,
                )
            )
        db.session.add_all(
            OutboxMessage(
                recipient="x@example.org",
                subject="s",
                body_text="b",
                kind="k",
                created_at=sent,
                sent_at=sent,
            )
            for sent in (old, now)
        )
        counting.add(campaign.id, 1)
        db.session.commit()


def test_purge_deletes_expired_data_and_keeps_the_rest(app, runner, make_campaign):
    _old_and_new_rows(app, make_campaign)
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 unconfirmed and 1 withdrawn signatures" in result.output
    with app.app_context():
        kept = {s.email: s.ip_hash for s in db.session.scalars(select(Signature))}
        assert kept == {
            "new-pending@example.org": "0" * 32,
            "old-confirmed@example.org": None,
        }
        assert counting.tally(1).count == 1
    assert _count(app, OutboxMessage) == 1


def test_purge_follows_a_moved_clock(app, runner, make_campaign, monkeypatch):
    _old_and_new_rows(app, make_campaign)
    runner.invoke(args=["purge"])
    later = clock.utcnow() + timedelta(days=2)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    runner.invoke(args=["purge"])
    with app.app_context():
        kept = {s.email: s.ip_hash for s in db.session.scalars(select(Signature))}
    assert kept == {"old-confirmed@example.org": None}


# --- Public signer list -------------------------------------------------------


def _signers(app, client, make_campaign, **campaign_fields) -> str:
    with app.app_context():
        make_campaign(**campaign_fields)
    people = [("Ana Flores", "SV")] + [(f"Per Son{n}", "DE") for n in range(6)]
    for n, (name, country) in enumerate(people):
        sign(
            client,
            "fair-pay",
            full_name=name,
            email=f"s{n}@example.org",
            country=country,
            show_name="y",
        )
    sign(client, "fair-pay", full_name="Quiet One", email="q@example.org", country="FR")
    _confirm_all(client, app)
    return client.get("/c/fair-pay").get_data(as_text=True)


def test_signer_list_shows_opted_in_names_and_vague_small_counts(
    app, client, make_campaign
):
    page = _signers(app, client, make_campaign)
    assert "Ana F." in page
    assert "Per S." in page
    assert "Quiet" not in page
    assert "Germany: 6" in page
    assert "El Salvador: fewer than 5" in page
    assert "France: fewer than 5" in page


def test_campaign_can_hide_names_for_a_country(app, client, make_campaign):
    page = _signers(app, client, make_campaign, hidden_name_countries="SV")
    assert "Ana F." not in page
    assert "Per S." in page


def test_campaign_can_hide_all_names(app, client, make_campaign):
    page = _signers(app, client, make_campaign, hide_signer_names=True)
    assert "Ana F." not in page
    assert "Per S." not in page
    assert "Germany: 6" in page


def test_organizer_sets_signer_list_privacy(app, client, make_campaign, make_organizer):
    with app.app_context():
        make_campaign()
        session_id = make_organizer(is_admin=True).get_id()
    login_as(client, session_id)
    token = csrf_token(client, "/organize/campaigns/fair-pay/signer-privacy")
    response = client.post(
        "/organize/campaigns/fair-pay/signer-privacy",
        data={"csrf_token": token, "hidden_name_countries": ["SV", "GT"]},
    )
    assert response.status_code == 303
    settings_page = client.get(response.location).get_data(as_text=True)
    assert "hidden for signers from: El Salvador, Guatemala." in settings_page
    with app.app_context():
        campaign = db.session.get(Campaign, 1)
        assert campaign.hidden_country_codes == {"SV", "GT"}
        assert not campaign.hide_signer_names
    bad = client.post(
        "/organize/campaigns/fair-pay/signer-privacy",
        data={
            "csrf_token": token,
            "hide_signer_names": "y",
            "hidden_name_countries": "XX",
        },
    )
    assert bad.status_code == 422
    with app.app_context():
        campaign = db.session.get(Campaign, 1)
        assert campaign.hidden_country_codes == {"SV", "GT"}
        assert not campaign.hide_signer_names
    client.post(
        "/organize/campaigns/fair-pay/signer-privacy",
        data={"csrf_token": token, "hide_signer_names": "y"},
    )
    with app.app_context():
        assert db.session.get(Campaign, 1).hide_signer_names


# --- Address normalisation ----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Ana@Example.ORG", "ana@example.org"),
        ("A.N.A+petitions@GMail.com", "ana@gmail.com"),
        ("ana@googlemail.com", "ana@gmail.com"),
        ("ana+x@outlook.com", "ana@outlook.com"),
        ("a.na@outlook.com", "a.na@outlook.com"),  # dots matter outside Gmail
        ("ana+x@example.org", "ana+x@example.org"),  # tags matter on unknown hosts
    ],
)
def test_canonical_key_collides_spellings_of_one_mailbox(typed, key):
    assert addresses.canonical_key(addresses.normalise(typed)) == key


def test_one_mailbox_signs_once_and_is_written_to_as_typed(app, client, make_campaign):
    with app.app_context():
        make_campaign()
    sign(client, "fair-pay", email="A.na+first@gmail.com")
    sign(client, "fair-pay", email="ana@GMAIL.com")
    with app.app_context():
        [signature] = db.session.scalars(select(Signature))
        assert signature.email == "A.na+first@gmail.com"
        assert signature.email_key == "ana@gmail.com"
        recipients = set(db.session.scalars(select(OutboxMessage.recipient)))
        assert recipients == {"A.na+first@gmail.com"}


# --- The signer's own data ----------------------------------------------------


def _data_link(mail_app, smtp_server, address: str) -> str:
    deliver(mail_app)
    message = smtp_server.to(address)[-1]
    [link] = [u for u in smtp_server.links(message) if "/my-data/" in u]
    assert "/my-data/" in message.get_body(("html",)).get_content()
    return path_of(link)


def test_every_email_links_to_the_data_page(
    mail_app, client, smtp_server, make_campaign
):
    with mail_app.app_context():
        make_campaign()
    sign(client, "fair-pay")
    _data_link(mail_app, smtp_server, "ana@example.org")
    _confirm_all(client, mail_app)
    sign(client, "fair-pay")  # a duplicate notice
    with mail_app.app_context():
        outbox.run_worker(once=True)
    kinds = [m["Subject"] for m in smtp_server.messages]
    assert len(kinds) == 2
    for message in smtp_server.messages:
        assert "/my-data/" in message.get_body(("plain",)).get_content()


def test_signer_sees_downloads_withdraws_and_erases_their_data(
    mail_app, client, smtp_server, make_campaign
):
    with mail_app.app_context():
        make_campaign()
        make_campaign(slug="other", title="Other")
    sign(client, "fair-pay", comment="Solidarity!")
    sign(client, "other", email="ANA@example.org")
    _confirm_all(client, mail_app)
    link = _data_link(mail_app, smtp_server, "ana@example.org")

    page = client.get(link)
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    text = page.get_data(as_text=True)
    assert "Fair pay now" in text
    assert "Other" in text
    assert "Solidarity!" in text

    download = client.get(link + "/data.json")
    assert "attachment" in download.headers["Content-Disposition"]
    data = json.loads(download.get_data())
    assert [s["campaign_slug"] for s in data["signatures"]] == ["fair-pay", "other"]
    assert data["signatures"][0]["comment"] == "Solidarity!"
    assert data["signatures"][0]["ip_address_hash"]

    with mail_app.app_context():
        first = db.session.scalar(select(Signature.id).order_by(Signature.id))
    assert client.post(f"{link}/withdraw/{first}").status_code == 303
    assert client.post(f"{link}/withdraw/999").status_code == 404
    with mail_app.app_context():
        assert counting.tally(1).count == 0
        assert counting.tally(2).count == 1

    erased = client.post(f"{link}/erase")
    assert "We deleted 2 signatures" in erased.get_data(as_text=True)
    with mail_app.app_context():
        assert counting.tally(2).count == 0
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 0
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert "We hold nothing" in client.get(link).get_data(as_text=True)


def test_data_link_is_not_valid_for_another_purpose_or_address(
    app, client, make_campaign
):
    with app.app_context():
        make_campaign()
    sign(client, "fair-pay")
    with app.app_context():
        confirm_token = tokens.make_confirm_token(public_id(1))
        data_token = tokens.make_signer_data_token("ana@example.org")
    assert client.get(f"/my-data/{confirm_token}").status_code == 400
    assert client.post(f"/my-data/{confirm_token}/erase").status_code == 400
    assert client.post(f"/s/confirm/{data_token}").status_code == 400
    assert _count(app) == 1


def _request_link(client, address: str):
    token = csrf_token(client, "/privacy")
    return client.post("/privacy/my-data", data={"email": address, "csrf_token": token})


def test_privacy_page_sends_a_data_link_only_to_signers_and_says_the_same(
    app, client, make_campaign
):
    with app.app_context():
        make_campaign()
    sign(client, "fair-pay")
    signer = _request_link(client, "ANA@example.org")
    stranger = _request_link(client, "nobody@example.org")
    assert signer.status_code == stranger.status_code == 200
    assert signer.get_data() == stranger.get_data()
    with app.app_context():
        kinds = list(db.session.scalars(select(OutboxMessage.kind)))
        assert kinds == ["confirmation_request", "signer_data_link"]
    assert _request_link(client, "not an address").status_code == 422


def test_privacy_page_states_the_retention_periods(app, client):
    app.config["UNCONFIRMED_RETENTION_DAYS"] = 17
    text = client.get("/privacy").get_data(as_text=True)
    assert "deleted 17 days after signing" in text
    assert "keyed hash" in text


# --- Admin erasure ------------------------------------------------------------


def test_erase_address_command_removes_it_everywhere(
    app, client, runner, make_campaign
):
    with app.app_context():
        make_campaign()
        make_campaign(slug="other", title="Other")
    sign(client, "fair-pay", email="a.na@gmail.com")
    sign(client, "other", email="ana+x@gmail.com")
    sign(client, "other", email="ben@example.org")
    _confirm_all(client, app)
    result = runner.invoke(args=["erase-address", "ANA@gmail.com", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Erased 2 signatures" in result.output
    with app.app_context():
        assert counting.tally(1).count == 0
        assert counting.tally(2).count == 1
        assert list(db.session.scalars(select(Signature.email))) == ["ben@example.org"]
        assert counting.recount(db.session.get(Campaign, 2)) == (1, 1)
    bad = runner.invoke(args=["erase-address", "not an address", "--yes"])
    assert bad.exit_code != 0
    assert _count(app) == 1

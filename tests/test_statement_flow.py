"""A statement from the form to the page and the export, through real email."""

from sqlalchemy import select

from campaigns.extensions import db
from campaigns.models import CampaignOrganizer, Statement
from tests.conftest import login_as
from tests.helpers import csrf_token, csv_rows, deliver, path_of, send_statement


def _setup(app, make_campaign, make_organizer) -> str:
    with app.app_context():
        campaign = make_campaign()
        organizer = make_organizer("lead@example.org")
        db.session.add(
            CampaignOrganizer(campaign_id=campaign.id, organizer_id=organizer.id)
        )
        db.session.commit()
        return organizer.get_id()


def test_statement_sent_confirmed_approved_shown_and_exported(
    mail_app, client, smtp_server, make_campaign, make_organizer
):
    organizer_session = _setup(mail_app, make_campaign, make_organizer)
    response = send_statement(client, "fair-pay", on_behalf="y", publish="y")
    assert response.status_code == 303
    assert "Check your inbox" in client.get(response.location).get_data(as_text=True)

    deliver(mail_app)
    [message] = smtp_server.to("rosa@example.org")
    links = smtp_server.links(message)
    confirm = path_of(next(link for link in links if "/st/confirm/" in link))
    assert "Confirm my statement" in client.get(confirm).get_data(as_text=True)
    with mail_app.app_context():  # opening the link confirms nothing
        assert db.session.scalar(select(Statement)).confirmed_at is None
    assert "is confirmed" in client.post(confirm).get_data(as_text=True)

    deliver(mail_app)
    [digest] = smtp_server.to("lead@example.org")
    assert "1 statement of support" in digest.get_body(("plain",)).get_content()
    queue = path_of(next(u for u in smtp_server.links(digest) if "/organize/" in u))

    page = client.get("/c/fair-pay").get_data(as_text=True)
    assert "We stand with the Florenzi workers." not in page  # not yet approved

    login_as(client, organizer_session)
    token = csrf_token(client, queue)
    approved = client.post(
        "/organize/campaigns/fair-pay/statements/1/approve", data={"csrf_token": token}
    )
    assert approved.status_code == 303

    page = client.get("/c/fair-pay").get_data(as_text=True)
    assert "We stand with the Florenzi workers.\nPay them now." in page
    assert "Bakers&#39; Union Local 7" in page
    assert "1 organisation and 0 individuals" in page
    permalink = client.get("/c/fair-pay/statements/1")
    assert "Rosa Aguilar" in permalink.get_data(as_text=True)

    export = client.get("/organize/campaigns/fair-pay/statements.csv")
    assert export.status_code == 200
    assert export.mimetype == "text/csv"
    assert "fair-pay-statements-" in export.headers["Content-Disposition"]
    header, row = csv_rows(export.get_data().decode("utf-8"))
    record = dict(zip(header, row, strict=True))
    assert record["Name"] == "Rosa Aguilar"
    assert record["Status"] == "approved"
    assert record["Statement"] == "We stand with the Florenzi workers.\nPay them now."
    assert record["On behalf of the organisation"] == "yes"
    assert record["Link"] == "http://localhost/c/fair-pay/statements/1"


def test_author_withdraws_from_the_email_link(
    mail_app, client, smtp_server, make_campaign, make_organizer
):
    organizer_session = _setup(mail_app, make_campaign, make_organizer)
    send_statement(client, "fair-pay", publish="y")
    deliver(mail_app)
    [message] = smtp_server.to("rosa@example.org")
    links = smtp_server.links(message)
    client.post(path_of(next(link for link in links if "/st/confirm/" in link)))
    login_as(client, organizer_session)
    token = csrf_token(client, "/organize/campaigns/fair-pay/statements")
    client.post(
        "/organize/campaigns/fair-pay/statements/1/approve", data={"csrf_token": token}
    )
    assert "Rosa Aguilar" in client.get("/c/fair-pay").get_data(as_text=True)

    withdraw = path_of(next(link for link in links if "/st/withdraw/" in link))
    assert "Withdraw my statement" in client.get(withdraw).get_data(as_text=True)
    assert "is withdrawn" in client.post(withdraw).get_data(as_text=True)
    assert client.post(withdraw).status_code == 200  # twice changes nothing

    page = client.get("/c/fair-pay").get_data(as_text=True)
    assert "Rosa Aguilar" not in page
    assert "No statements of support are published yet." in page
    assert client.get("/c/fair-pay/statements/1").status_code == 404
    export = client.get("/organize/campaigns/fair-pay/statements.csv").get_data(
        as_text=True
    )
    assert "Rosa Aguilar" not in export
    withdrawn_tab = client.get("/organize/campaigns/fair-pay/statements?show=withdrawn")
    assert "Rosa Aguilar" in withdrawn_tab.get_data(as_text=True)

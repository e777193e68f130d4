"""The whole organizer journey, as a new organizer would live it."""

from sqlalchemy import select

from campaigns.extensions import db
from campaigns.models import Campaign, ExportRecord
from tests.helpers import csv_rows, deliver, login, path_of, post_form, sign

PASSWORD = "a long enough password"


def test_new_organizer_launches_runs_exports_and_closes_a_campaign(
    mail_app, client, runner, smtp_server
):
    created = runner.invoke(
        args=["organizers", "add", "rosa@example.org", "--name", "Rosa"],
        input=PASSWORD + "\n",
    )
    assert created.exit_code == 0, created.output
    assert PASSWORD not in created.output

    assert client.get("/organize/").status_code == 302
    assert login(client, "rosa@example.org", PASSWORD).status_code == 303
    assert "Your campaigns" in client.get("/organize/").get_data(as_text=True)

    draft = post_form(
        client,
        "/organize/campaigns/new",
        {
            "title": "Free Amar Fayaz!",
            "summary": "Release him now.",
            "body": "He was **abducted**.",
            "target": "The Government",
            "goal": "500",
        },
    )
    assert draft.status_code == 303
    assert draft.location.endswith("/organize/campaigns/free-amar-fayaz")
    assert client.get("/c/free-amar-fayaz").status_code == 404  # a draft is private

    overview = "/organize/campaigns/free-amar-fayaz"
    published = post_form(client, overview + "/publish", page=overview)
    assert published.status_code == 303
    assert client.get("/c/free-amar-fayaz").status_code == 200

    item = post_form(
        client,
        "/organize/news/new",
        {
            "title": "Amar Fayaz abducted",
            "source": "Dawn",
            "url": "https://example.org/a",
        },
    )
    assert item.status_code == 303
    linked = post_form(
        client, overview + "/news", {"news_item_id": "1"}, page=overview + "/news"
    )
    assert linked.status_code == 303

    signer = mail_app.test_client()
    assert sign(signer, "free-amar-fayaz", keep_informed="y").status_code == 303
    assert sign(signer, "free-amar-fayaz", email="quiet@example.org").status_code == 303
    deliver(mail_app)
    for address in ("ana@example.org", "quiet@example.org"):
        [message] = smtp_server.to(address)
        confirm = next(u for u in smtp_server.links(message) if "/s/confirm/" in u)
        assert signer.post(path_of(confirm)).status_code == 200

    page = client.get(overview).get_data(as_text=True)
    assert "<svg" in page
    assert "El Salvador" in page

    export = client.get(overview + "/signatures.csv")
    assert export.status_code == 200
    assert "free-amar-fayaz-signatures-" in export.headers["Content-Disposition"]
    rows = csv_rows(export.get_data(as_text=True))
    assert [row[1] for row in rows[1:]] == ["ana@example.org", "quiet@example.org"]

    closed = post_form(
        client,
        overview + "/close",
        {"outcome": "Won: Amar Fayaz was released on 3 January."},
    )
    assert closed.status_code == 303
    assert "released on 3 January" in client.get("/c/free-amar-fayaz").get_data(
        as_text=True
    )

    deliver(mail_app)
    [outcome] = [
        m for m in smtp_server.to("ana@example.org") if "closed" in m["Subject"]
    ]
    assert "released on 3 January" in outcome.get_body(("plain",)).get_content()
    assert not [
        m for m in smtp_server.to("quiet@example.org") if "closed" in m["Subject"]
    ]

    unsubscribe = next(u for u in smtp_server.links(outcome) if "/s/unsubscribe/" in u)
    assert signer.get(path_of(unsubscribe)).status_code == 200
    assert signer.post(path_of(unsubscribe)).status_code == 200
    with mail_app.app_context():
        campaign = db.session.scalar(select(Campaign))
        assert campaign.is_closed
        [record] = db.session.scalars(select(ExportRecord))
        assert (record.actor, record.row_count) == ("rosa@example.org", 2)
        [link] = campaign.news_links
        assert link.tally_at_link == 0

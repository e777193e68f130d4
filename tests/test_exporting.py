"""CSV exports: content parsed back, injection neutralised, filters, log, CLI."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignOrganizer,
    ExportRecord,
    Signature,
)
from campaigns.services import exporting
from tests.conftest import login_as
from tests.helpers import add_statement, csv_rows, post_form

INJECTIONS = [
    ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTab", "'\tTab"),
    ("\rReturn", "'\rReturn"),
    ('Plain, with "quotes"', 'Plain, with "quotes"'),
    ("Ñandú 名前", "Ñandú 名前"),
]


def _signature(campaign, number: int, **fields) -> Signature:
    when = datetime(2026, 3, number % 28 + 1, 12, 30, tzinfo=UTC)
    values = {
        "campaign": campaign,
        "full_name": f"Signer {number}",
        "email": f"s{number}@example.org",
        "email_key": f"s{number}@example.org",
        "country": "SV",
        "created_at": when,
        "confirmed_at": when,
    } | fields
    return Signature(**values)


@pytest.fixture
def owner_session(app, make_campaign, make_organizer) -> str:
    with app.app_context():
        campaign = make_campaign()
        owner = make_organizer()
        db.session.add(CampaignOrganizer(campaign=campaign, organizer=owner))
        db.session.add_all(
            [
                _signature(campaign, i, full_name=name, comment=name)
                for i, (name, _) in enumerate(INJECTIONS)
            ]
        )
        db.session.add_all(
            [
                _signature(campaign, 20, confirmed_at=None),  # pending
                _signature(campaign, 21, withdrawn_at=datetime(2026, 4, 1, tzinfo=UTC)),
                _signature(
                    campaign,
                    22,
                    country="FR",
                    keep_informed_at=datetime(2026, 3, 2, tzinfo=UTC),
                    keep_informed_wording="2026-11",
                ),
            ]
        )
        db.session.commit()
        return owner.get_id()


def _rows(response) -> list[list[str]]:
    return csv_rows(response.get_data().decode("utf-8"))


def test_export_holds_counted_signers_with_injection_neutralised(client, owner_session):
    login_as(client, owner_session)
    response = client.get("/organize/campaigns/fair-pay/signatures.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    today = datetime.now(UTC).date().isoformat()
    assert f"fair-pay-signatures-{today}.csv" in disposition
    header, *rows = _rows(response)
    assert header[:4] == ["Name", "Email", "Country", "Comment"]
    assert len(header) == 10
    assert [row[0] for row in rows[: len(INJECTIONS)]] == [
        expected for _, expected in INJECTIONS
    ]
    assert [row[3] for row in rows[: len(INJECTIONS)]] == [
        expected for _, expected in INJECTIONS
    ]
    emails = {row[1] for row in rows}
    assert "s20@example.org" not in emails  # pending
    assert "s21@example.org" not in emails  # withdrawn
    assert len(rows) == len(INJECTIONS) + 1
    assert rows[0][8] == "2026-03-01 12:30:00"  # signed, UTC


@pytest.mark.parametrize(
    ("cell", "expected"),
    [*INJECTIONS, ("a=b", "a=b"), ("=1", "'=1"), ("", ""), (None, ""), (7, "7")],
)
def test_neutralise(cell, expected):
    assert exporting.neutralise(cell) == expected


@pytest.mark.parametrize(
    ("query", "emails"),
    [
        ("keep_informed_only=y", {"s22@example.org"}),
        ("country=FR", {"s22@example.org"}),
        (
            "signed_from=2026-03-02&signed_until=2026-03-03",
            {"s1@example.org", "s2@example.org"},
        ),
        ("signed_from=2026-03-23", {"s22@example.org"}),
        ("signed_until=2026-03-01", {"s0@example.org"}),
    ],
)
def test_export_filters(client, owner_session, query, emails):
    login_as(client, owner_session)
    response = client.get(f"/organize/campaigns/fair-pay/signatures.csv?{query}")
    assert {row[1] for row in _rows(response)[1:]} == emails


@pytest.mark.parametrize(
    "query",
    [
        "country=XX",
        "signed_from=yesterday",
        "signed_from=2026-03-05&signed_until=2026-03-01",
    ],
)
def test_bad_filters_answer_400_and_log_nothing(app, client, owner_session, query):
    login_as(client, owner_session)
    response = client.get(f"/organize/campaigns/fair-pay/signatures.csv?{query}")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(ExportRecord)).all() == []


def test_country_summary(client, owner_session):
    login_as(client, owner_session)
    response = client.get("/organize/campaigns/fair-pay/countries.csv")
    assert "fair-pay-countries-" in response.headers["Content-Disposition"]
    assert _rows(response) == [
        ["Country code", "Country", "Signatures"],
        ["SV", "El Salvador", str(len(INJECTIONS))],
        ["FR", "France", "1"],
    ]


def test_exports_are_logged_and_shown_to_admins(
    app, client, owner_session, make_organizer
):
    login_as(client, owner_session)
    client.get("/organize/campaigns/fair-pay/signatures.csv?country=FR")
    client.get("/organize/campaigns/fair-pay/countries.csv")
    with app.app_context():
        records = db.session.scalars(
            select(ExportRecord).order_by(ExportRecord.id)
        ).all()
        assert [(r.kind, r.row_count, r.filters) for r in records] == [
            ("signatures", 1, '{"country": "FR"}'),
            ("countries", 2, "{}"),
        ]
        assert records[0].actor == "org@example.org"
        admin = make_organizer("admin@example.org", is_admin=True).get_id()
    assert client.get("/organize/admin/exports").status_code == 403
    login_as(client, admin)
    page = client.get("/organize/admin/exports").get_data(as_text=True)
    assert "org@example.org" in page
    assert "{&#34;country&#34;: &#34;FR&#34;}" in page


def test_cli_export_writes_the_same_csv_and_is_logged(
    app, runner, owner_session, tmp_path
):
    out = tmp_path / "out.csv"
    result = runner.invoke(
        args=["export", "fair-pay", "--out", str(out), "--country", "sv"]
    )
    assert result.exit_code == 0, result.output
    rows = csv_rows(out.read_text(encoding="utf-8"))
    assert len(rows) == len(INJECTIONS) + 1
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    with app.app_context():
        [record] = db.session.scalars(select(ExportRecord))
        assert record.channel == "cli"
        assert record.actor.startswith("command line")
        assert record.row_count == len(INJECTIONS)


def test_cli_export_by_country_to_stdout(runner, owner_session):
    result = runner.invoke(args=["export", "fair-pay", "--by-country", "--out", "-"])
    assert result.exit_code == 0, result.output
    assert "SV,El Salvador,8" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "nope"], "No campaign with slug 'nope'"),
        (["export", "fair-pay", "--country", "XX"], "unknown country code"),
        (["export", "fair-pay", "--since", "March"], "Invalid value for '--since'"),
    ],
)
def test_cli_export_refuses_bad_input(runner, owner_session, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output


def test_export_streams_in_batches(app, owner_session, monkeypatch):
    monkeypatch.setattr(exporting, "BATCH_ROWS", 3)
    with app.test_request_context():
        from campaigns.models import Campaign

        campaign = db.session.scalar(select(Campaign))
        chunks = list(exporting.signatures_csv(campaign, exporting.ExportFilters()))
    assert [chunk.rows for chunk in chunks] == [0, 3, 3, 3]


def test_suspect_signer_is_exported_only_once_counted(app, client, owner_session):
    with app.app_context():
        campaign = db.session.get(Campaign, 1)
        db.session.add(
            _signature(
                campaign,
                30,
                country="DE",
                ip_hash="burst-ip",
                suspect_at=datetime(2026, 3, 5, tzinfo=UTC),
                suspect_reason="ip-burst",
            )
        )
        db.session.commit()
    login_as(client, owner_session)

    def exported() -> tuple[set[str], list[list[str]]]:
        signers = _rows(client.get("/organize/campaigns/fair-pay/signatures.csv"))
        countries = _rows(client.get("/organize/campaigns/fair-pay/countries.csv"))
        return {row[1] for row in signers[1:]}, countries[1:]

    emails, countries = exported()
    assert "s30@example.org" not in emails
    assert "DE" not in {row[0] for row in countries}

    counted = post_form(
        client,
        "/organize/campaigns/fair-pay/suspects/count",
        {"by": "ip", "key": "burst-ip"},
        page="/organize/campaigns/fair-pay/suspects",
    )
    assert counted.status_code == 303
    emails, countries = exported()
    assert "s30@example.org" in emails
    assert ["DE", "Germany", "1"] in countries


def test_statement_exports_are_logged_and_shown_to_admins(
    app, client, owner_session, make_organizer
):
    with app.app_context():
        campaign = db.session.get(Campaign, 1)
        add_statement(campaign, author_name="=Rosa")
    login_as(client, owner_session)
    response = client.get("/organize/campaigns/fair-pay/statements.csv")
    today = datetime.now(UTC).date().isoformat()
    assert f"fair-pay-statements-{today}.csv" in response.headers["Content-Disposition"]
    header, row = _rows(response)
    assert dict(zip(header, row, strict=True))["Name"] == "'=Rosa"
    with app.app_context():
        [record] = db.session.scalars(select(ExportRecord))
        assert (record.kind, record.row_count, record.channel) == (
            "statements",
            1,
            "web",
        )
        assert record.actor == "org@example.org"
        admin = make_organizer("admin@example.org", is_admin=True).get_id()
    login_as(client, admin)
    page = client.get("/organize/admin/exports").get_data(as_text=True)
    assert "statements of support" in page

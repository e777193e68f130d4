"""Who may open which organizer page: every route against every kind of visitor."""

import pytest

from campaigns.extensions import db
from campaigns.models import (
    CampaignNews,
    CampaignOrganizer,
    NewsItem,
    OrganizerRole,
)
from tests.conftest import login_as
from tests.helpers import add_statement, csrf_token

ROLES = ("anonymous", "other", "co", "owner", "admin")
C = "/organize/campaigns/fair-pay"
# Each route, and the roles (beyond admin) that get through to it.
EVERYONE = {"other", "co", "owner", "admin"}
TEAM = {"co", "owner", "admin"}
LEADS = {"owner", "admin"}
ADMINS = {"admin"}
ROUTES = [
    ("GET", "/organize/", EVERYONE),
    ("GET", "/organize/campaigns/new", EVERYONE),
    ("POST", "/organize/campaigns/new", EVERYONE),
    ("GET", C, TEAM),
    ("GET", C + "/edit", TEAM),
    ("POST", C + "/edit", TEAM),
    ("POST", C + "/publish", TEAM),
    ("GET", C + "/close", TEAM),
    ("POST", C + "/close", TEAM),
    ("GET", C + "/team", TEAM),
    ("POST", C + "/team", LEADS),
    ("POST", C + "/team/{co}/remove", LEADS),
    ("GET", C + "/news", TEAM),
    ("POST", C + "/news", TEAM),
    ("POST", C + "/news/{news}/unlink", TEAM),
    ("GET", C + "/export", TEAM),
    ("GET", C + "/signatures.csv", TEAM),
    ("GET", C + "/countries.csv", TEAM),
    ("GET", C + "/statements", TEAM),
    ("GET", C + "/statements.csv", TEAM),
    ("POST", C + "/statements/{statement}/approve", TEAM),
    ("POST", C + "/statements/{statement}/reject", TEAM),
    ("POST", C + "/statements/{statement}/forward", TEAM),
    ("GET", C + "/statements/{statement}/edit", TEAM),
    ("POST", C + "/statements/{statement}/edit", TEAM),
    ("GET", C + "/suspects", TEAM),
    ("POST", C + "/suspects/{action}", TEAM),
    ("GET", C + "/signer-privacy", TEAM),
    ("POST", C + "/signer-privacy", TEAM),
    ("GET", "/organize/news", EVERYONE),
    ("GET", "/organize/news/new", EVERYONE),
    ("POST", "/organize/news/new", EVERYONE),
    ("GET", "/organize/news/import", EVERYONE),
    ("POST", "/organize/news/import", EVERYONE),
    ("GET", "/organize/news/{news}/edit", LEADS),
    ("POST", "/organize/news/{news}/edit", LEADS),
    ("POST", "/organize/news/{news}/delete", LEADS),
    ("GET", "/organize/account/password", EVERYONE),
    ("POST", "/organize/account/password", EVERYONE),
    ("GET", "/organize/admin/organizers", ADMINS),
    ("POST", "/organize/admin/organizers", ADMINS),
    ("POST", "/organize/admin/organizers/{other}/remove", ADMINS),
    ("GET", "/organize/admin/exports", ADMINS),
]
# Pages for logging in are open to all; they are tested in test_accounts.py.
OPEN_ENDPOINTS = {
    "organizer.login",
    "organizer.logout",
    "organizer.request_login_link",
    "organizer.login_with_link",
    "organizer.accept_invitation",
}


@pytest.fixture
def people(app, make_campaign, make_organizer) -> dict[str, object]:
    with app.app_context():
        campaign = make_campaign()
        people = {
            role: make_organizer(f"{role}@example.org", is_admin=role == "admin")
            for role in ROLES[1:]
        }
        for role in ("owner", "co"):
            kind = (
                OrganizerRole.OWNER if role == "owner" else OrganizerRole.CO_ORGANIZER
            )
            db.session.add(
                CampaignOrganizer(campaign=campaign, organizer=people[role], role=kind)
            )
        item = NewsItem(title="Strike", created_by_id=people["owner"].id)
        db.session.add(CampaignNews(campaign=campaign, news_item=item))
        statement = add_statement(campaign, author_name="Rosa", body="Solidarity.")
        ids = {role: person.id for role, person in people.items()}
        sessions = {role: person.get_id() for role, person in people.items()}
        return {
            "ids": ids
            | {"news": item.id, "statement": statement.id, "action": "count"},
            "sessions": sessions,
        }


def _request(client, method: str, path: str):
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": csrf_token(client, "/organize/login")})


def test_every_organizer_route_is_in_the_matrix(app):
    listed = {(method, path.split("{")[0]) for method, path, _ in ROUTES}
    for rule in app.url_map.iter_rules():
        if (
            not rule.endpoint.startswith("organizer.")
            or rule.endpoint in OPEN_ENDPOINTS
        ):
            continue
        path = rule.rule.replace("<slug>", "fair-pay").split("<")[0]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, path) in listed, (
                f"{method} {rule.rule} is not in the matrix"
            )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "route", "allowed"), ROUTES)
def test_access(client, people, role, method, route, allowed):
    path = route.format(**people["ids"])
    if role != "anonymous":
        login_as(client, people["sessions"][role])
    response = _request(client, method, path)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.location.startswith("/organize/login?next=")
    elif role in allowed:
        assert response.status_code in {200, 303, 409, 422}
    elif route.startswith(C):
        expected = 404 if role == "other" else 403
        assert response.status_code == expected
    else:
        assert response.status_code == 403


def test_dashboard_lists_only_the_campaigns_one_runs(
    client, people, make_campaign, app
):
    with app.app_context():
        make_campaign(slug="other-campaign", title="Somebody else's")
    login_as(client, people["sessions"]["co"])
    page = client.get("/organize/").get_data(as_text=True)
    assert "Fair pay now" in page
    assert "Somebody else" not in page
    login_as(client, people["sessions"]["admin"])
    assert "Somebody else" in client.get("/organize/").get_data(as_text=True)

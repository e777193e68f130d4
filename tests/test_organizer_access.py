from tests.conftest import login_as


def test_dashboard_shows_for_a_logged_in_organizer(app, client, make_organizer):
    with app.app_context():
        session_id = make_organizer().get_id()
    login_as(client, session_id)
    assert client.get("/organize/").status_code == 200

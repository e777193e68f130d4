from campaigns.services import demo


def test_demo_shows_statements_of_support(app, client):
    with app.app_context():
        for step in demo.steps():
            step()
        demo.finish()
    page = client.get("/c/florenzi-workers").get_data(as_text=True)
    assert "2 organisations and 1 individual have sent statements" in page
    assert "Textile Workers&#39; Federation" in page
    assert "A supporter from Mexico" in page
    assert "Students in Madrid" not in page  # still waiting for moderation
    assert 'id="send-statement"' in page

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

PROJECT = Path(__file__).resolve().parent.parent


def test_strings_are_extractable_for_translation(tmp_path, monkeypatch):
    pot = tmp_path / "messages.pot"
    monkeypatch.chdir(PROJECT)
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot), "."]
    )
    with pot.open("rb") as handle:
        catalog = read_po(handle)
    ids = {message.id for message in catalog if message.id}
    assert "Confirm my signature" in ids  # template
    assert "Please enter a valid email address." in ids  # lazy form message
    assert "Please confirm your signature: %(title)s" in ids  # email subject
    assert len(ids) > 80

"""Flask-Login wiring: which organizer a session belongs to, and where to log in."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from campaigns.extensions import db, login_manager
from campaigns.models import Organizer


def load_organizer(session_id: str) -> Organizer | None:
    """Return the organizer of a session id "<id>:<version>" if still current."""
    organizer_id, _, version = session_id.partition(":")
    if not (organizer_id.isdigit() and version.isdigit()):
        return None
    organizer = db.session.get(Organizer, int(organizer_id))
    if organizer is None or organizer.session_version != int(version):
        return None
    return organizer


def init_app(app: Flask) -> None:
    """Set up Flask-Login for the organizer pages."""
    login_manager.init_app(app)
    login_manager.user_loader(load_organizer)
    login_manager.login_view = "organizer.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.session_protection = "strong"

"""Organizer pages: the blueprint, its access guards, and the campaign list."""

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from campaigns.extensions import db
from campaigns.models import Campaign
from campaigns.services import permissions

bp = Blueprint("organizer", __name__)


def load_managed_campaign(slug: str) -> Campaign:
    """Return a campaign the current organizer may manage.

    Unknown campaigns, and campaigns of others, answer 404 so that drafts stay secret.
    """
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None or not permissions.can_manage(current_user, campaign):
        abort(404)
    return campaign


@bp.get("/")
@login_required
def dashboard() -> ResponseReturnValue:
    """The campaigns this organizer runs."""
    return render_template("organizer/dashboard.html")

"""News items on the organizer pages: write, edit, delete, import, link to campaigns."""

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from campaigns.errors import FeedError
from campaigns.extensions import db
from campaigns.models import Campaign, NewsItem
from campaigns.organizer.forms import (
    ConfirmForm,
    FeedImportForm,
    LinkNewsForm,
    NewsForm,
)
from campaigns.organizer.views import as_utc, bp, load_managed_campaign
from campaigns.services import dashboard, listing, news, permissions


def _load_item(news_id: int, *, editing: bool = False) -> NewsItem:
    item = db.session.get(NewsItem, news_id)
    if item is None:
        abort(404)
    if editing and not permissions.can_edit_news(current_user, item):
        abort(403)
    return item


def _details(form: NewsForm) -> news.NewsDetails:
    return news.NewsDetails(
        title=form.title.data,
        summary=form.summary.data or "",
        source=form.source.data or "",
        url=form.url.data or None,
        body=form.body.data or None,
        published_at=as_utc(form.published_at.data),
    )


@bp.get("/news")
@login_required
def news_list() -> ResponseReturnValue:
    """The latest news items, with links to edit one's own."""
    return render_template(
        "organizer/news_list.html", items=news.latest_items(), form=ConfirmForm()
    )


@bp.route("/news/new", methods=["GET", "POST"])
@login_required
def news_new() -> ResponseReturnValue:
    """Write a news item."""
    form = NewsForm()
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("organizer/news_form.html", form=form), status
    news.create_item(current_user, _details(form))
    flash(_("News item saved."))
    return redirect(url_for("organizer.news_list"), 303)


@bp.route("/news/<int:news_id>/edit", methods=["GET", "POST"])
@login_required
def news_edit(news_id: int) -> ResponseReturnValue:
    """Edit a news item (its author and admins)."""
    item = _load_item(news_id, editing=True)
    form = NewsForm(obj=item)
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("organizer/news_form.html", form=form, item=item), status
    news.update_item(item, _details(form))
    flash(_("News item saved."))
    return redirect(url_for("organizer.news_list"), 303)


@bp.post("/news/<int:news_id>/delete")
@login_required
def news_delete(news_id: int) -> ResponseReturnValue:
    """Delete a news item (its author and admins)."""
    item = _load_item(news_id, editing=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    news.delete_item(item)
    flash(_("News item deleted."))
    return redirect(url_for("organizer.news_list"), 303)


def _import_form() -> FeedImportForm:
    form = FeedImportForm()
    campaigns = dashboard.managed_campaigns(current_user)
    form.campaign.choices = [
        ("", _("No campaign")),
        *((c.slug, c.title) for c in campaigns),
    ]
    return form


def _render_import(form: FeedImportForm, status: int = 200) -> ResponseReturnValue:
    return render_template("organizer/news_import.html", form=form), status


def _feed_bytes(form: FeedImportForm) -> bytes:
    if form.url.data:
        return news.fetch_feed(form.url.data)
    return form.feed_file.data.read(news.MAX_FEED_BYTES + 1)


@bp.route("/news/import", methods=["GET", "POST"])
@login_required
def news_import() -> ResponseReturnValue:
    """Import items from an RSS or Atom feed, skipping those imported before."""
    form = _import_form()
    if not form.validate_on_submit():
        return _render_import(form, 422 if form.errors else 200)
    campaign = load_managed_campaign(form.campaign.data) if form.campaign.data else None
    try:
        entries, broken = news.read_feed(_feed_bytes(form))
    except FeedError:
        form.url.errors = [_("This could not be read as an RSS or Atom feed.")]
        return _render_import(form, 422)
    result = news.import_entries(entries, author=current_user, campaign=campaign)
    flash(
        _(
            "Imported %(added)s items; skipped %(duplicates)s already imported "
            "and %(broken)s without a title or link.",
            added=result.added,
            duplicates=result.duplicates,
            broken=broken,
        )
    )
    return redirect(url_for("organizer.news_list"), 303)


def _render_links(
    campaign: Campaign, form: LinkNewsForm, status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "organizer/campaign_news.html",
        campaign=campaign,
        form=form,
        links=listing.campaign_news(campaign),
        unlink_form=ConfirmForm(),
    ), status


@bp.route("/campaigns/<slug>/news", methods=["GET", "POST"])
@login_required
def campaign_news(slug: str) -> ResponseReturnValue:
    """A campaign's timeline: link news items to it, recording the tally."""
    campaign = load_managed_campaign(slug)
    form = LinkNewsForm()
    form.news_item_id.choices = [
        (item.id, item.title) for item in news.unlinked_items(campaign)
    ]
    if not form.validate_on_submit():
        return _render_links(campaign, form, 422 if form.errors else 200)
    news.link(_load_item(form.news_item_id.data), campaign)
    flash(_("News item added to the timeline."))
    return redirect(url_for("organizer.campaign_news", slug=slug), 303)


@bp.post("/campaigns/<slug>/news/<int:news_id>/unlink")
@login_required
def campaign_news_unlink(slug: str, news_id: int) -> ResponseReturnValue:
    """Take a news item off a campaign's timeline."""
    campaign = load_managed_campaign(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    news.unlink(_load_item(news_id), campaign)
    flash(_("News item removed from the timeline."))
    return redirect(url_for("organizer.campaign_news", slug=slug), 303)

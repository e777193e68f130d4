"""Public pages: browse campaigns and news, sign, confirm, withdraw, live tallies."""

from collections.abc import Callable

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from campaigns import iphash, ratelimits, tokens
from campaigns.caching import public_page
from campaigns.clock import utcnow
from campaigns.errors import CampaignNotOpenError, ExpiredTokenError, InvalidTokenError
from campaigns.extensions import csrf
from campaigns.models import Campaign
from campaigns.public.forms import ConfirmForm, SignForm, StatementForm
from campaigns.services import counting, fraud, listing, signing, statements

bp = Blueprint("public", __name__)

NEWS_PER_PAGE = 20
STATEMENTS_SHOWN = 5


def load_public_campaign(slug: str) -> Campaign:
    """Return a live or closed campaign, or answer 404 (drafts are not public)."""
    campaign = listing.public_campaign(slug)
    if campaign is None:
        abort(404)
    return campaign


@bp.route("/")
@public_page()
def home() -> ResponseReturnValue:
    """Live campaigns with their tallies, and the latest news."""
    campaigns = listing.live_campaigns()
    return render_template(
        "public/home.html",
        campaigns=campaigns,
        tallies=counting.tallies(c.id for c in campaigns),
        news=listing.latest_news(limit=6),
    )


def render_campaign(
    campaign: Campaign, form: SignForm, status: int = 200, notice: str | None = None
) -> ResponseReturnValue:
    """Render a campaign page around a (possibly filled-in) sign form."""
    form.form_token.data = tokens.make_sign_form_token(campaign.id)
    page = render_template(
        "public/campaign_detail.html",
        campaign=campaign,
        form=form,
        notice=notice,
        tally=counting.tally(campaign.id),
        signers=listing.public_signers(campaign),
        countries=listing.country_counts(campaign),
        news_links=listing.campaign_news(campaign),
        accepting=campaign.accepts_signatures(utcnow()),
        statement_form=StatementForm.blank(campaign.id),
        statement_totals=statements.counts(campaign),
        latest_statements=statements.public_statements(
            campaign, limit=STATEMENTS_SHOWN
        ),
    )
    return page, status


@bp.get("/c/<slug>")
@public_page()
def campaign_detail(slug: str) -> ResponseReturnValue:
    """A campaign with its text, tally, signers, news and sign form."""
    campaign = load_public_campaign(slug)
    return render_campaign(campaign, SignForm(campaign.id, formdata=None))


def _details(form: SignForm) -> signing.SignerDetails:
    return signing.SignerDetails(
        full_name=form.full_name.data,
        email=form.email.data,
        country=form.country.data,
        comment=form.comment.data or "",
        show_name=form.show_name.data,
        keep_informed=form.keep_informed.data,
        locale=str(get_locale() or "en"),
    )


def _origin(form: SignForm) -> fraud.Origin:
    return fraud.Origin(
        ip_hash=iphash.hash_ip(request.remote_addr),
        form_issued_at=form.form_issued_at(),
        honeypot=form.website.data or "",
    )


@bp.post("/c/<slug>/sign")
@csrf.exempt  # SignForm carries its own signed form token; pages stay cacheable
@ratelimits.signing_limits
def sign(slug: str) -> ResponseReturnValue:
    """Record a signature and send the visitor to "check your inbox".

    A signature that goes through reads no campaign: its id is known per process and
    signing checks that it is open. Only a form shown again loads the whole page.
    """
    campaign_id = listing.public_campaign_id(slug)
    if campaign_id is None:
        abort(404)
    form = SignForm(campaign_id)
    if not form.form_token_is_valid():
        notice = _("This form had expired. Please check your details and sign again.")
        return render_campaign(load_public_campaign(slug), form, 400, notice)
    if not form.validate():
        return render_campaign(load_public_campaign(slug), form, 422)
    try:
        signing.sign(campaign_id, _details(form), _origin(form))
    except CampaignNotOpenError:
        campaign = load_public_campaign(slug)
        return render_campaign(campaign, form, 409, _not_open_notice(campaign))
    return redirect(url_for("public.check_email", slug=slug), 303)


def _not_open_notice(campaign: Campaign) -> str:
    if campaign.is_closed:
        return _("This campaign has closed and no longer takes signatures.")
    return _("This campaign is not taking signatures at the moment.")


@bp.get("/c/<slug>/check-email")
def check_email(slug: str) -> ResponseReturnValue:
    """Tell a new signer to confirm from the email we sent."""
    return render_template(
        "public/check_email.html", campaign=load_public_campaign(slug)
    )


@bp.get("/c/<slug>/tally.json")
@public_page("TALLY_CACHE_SECONDS", "TALLY_MAX_AGE")
def tally_json(slug: str) -> ResponseReturnValue:
    """The live tally: small, briefly cacheable, and 304 when unchanged."""
    campaign = load_public_campaign(slug)
    tally = counting.tally(campaign.id)
    return jsonify(
        count=tally.count,
        goal=campaign.goal,
        updated_at=tally.updated_at.isoformat() if tally.updated_at else None,
    )


def _token_problem(error: InvalidTokenError, purpose: str) -> ResponseReturnValue:
    expired = isinstance(error, ExpiredTokenError)
    return render_template(
        "public/bad_link.html", expired=expired, purpose=purpose, form=ConfirmForm()
    ), 400


def one_button_page(
    token: str,
    *,
    name: str,
    load: Callable[[str], object],
    act: Callable[[str], object],
    pages: tuple[str, str],
    bad_link: Callable[[InvalidTokenError], ResponseReturnValue],
) -> ResponseReturnValue:
    """Serve a page behind an email link: GET shows one button, only its POST acts.

    Mail scanners prefetch links, so opening one must change nothing. `pages` are the
    templates before and after acting; the row goes to them under `name`.
    """
    try:
        if request.method == "GET":
            row, template = load(token), pages[0]
        else:
            row, template = act(token), pages[1]
    except InvalidTokenError as error:
        return bad_link(error)
    return render_template(template, form=ConfirmForm(), **{name: row})


@bp.route("/s/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt  # the emailed token is the proof; no session is involved
def confirm(token: str) -> ResponseReturnValue:
    """A page with one button; only its POST confirms (mail scanners prefetch links)."""
    try:
        if request.method == "GET":
            signature = signing.signature_for_confirm_token(token)
            return render_template(
                "public/confirm.html", signature=signature, form=ConfirmForm()
            )
        signature = signing.confirm(token)
    except InvalidTokenError as error:
        return _token_problem(error, "confirm")
    except CampaignNotOpenError:
        abort(
            409,
            _("This campaign has closed, so signatures can no longer be confirmed."),
        )
    return render_template("public/confirmed.html", signature=signature)


@bp.post("/s/new-link/<token>")
@csrf.exempt  # the emailed token is the proof; no session is involved
def new_link(token: str) -> ResponseReturnValue:
    """Send a fresh confirmation email for an expired link."""
    try:
        signature = signing.signature_for_expired_confirm_token(token)
    except InvalidTokenError as error:
        return _token_problem(error, "new-link")
    if not ratelimits.allow("RESEND_RATE_LIMIT_PER_ADDRESS", signature.email_key):
        abort(429, ratelimits.message())
    signing.resend_confirmation(signature)
    return redirect(url_for("public.check_email", slug=signature.campaign.slug), 303)


@bp.route("/s/withdraw/<token>", methods=["GET", "POST"])
@csrf.exempt  # the emailed token is the proof; no session is involved
def withdraw(token: str) -> ResponseReturnValue:
    """A page with one button; its POST withdraws the signature."""
    return one_button_page(
        token,
        name="signature",
        load=signing.signature_for_withdraw_token,
        act=signing.withdraw,
        pages=("public/withdraw.html", "public/withdrawn.html"),
        bad_link=lambda error: _token_problem(error, "withdraw"),
    )


@bp.route("/s/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the emailed token is the proof; no session is involved
def unsubscribe(token: str) -> ResponseReturnValue:
    """A page with one button; its POST stops the campaign's updates to this signer."""
    return one_button_page(
        token,
        name="signature",
        load=signing.signature_for_unsubscribe_token,
        act=signing.unsubscribe,
        pages=("public/unsubscribe.html", "public/unsubscribed.html"),
        bad_link=lambda error: _token_problem(error, "unsubscribe"),
    )


@bp.get("/news")
@public_page()
def news_list() -> ResponseReturnValue:
    """All news items, newest first, each with its campaigns' live tallies."""
    page = request.args.get("page", 1, type=int)
    if page < 1 or page > 10_000:
        abort(404)
    items = listing.latest_news(
        limit=NEWS_PER_PAGE + 1, offset=(page - 1) * NEWS_PER_PAGE
    )
    return _render_news(
        "public/news_list.html",
        items[:NEWS_PER_PAGE],
        page=page,
        has_next=len(items) > NEWS_PER_PAGE,
    )


@bp.get("/news/<int:news_id>")
@public_page()
def news_detail(news_id: int) -> ResponseReturnValue:
    """One news item with a live tally and sign link for each campaign it relates to."""
    item = listing.news_item(news_id)
    if item is None:
        abort(404)
    return _render_news("public/news_detail.html", [item], item=item)


def _render_news(template: str, items: list, **context: object) -> ResponseReturnValue:
    campaigns = {c.id: c for item in items for c in listing.public_campaigns_of(item)}
    return render_template(
        template,
        items=items,
        related={item.id: listing.public_campaigns_of(item) for item in items},
        tallies=counting.tallies(campaigns),
        **context,
    )

"""Public pages for statements of support: send, confirm, withdraw, read."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from campaigns import ratelimits, tokens
from campaigns.errors import CampaignNotOpenError, ExpiredTokenError, InvalidTokenError
from campaigns.extensions import csrf
from campaigns.models import Campaign
from campaigns.public.forms import StatementForm
from campaigns.public.views import bp, load_public_campaign, one_button_page
from campaigns.services import statements

MAX_PAGE = 10_000


def _render_form(
    campaign: Campaign, form: StatementForm, status: int, notice: str | None = None
) -> ResponseReturnValue:
    form.form_token.data = tokens.make_statement_form_token(campaign.id)
    return render_template(
        "public/statement_new.html",
        campaign=campaign,
        statement_form=form,
        notice=notice,
    ), status


def _details(form: StatementForm) -> statements.AuthorDetails:
    return statements.AuthorDetails(
        author_name=form.author_name.data,
        email=form.email.data,
        country=form.country.data,
        body=form.body.data,
        role=form.role.data or "",
        organisation=form.organisation.data or "",
        on_behalf=form.on_behalf.data,
        publish=form.publish.data,
        locale=str(get_locale() or "en"),
    )


@bp.post("/c/<slug>/statements")
@csrf.exempt  # StatementForm carries its own signed form token; pages stay cacheable
@ratelimits.signing_limits
def statement_submit(slug: str) -> ResponseReturnValue:
    """Record a statement and send its author to "check your inbox"."""
    campaign = load_public_campaign(slug)
    form = StatementForm(campaign.id)
    if not form.form_token_is_valid():
        notice = _("This form had expired. Please check your statement and send again.")
        return _render_form(campaign, form, 400, notice)
    if not form.validate():
        return _render_form(campaign, form, 422)
    try:
        statements.submit(campaign, _details(form))
    except CampaignNotOpenError:
        notice = _("This campaign is not taking statements at the moment.")
        return _render_form(campaign, form, 409, notice)
    return redirect(url_for("public.statement_check_email", slug=slug), 303)


@bp.get("/c/<slug>/statements/check-email")
def statement_check_email(slug: str) -> ResponseReturnValue:
    """Tell an author to confirm their statement from the email we sent."""
    return render_template(
        "public/statement_check_email.html", campaign=load_public_campaign(slug)
    )


@bp.get("/c/<slug>/statements")
def statement_list(slug: str) -> ResponseReturnValue:
    """All approved statements of a campaign, newest first, a page at a time."""
    campaign = load_public_campaign(slug)
    page = request.args.get("page", 1, type=int)
    if page < 1 or page > MAX_PAGE:
        abort(404)
    per_page = current_app.config["STATEMENTS_PER_PAGE"]
    found = statements.public_statements(
        campaign, limit=per_page + 1, offset=(page - 1) * per_page
    )
    if page > 1 and not found:
        abort(404)
    return render_template(
        "public/statement_list.html",
        campaign=campaign,
        statement_list=found[:per_page],
        counts=statements.counts(campaign),
        page=page,
        has_next=len(found) > per_page,
    )


@bp.get("/c/<slug>/statements/<int:statement_id>")
def statement_detail(slug: str, statement_id: int) -> ResponseReturnValue:
    """One approved statement on its own page, to link to and share."""
    campaign = load_public_campaign(slug)
    statement = statements.public_statement(campaign, statement_id)
    if statement is None:
        abort(404)
    return render_template(
        "public/statement_detail.html", campaign=campaign, statement=statement
    )


def _bad_link(error: InvalidTokenError) -> ResponseReturnValue:
    expired = isinstance(error, ExpiredTokenError)
    return render_template("public/statement_bad_link.html", expired=expired), 400


@bp.route("/st/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt  # the emailed token is the proof; no session is involved
def statement_confirm(token: str) -> ResponseReturnValue:
    """A page with one button; only its POST confirms the statement."""
    return one_button_page(
        token,
        name="statement",
        load=statements.statement_for_confirm_token,
        act=statements.confirm,
        pages=("public/statement_confirm.html", "public/statement_confirmed.html"),
        bad_link=_bad_link,
    )


@bp.route("/st/withdraw/<token>", methods=["GET", "POST"])
@csrf.exempt  # the emailed token is the proof; no session is involved
def statement_withdraw(token: str) -> ResponseReturnValue:
    """A page with one button; its POST withdraws the statement."""
    return one_button_page(
        token,
        name="statement",
        load=statements.statement_for_withdraw_token,
        act=statements.withdraw,
        pages=("public/statement_withdraw.html", "public/statement_withdrawn.html"),
        bad_link=_bad_link,
    )

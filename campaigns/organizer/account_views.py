"""Organizer accounts: log in and out, login links, invitations, passwords."""

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from campaigns import ratelimits
from campaigns.errors import AccountError, InvalidTokenError
from campaigns.models import Organizer
from campaigns.organizer.forms import (
    ConfirmForm,
    LoginForm,
    LoginLinkForm,
    NewPasswordForm,
)
from campaigns.organizer.views import bp
from campaigns.services import accounts


def _safe_next() -> str:
    """The page to return to after logging in: a path on this site, or the dashboard."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    local = target.startswith("/") and not target.startswith(("//", "/\\"))
    if local and not parts.netloc and not parts.scheme:
        return target
    return url_for("organizer.dashboard")


def _start_session(organizer: Organizer) -> None:
    session.clear()  # nothing from before the login survives it
    login_user(organizer)


@bp.route("/login", methods=["GET", "POST"])
@ratelimits.login_limit
def login() -> ResponseReturnValue:
    """Log in with email and password; every failure gets the same message."""
    form = LoginForm()
    if form.validate_on_submit():
        organizer = accounts.authenticate(form.email.data, form.password.data)
        if organizer is not None:
            accounts.record_login(organizer)
            _start_session(organizer)
            return redirect(_safe_next(), 303)
        flash(_("That email and password do not match an account."), "error")
        return render_template("organizer/login.html", form=form), 401
    status = 422 if form.errors else 200
    return render_template("organizer/login.html", form=form), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    logout_user()
    session.clear()
    flash(_("You are logged out."))
    return redirect(url_for("organizer.login"), 303)


@bp.route("/login/link", methods=["GET", "POST"])
@ratelimits.login_limit
def request_login_link() -> ResponseReturnValue:
    """Ask for a login link; the answer is the same whether an account exists."""
    form = LoginLinkForm()
    if form.validate_on_submit():
        accounts.send_login_link(form.email.data)
        return render_template("organizer/login_link_sent.html")
    status = 422 if form.errors else 200
    return render_template("organizer/login_link.html", form=form), status


def _bad_link() -> ResponseReturnValue:
    return render_template("organizer/bad_login_link.html"), 400


@bp.route("/login/link/<token>", methods=["GET", "POST"])
def login_with_link(token: str) -> ResponseReturnValue:
    """A page with one button; its POST spends the link and logs in."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("organizer/login_with_link.html", form=form)
    try:
        organizer = accounts.use_login_token(token)
    except InvalidTokenError:
        return _bad_link()
    _start_session(organizer)
    return redirect(url_for("organizer.dashboard"), 303)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    """Choose a password from an invitation link, and log in."""
    form = NewPasswordForm()
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("organizer/invitation.html", form=form), status
    try:
        organizer = accounts.accept_invitation(token, form.password.data)
    except InvalidTokenError:
        return _bad_link()
    except AccountError:
        form.password.errors = [_("Please choose a longer password.")]
        return render_template("organizer/invitation.html", form=form), 422
    _start_session(organizer)
    flash(_("Welcome! Your password is set."))
    return redirect(url_for("organizer.dashboard"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Set a new password; other sessions of the account end."""
    form = NewPasswordForm()
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("organizer/password.html", form=form), status
    organizer = current_user._get_current_object()
    try:
        accounts.change_password(organizer, form.password.data)
    except AccountError:
        form.password.errors = [_("Please choose a longer password.")]
        return render_template("organizer/password.html", form=form), 422
    _start_session(organizer)
    flash(_("Your password is changed; other sessions are logged out."))
    return redirect(url_for("organizer.dashboard"), 303)

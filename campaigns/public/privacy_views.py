"""Privacy pages: what we keep, and a signer's own data behind an emailed link."""

from flask import (
    Response,
    abort,
    jsonify,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from campaigns import ratelimits, tokens
from campaigns.errors import InvalidTokenError
from campaigns.extensions import csrf, db
from campaigns.models import Signature
from campaigns.public.forms import ConfirmForm, DataLinkForm
from campaigns.public.views import bp
from campaigns.services import privacy, signing


@bp.get("/privacy")
def privacy_page() -> ResponseReturnValue:
    """What we keep about signers, why, and for how long."""
    return render_template("public/privacy.html", form=DataLinkForm())


@bp.post("/privacy/my-data")
@ratelimits.ip_limit("DATA_LINK_RATE_LIMIT")
def request_data_link() -> ResponseReturnValue:
    """Email the data-page link to an address, if it signed anything here."""
    form = DataLinkForm()
    if not form.validate():
        return render_template("public/privacy.html", form=form), 422
    key = privacy.key_for(form.email.data)
    if ratelimits.allow("RESEND_RATE_LIMIT_PER_ADDRESS", key):
        privacy.send_data_link(form.email.data)
    return render_template("public/data_link_sent.html")


def _key_or_bad_link(token: str) -> str:
    try:
        return tokens.read_signer_data_token(token)
    except InvalidTokenError:
        abort(400, _("This link does not work. Ask for a new one on the privacy page."))


@bp.get("/my-data/<token>")
def my_data(token: str) -> ResponseReturnValue:
    """Everything we hold about the address a data link was sent to."""
    key = _key_or_bad_link(token)
    response = make_response(
        render_template(
            "public/my_data.html",
            signatures=privacy.signatures_of(key),
            token=token,
            form=ConfirmForm(),
        )
    )
    response.cache_control.no_store = True
    return response


@bp.get("/my-data/<token>/data.json")
def my_data_json(token: str) -> ResponseReturnValue:
    """The same, as a JSON file to keep."""
    key = _key_or_bad_link(token)
    response: Response = jsonify(privacy.export(privacy.signatures_of(key)))
    response.headers["Content-Disposition"] = "attachment; filename=my-data.json"
    response.cache_control.no_store = True
    return response


@bp.post("/my-data/<token>/withdraw/<int:signature_id>")
@csrf.exempt  # the emailed token is the proof; no session is involved
def my_data_withdraw(token: str, signature_id: int) -> ResponseReturnValue:
    """Withdraw one of the address's signatures."""
    key = _key_or_bad_link(token)
    signature = db.session.get(Signature, signature_id)
    if signature is None or signature.email_key != key:
        abort(404)
    signing.withdraw_signature(signature)
    return redirect(url_for("public.my_data", token=token), 303)


@bp.post("/my-data/<token>/erase")
@csrf.exempt  # the emailed token is the proof; no session is involved
def my_data_erase(token: str) -> ResponseReturnValue:
    """Erase every signature of the address, and the mail queued to it."""
    erased = privacy.erase(_key_or_bad_link(token))
    return render_template("public/erased.html", erased=erased)

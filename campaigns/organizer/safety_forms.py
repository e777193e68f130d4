"""Organizer forms for reviewing suspect signatures and the signer-list privacy."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import DataRequired, Length

from campaigns.countries import country_choices
from campaigns.forms import Form
from campaigns.services.fraud import GroupBy


class SuspectGroupForm(Form):
    """Names one group of suspect signatures for a bulk action."""

    by = SelectField(choices=[SelectChoice(choice.value) for choice in GroupBy])
    key = HiddenField(validators=[DataRequired(), Length(max=300)])


class SignerPrivacyForm(Form):
    """Whether, and from which countries, signers' names may appear publicly."""

    hide_signer_names = BooleanField(_l("Hide the names of all signers"))
    hidden_name_countries = SelectMultipleField(
        _l("Hide the names of signers from these countries"),
        description=_l(
            "For example the country whose government the campaign confronts. "
            "Hold Ctrl (Cmd on a Mac) to choose more than one."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.hidden_name_countries.choices = [
            SelectChoice(code, name) for code, name in country_choices()
        ]

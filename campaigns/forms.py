"""The base of every form: Flask-WTF, with WTForms' own messages translated cheaply.

Flask-WTF reads WTForms' message catalogue from disk on every request that builds a
form; the catalogue of each language is read once per process here instead.
"""

from functools import cache

from babel.support import NullTranslations, Translations
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import Form as BareForm
from wtforms.i18n import messages_path


@cache
def wtforms_messages(locale: str) -> NullTranslations:
    """WTForms' built-in messages ("Not a valid choice", ...) in one language."""
    return Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """A form whose built-in messages follow the request's language."""

    class Meta:
        def get_translations(self, form: BareForm) -> NullTranslations:
            """WTForms' messages in the current language, read once per process."""
            return wtforms_messages(str(get_locale() or "en"))

"""The list of countries (ISO 3166-1), named in the visitor's language."""

from functools import cache

import pycountry
from babel import Locale
from flask_babel import get_locale

COUNTRY_CODES = frozenset(country.alpha_2 for country in pycountry.countries)


@cache
def _names(locale: str) -> dict[str, str]:
    territories = Locale.parse(locale).territories
    return {
        code: territories.get(code) or pycountry.countries.get(alpha_2=code).name
        for code in COUNTRY_CODES
    }


def country_name(code: str) -> str:
    """Return the country's name in the current language, or the code if unknown."""
    return _names(str(get_locale() or "en")).get(code, code)


@cache
def _sorted_choices(locale: str) -> tuple[tuple[str, str], ...]:
    names = _names(locale)
    return tuple(sorted(names.items(), key=lambda item: item[1].casefold()))


def country_choices() -> list[tuple[str, str]]:
    """Return (code, name) pairs sorted by name in the current language."""
    return list(_sorted_choices(str(get_locale() or "en")))

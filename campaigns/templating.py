"""What templates can use: filters, globals, and the visitor's language."""

from functools import lru_cache

from flask import Flask, current_app, has_request_context, request
from flask_babel import format_decimal, format_percent, get_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from campaigns.countries import country_name
from campaigns.markup import render_markdown


@lru_cache(maxsize=256)
def best_language(accept_language: str, languages: tuple[str, ...]) -> str | None:
    """The best of `languages` for an Accept-Language header; None if none fits.

    Remembered per header value: browsers send few distinct ones, and parsing one
    costs more than serving a cached page.
    """
    return parse_accept_header(accept_language, LanguageAccept).best_match(languages)


def select_locale() -> str | None:
    """Pick the best of our languages from the browser's Accept-Language.

    Outside a request (mail rendered by a CLI command) the default language is used.
    """
    if not has_request_context():
        return None
    accept = request.headers.get("Accept-Language", "")
    return best_language(accept, tuple(current_app.config["LANGUAGES"]))


def progress_fraction(count: int, goal: int) -> float:
    """How far a count is toward its goal, between 0 and 1."""
    return min(count / goal, 1.0) if goal > 0 else 0.0


def text_direction() -> dict[str, str]:
    """Tell templates whether the current language is written right to left."""
    locale = get_locale()
    return {"text_direction": locale.text_direction if locale else "ltr"}


def register(app: Flask) -> None:
    """Make our filters and helpers available to every template."""
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.filters["percent"] = format_percent
    app.jinja_env.globals["progress_fraction"] = progress_fraction
    app.jinja_env.globals["get_locale"] = get_locale
    app.context_processor(text_direction)

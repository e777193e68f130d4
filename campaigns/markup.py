"""Campaign text: Markdown rendered to HTML that is safe to put on a page."""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "code",
    "pre",
    "hr",
}
_markdown = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": True}
)


@lru_cache(maxsize=256)
def render_markdown(text: str) -> Markup:
    """Render Markdown without raw HTML, then keep only a small set of safe tags."""
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above

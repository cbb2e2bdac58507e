"""Article bodies: Markdown turned into HTML that is safe to show, and the difference
between two versions as people read it. Pure."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import markdown
import nh3

# What an article may contain once rendered: text structure, tables, links and images;
# no scripts, styles, frames, forms or event handlers.
ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u",
    "del", "blockquote", "ul", "ol", "li", "code", "pre", "table", "thead", "tbody", "tr",
    "th", "td", "a", "img", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Images come only from the article's own attachments, served by kefu behind its access
# check (kefu/knowledge/urls.py, attachment_download): any other source, relative ones
# included, would make every reader's browser fetch it. An image without one shows its
# alternative text.
ATTACHMENT_IMAGE = re.compile(r"/knowledge/attachments/\d+/")


def _attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not ATTACHMENT_IMAGE.fullmatch(value):
        return None
    return value


def render_markdown(text: str) -> str:
    """The article's Markdown as HTML with anything executable removed; raw HTML in the
    source is escaped or dropped, never passed through."""
    html = markdown.markdown(text, extensions=["tables", "fenced_code", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_attribute,
        link_rel="noopener noreferrer",
    )


@dataclass(frozen=True)
class DiffLine:
    op: str  # " " unchanged, "-" removed, "+" added
    text: str


def diff_lines(before: str, after: str) -> list[DiffLine]:
    """Line by line what changed from `before` to `after`, unchanged lines kept so the
    change reads in its context."""
    lines = difflib.ndiff(before.splitlines(), after.splitlines())
    return [DiffLine(line[0], line[2:]) for line in lines if line[:1] in {" ", "-", "+"}]

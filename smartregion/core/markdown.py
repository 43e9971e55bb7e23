"""Safe HTML from the Markdown people write: markdown-it renders, nh3 (ammonia) sanitises."""

import nh3
from markdown_it import MarkdownIt

# CommonMark without raw HTML; links get rel="nofollow noopener" from nh3 below.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "a",
    "h3",
    "h4",
    "hr",
}


def render_markdown(text: str) -> str:
    """HTML safe to show: only basic formatting and links (http, https, mailto), no images or scripts."""
    html = _markdown.render(text)
    # Headings people write (#, ##) become small headings so they cannot break the page outline.
    for level in ("1", "2"):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )

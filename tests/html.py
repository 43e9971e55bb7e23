"""Reading rendered pages in tests: the values a browser would submit, the text a person would read."""

import re
from html import unescape
from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and (self.form_id is None or a.get("id") == self.form_id):
            self.in_form = True
        if not self.in_form or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file", "image"):
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self._select:
            self.fields.setdefault(self._select, self._select_first or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: str, form_id: str | None = None) -> dict[str, str]:
    """The name/value pairs a browser would submit from the form (the first one, or the one with the id)."""
    parser = _FormParser(form_id)
    parser.feed(html)
    return parser.fields


def field_errors(html: str) -> list[str]:
    """The texts of the KERN error messages under form fields (core/templates/forms/kern_errors.html)."""
    blocks = re.findall(r'<p class="kern-error"[^>]*>(.*?)</p>', html, re.S)
    return [
        unescape(text).strip() for block in blocks for text in re.findall(r"<span>(.*?)</span>", block, re.S)
    ]


def text(html: str) -> str:
    """The page's visible text in <main>, with tags removed and whitespace collapsed."""
    main = re.search(r"<main\b.*?</main>", html, re.S)
    body = main.group(0) if main else html
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())

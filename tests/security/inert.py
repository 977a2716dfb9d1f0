"""Is a page inert? What the hostile-input tests ask of every page that shows a payload.

Two checks, with a real HTML parser (html.parser, as a browser tokenises tags):

- :func:`problems`: nothing that would run or load: no event-handler attribute, no
  inline script, no unsafe element (iframe, object, svg …), no ``javascript:``,
  ``vbscript:`` or ``data:`` URL;
- :func:`foreign_markup`: no element or attribute that the page does not have anyway:
  every (tag, attribute names) pair of the page with payloads appears in the same page
  rendered with harmless text (the baseline). So a payload cannot add an element, nor
  an attribute to an element, even one this module does not know to be dangerous.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

UNSAFE_TAGS = {
    "iframe", "object", "embed", "frame", "frameset", "base", "math", "xss", "bgsound",
    "marquee", "isindex", "video", "audio", "details", "template", "noscript", "style",
    "meta", "link", "applet",
}  # fmt: skip
URL_ATTRS = {"href", "src", "action", "formaction", "background", "dynsrc", "lowsrc", "data"}
SCRIPT_RE = re.compile(r"<script\b(?![^>]*\bsrc=\"/)", re.IGNORECASE)


class Inspector(HTMLParser):
    """Collects what would run or load, and the shape of every element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.shapes: set[tuple[str, frozenset[str]]] = set()
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.shapes.add((tag, frozenset(name for name, _ in attrs)))
        if tag == "head":
            self.in_head = True
        if tag in UNSAFE_TAGS and not (self.in_head and tag in ("meta", "link")):
            self.problems.append(f"<{tag}>")
        if tag == "script" and not (dict(attrs).get("src") or "").startswith("/"):
            self.problems.append("inline <script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            lowered = re.sub(r"[\s\x00-\x1f]", "", (value or "")).lower()
            if name in URL_ATTRS and lowered.startswith(("javascript:", "vbscript:", "data:")):
                self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False


def _inspect(html: str) -> Inspector:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector


def problems(html: str) -> list[str]:
    """What in ``html`` would run or load; also any ``<script`` without a local src."""
    found = _inspect(html).problems
    return found + [f"raw {m.group(0)!r}" for m in SCRIPT_RE.finditer(html)]


def shapes(html: str) -> set[tuple[str, frozenset[str]]]:
    return _inspect(html).shapes


def foreign_markup(html: str, baseline: set[tuple[str, frozenset[str]]]) -> list[str]:
    """Elements of ``html`` whose tag and attribute names never occur in ``baseline``."""
    return sorted(f"<{tag} {' '.join(sorted(names))}>" for tag, names in shapes(html) - baseline)


def assert_inert(html: str, baseline: set[tuple[str, frozenset[str]]], where: str) -> None:
    found = problems(html)
    assert found == [], (where, found)
    foreign = foreign_markup(html, baseline)
    assert foreign == [], (where, foreign)

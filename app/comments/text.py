"""Comment bodies: plain text in, safe HTML out (escaped, line breaks, links)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# Runs on the ESCAPED text, where `<`, `>`, `"` and `'` can no longer occur raw:
# a link ends at white space or at the entity of one of those characters.
_ENTITY_STOP = r"&(?:lt|gt|quot|#34|#39|#x27);"
_URL_RE = re.compile(
    rf"(?<![\w/.@-])(?:https?://|www\.)(?:(?!{_ENTITY_STOP})[^\s<>\"'])+",
    re.IGNORECASE,
)
_TRAILING = ".,:;!?"
_TRAILING_ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);$", re.IGNORECASE)


def normalize(text: str) -> str:
    """One kind of line break, no trailing white space: what is stored."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _split_trailing(url: str) -> tuple[str, str]:
    """Punctuation after a link ("see www.example.org.") is not part of it."""
    tail = ""
    while url:
        last = url[-1]
        if last == ";" and _TRAILING_ENTITY_RE.search(url):
            break
        if last in _TRAILING or (last == ")" and url.count("(") < url.count(")")):
            tail = last + tail
            url = url[:-1]
            continue
        break
    return url, tail


def _link(match: re.Match[str]) -> str:
    url, tail = _split_trailing(match.group(0))
    if not url.lower().startswith(("http://", "https://")):
        if url.lower() == "www.":
            return url + tail
        href = "https://" + url
    else:
        href = url
    if href.lower() in {"http://", "https://"}:
        return url + tail
    return f'<a class="kern-link" href="{href}" rel="nofollow ugc">{url}</a>{tail}'


def render_comment(text: str) -> Markup:
    """Escape everything first, then turn URLs into links and keep the line breaks."""
    escaped = str(escape(normalize(text)))
    linked = _URL_RE.sub(_link, escaped)
    return Markup(linked.replace("\n", "<br>\n"))  # noqa: S704 (built from escaped text)

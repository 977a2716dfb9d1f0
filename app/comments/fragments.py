"""Rendered comments, cached per comment, language and version.

Most of a comment looks the same to everybody who neither wrote it nor voted on it:
the heading, the author line, the text, the vote buttons with their counts and the
reply and report links. That part is rendered once (``comments/_fragment.html``) and
kept in the cache (``app.extensions.cache``: Redis when ``REDIS_URL`` is set, else the
process's memory). Its key holds everything it shows — the comment's status, texts,
dates, counts, the language, the time zone, the kind label, whether the visitor may
take part, the template's version — so a vote, an edit or a moderator's decision gives
exactly that comment a new key, and the old entry is never read again (it expires).
No invalidation is sent anywhere, so several web workers with their own memory cache
stay correct too.

Nothing of one visitor goes into a shared fragment. The CSRF token and the page's sort
and cursor fields stand in the cached vote form as a marker that is replaced per
request; a comment the visitor wrote or voted on gets its foot (the pressed button,
edit and delete links, no report link) rendered for them alone, never cached.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import get_locale, get_timezone, pgettext
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from redis.exceptions import RedisError

from app.comments.labels import CHANNEL_LABELS
from app.comments.listing import Listing
from app.comments.models import Comment
from app.comments.services import can_edit, can_remove
from app.extensions import cache
from app.goals.models import Goal
from app.i18n import format_day, format_moment, tr_markup
from app.participation.labels import STAKEHOLDER_LABELS
from app.processes.models import Process

logger = logging.getLogger(__name__)

TEMPLATE = "comments/_fragment.html"
# Stands in the cached vote form for the visitor's CSRF token, sort and cursor.
# Comment texts are escaped, so "<" never reaches a fragment from a participant.
FIELDS_MARKER = "<!--mitwirken:vote-fields-->"
TIMEOUT = 24 * 3600  # an entry nobody asks for leaves after a day
RECENT_SIZE = 2000  # fragments each process keeps in front of Redis (a few MB)


@dataclass(frozen=True)
class Fragment:
    head: Markup  # the opening <article> tag, heading, author line, text
    foot: Markup  # the footer: vote form and links (or nothing)


@dataclass(frozen=True)
class PageState:
    """What every comment of one page shares."""

    process: Process
    goal: Goal
    can_take_part: bool
    locale: str
    kind_labels: dict[str, Markup]


def template_version() -> str:
    """Changes with the fragment template and the translation catalogs (a deploy)."""
    found = current_app.extensions.get("comment_fragments_version")
    if found is None:
        digest = hashlib.blake2b(digest_size=8)
        source, _name, _uptodate = current_app.jinja_env.loader.get_source(  # type: ignore[union-attr]
            current_app.jinja_env, TEMPLATE
        )
        digest.update(source.encode())
        folder = Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
        for catalog in sorted(folder.glob("*/LC_MESSAGES/messages.mo")):
            digest.update(f"{catalog}:{catalog.stat().st_mtime_ns}".encode())
        found = current_app.extensions["comment_fragments_version"] = digest.hexdigest()
    return str(found)


def key(comment: Comment, page: PageState, reply: bool) -> str:
    """The cache key: the comment's id and a digest of everything its fragment shows."""
    shown = (
        template_version(),
        page.locale,
        str(get_timezone()),
        page.process.slug,
        page.goal.code,
        page.can_take_part,
        str(page.kind_labels.get(comment.kind, "")),
        reply,
        comment.status.value,
        comment.author_name,
        comment.kind,
        comment.stakeholder_group.value,
        comment.stakeholder_confirmed,
        comment.organisation_name,
        comment.channel.value,
        comment.received_on,
        comment.created_at,
        comment.edited_at,
        comment.hidden_reason,
        comment.support_up,
        comment.support_down,
        hashlib.blake2b(comment.body.encode(), digest_size=16).hexdigest(),
    )
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"comment:{comment.id}:{digest}"


def labels() -> dict[str, str]:
    """The words every comment repeats, translated once per page."""
    return {
        "agree": pgettext("comment vote", "Agree"),
        "disagree": pgettext("comment vote", "Disagree"),
        "reply": pgettext("comment action", "Reply"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "report": pgettext("comment action", "Report"),
        "confirmed": pgettext("stakeholder group", "confirmed"),
        "self_declared": pgettext("stakeholder group", "self-declared"),
        "edited": _("edited"),
        "deleted": _("Deleted comment"),
        "hidden": _("Hidden comment"),
        "anonymous": _("Anonymous"),
    }


def kind_labels(process: Process) -> dict[str, Markup]:
    """The process's comment kinds in the visitor's language, once per page."""
    return {
        str(k["key"]): tr_markup(process.comment_kind_label(str(k["key"])), process.default_locale)
        for k in process.comment_kinds
    }


def _module(page: PageState) -> Any:
    variables = {
        "process": page.process,
        "goal": page.goal,
        "comment_can_take_part": page.can_take_part,
        "kind_labels": page.kind_labels,
        "labels": labels(),
        "stakeholder_labels": STAKEHOLDER_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "vote_fields": Markup(FIELDS_MARKER),  # noqa: S704 (a constant)
        "format_day": format_day,
        "format_moment": format_moment,
    }
    return current_app.jinja_env.get_template(TEMPLATE).make_module(variables)


def vote_fields(listing: Listing) -> Markup:
    """This visitor's CSRF token and the page's sort and cursor, for every vote form."""
    fields = Markup(
        '<input type="hidden" name="csrf_token" value="{}">\n'
        '  <input type="hidden" name="sort" value="{}">'
    ).format(generate_csrf(), listing.sort.value)
    if listing.after:
        fields += Markup('\n  <input type="hidden" name="after" value="{}">').format(listing.after)
    return fields


def _read(keys: list[str]) -> list[Any]:
    """The cached fragments, or nothing if the cache does not answer (then render)."""
    try:
        return list(cache.get_many(*keys))
    except RedisError:
        logger.warning("comment fragment cache unavailable; rendering without it")
        return [None] * len(keys)


def _write(fresh: dict[str, tuple[str, str]]) -> None:
    if not fresh:
        return
    try:
        cache.set_many(fresh, timeout=TIMEOUT)
    except RedisError:
        logger.warning("comment fragment cache unavailable; fragments not stored")


def _shown(listing: Listing) -> Iterable[tuple[Comment, bool]]:
    for thread in listing.threads:
        yield thread.comment, False
        for reply in thread.replies:
            yield reply, True


class _Renderer:
    """The fragment template's macros, set up only when something must be rendered."""

    def __init__(self, page: PageState) -> None:
        self.page = page
        self._module: Any = None

    @property
    def macros(self) -> Any:
        if self._module is None:
            self._module = _module(self.page)
        return self._module

    def shared(self, comment: Comment, reply: bool) -> tuple[str, str]:
        """Head and foot as every visitor sees them who neither wrote nor voted on it."""
        return str(self.macros.head(comment, reply)), str(self.macros.foot(comment))

    def own_foot(self, comment: Comment, listing: Listing, mine: int, own: bool) -> str:
        viewer = listing.viewer
        may_edit, may_remove = can_edit(comment, viewer), can_remove(comment, viewer)
        return str(self.macros.foot(comment, mine, own, may_edit, may_remove))


class Recent:
    """The fragments this process used last, in front of the shared cache.

    A key names one rendering that never changes (its digest covers everything the
    fragment shows), so a copy kept here cannot go stale; it only saves the round trip
    to Redis and unpickling. Redis stays the store shared by the workers.
    """

    def __init__(self, size: int = RECENT_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, cache_key: str) -> tuple[str, str] | None:
        with self._lock:
            found = self._items.get(cache_key)
            if found is not None:
                self._items.move_to_end(cache_key)
            return found

    def put(self, cache_key: str, parts: tuple[str, str]) -> None:
        with self._lock:
            self._items[cache_key] = parts
            self._items.move_to_end(cache_key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def recent() -> Recent:
    """This app's :class:`Recent` (one per process and app)."""
    found = current_app.extensions.get("comment_fragments_recent")
    if found is None:
        found = current_app.extensions["comment_fragments_recent"] = Recent()
    return found


def _shared_parts(
    shown: list[tuple[Comment, bool]], renderer: _Renderer
) -> dict[int, tuple[str, str]]:
    """The shared head and foot of each comment: from this process's recent ones, the
    shared cache, or rendered (and then stored in both)."""
    memory = recent()
    keys = {c.id: key(c, renderer.page, reply) for c, reply in shown}
    parts = {c.id: found for c in (c for c, _ in shown) if (found := memory.get(keys[c.id]))}
    missing = [(c, reply) for c, reply in shown if c.id not in parts]
    fresh: dict[str, tuple[str, str]] = {}
    stored = _read([keys[c.id] for c, _ in missing]) if missing else []
    for (comment, reply), cached in zip(missing, stored, strict=True):
        if cached is None:
            cached = fresh[keys[comment.id]] = renderer.shared(comment, reply)
        memory.put(keys[comment.id], tuple(cached))
        parts[comment.id] = cached
    _write(fresh)
    return parts


def rendered(
    listing: Listing, process: Process, goal: Goal, can_take_part: bool
) -> dict[int, Fragment]:
    """The head and foot of every comment on the page, from the cache where possible."""
    page = PageState(process, goal, can_take_part, str(get_locale()), kind_labels(process))
    renderer = _Renderer(page)
    shown = list(_shown(listing))
    parts = _shared_parts(shown, renderer)
    fields = str(vote_fields(listing))
    viewer = listing.viewer
    result: dict[int, Fragment] = {}
    for comment, _reply in shown:
        head, foot = parts[comment.id]
        mine = listing.votes.get(comment.id, 0)
        own = viewer is not None and comment.participant_id == viewer.id
        if mine or own:  # this visitor's own state: rendered for them, never stored
            foot = renderer.own_foot(comment, listing, mine, own)
        result[comment.id] = Fragment(
            Markup(head),  # noqa: S704 (rendered by the autoescaping template)
            Markup(foot.replace(FIELDS_MARKER, fields)),  # noqa: S704 (same)
        )
    return result

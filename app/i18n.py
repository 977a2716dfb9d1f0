"""Locale selection and the one mechanism for translatable content fields.

UI strings go through gettext (Flask-Babel). Content that staff write (process
titles, goal texts, ...) is stored as a JSON mapping ``{"de": "...", "en": "..."}``
and read through :func:`localize`, which falls back to the content's default
language and says so, so templates can mark fallback text with its own ``lang``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import get_datetime_format
from babel.numbers import format_decimal
from flask import current_app, g, request
from flask_babel import format_date, format_time, get_locale
from flask_login import current_user
from markupsafe import Markup, escape

LOCALE_COOKIE = "mitwirken_locale"
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
LANGUAGE_NAMES = {
    "de": "Deutsch",
    "en": "English",
    "tr": "Türkçe",
    "ar": "العربية",
    "uk": "Українська",
    "ru": "Русский",
}


def supported_languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def default_language() -> str:
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def best_request_language() -> str:
    """The language for a request without one in the URL: user, cookie, browser."""
    languages = supported_languages()
    user_locale = getattr(current_user, "locale", None)
    if current_user and current_user.is_authenticated and user_locale in languages:
        return str(user_locale)
    cookie = request.cookies.get(LOCALE_COOKIE)
    if cookie in languages:
        return str(cookie)
    return request.accept_languages.best_match(languages) or default_language()


def select_locale() -> str:
    lang = g.get("lang_code")
    if lang:
        return str(lang)
    try:
        return best_request_language()
    except RuntimeError:  # outside a request, e.g. a task rendering a mail
        return default_language()


def text_direction(lang: str) -> str:
    return "rtl" if lang.split("_")[0] in RTL_LANGUAGES else "ltr"


@dataclass(frozen=True)
class LocalizedText:
    text: str
    lang: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text


def localize(value: dict[str, str] | None, lang: str, fallback: str) -> LocalizedText:
    """Pick ``lang`` from a translated field, else the fallback language, else any."""
    value = value or {}
    if value.get(lang):
        return LocalizedText(value[lang], lang, False)
    if value.get(fallback):
        return LocalizedText(value[fallback], fallback, fallback != lang)
    for code, text in value.items():
        if text:
            return LocalizedText(text, code, True)
    return LocalizedText("", lang, False)


def current_lang() -> str:
    return str(g.get("lang_code") or select_locale())


def tr_text(value: dict[str, str] | None, fallback: str | None = None) -> str:
    """Jinja filter: the plain text of a translated field (for attributes, titles)."""
    return localize(value, current_lang(), fallback or default_language()).text


def tr_markup(value: dict[str, str] | None, fallback: str | None = None) -> Markup:
    """Jinja filter: escaped text; fallback text is wrapped with its own ``lang``."""
    item = localize(value, current_lang(), fallback or default_language())
    if not item.is_fallback:
        return escape(item.text)
    return Markup('<span lang="{}" dir="{}">{}</span>').format(
        item.lang, text_direction(item.lang), item.text
    )


def format_number(value: float | int, *, grouped: bool = True) -> str:
    """A number in the current locale: ``12.000`` for a quantity, and without a
    thousands separator (``grouped=False``) for what is not one: years, postcodes,
    codes and ids."""
    return str(format_decimal(value, locale=get_locale(), group_separator=grouped))


# --- dates: one format per kind of value, deadlines as local days ---------------------


def local_zone() -> ZoneInfo:
    """The site's time zone (Europe/Berlin): days begin and end there."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def day_start(day: date) -> datetime:
    """The first moment of a local day, in UTC (a phase or survey starts then)."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


def day_end(day: date) -> datetime:
    """The last second of a local day, 23:59:59, in UTC: a deadline "bis einschließlich"."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=local_zone()).astimezone(UTC)


def start_day(moment: datetime) -> date:
    """The local day a start moment falls on."""
    return moment.astimezone(local_zone()).date()


def last_day(moment: datetime) -> date:
    """The last local day before a deadline: 23:59:59 stays on its day, and a deadline
    at midnight (stored before deadlines were days) belongs to the day before."""
    return (moment.astimezone(local_zone()) - timedelta(seconds=1)).date()


def format_day(value: date | datetime) -> str:
    """A date on any page: Babel's ``medium`` (``26.01.2027``)."""
    return str(format_date(value, "medium"))


def format_moment(value: datetime) -> str:
    """A moment: the ``medium`` date and the ``short`` time (``22.11.2026, 07:15``),
    joined as the locale joins them."""
    joined = get_datetime_format("medium", locale=get_locale())
    return str(joined).replace("{1}", format_day(value)).replace("{0}", format_time(value, "short"))


def format_deadline(value: datetime) -> str:
    """The last day of a deadline (see :func:`last_day`), as a date."""
    return format_day(last_day(value))


def goal_code(code: str) -> Markup:
    """Jinja filter: a goal code as one unbreakable, direction-isolated word
    (``<bdi class="goal-code">12.2.2</bdi>``), so it neither wraps as "12.2." / "2"
    nor turns round in right-to-left text."""
    return Markup('<bdi class="goal-code">{}</bdi>').format(code)


def N_(text: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Mark ``text`` for the catalogs without translating it here (API descriptions:
    the OpenAPI document stays English, the reference page translates them)."""
    return text

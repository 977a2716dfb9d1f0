"""Locale in the URL (`/de/...`), template helpers and the remembered choice."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, current_app, g, request, url_for
from flask_babel import format_decimal, get_locale

from app.i18n import (
    LANGUAGE_NAMES,
    LOCALE_COOKIE,
    current_lang,
    format_day,
    format_deadline,
    format_moment,
    format_number,
    goal_code,
    supported_languages,
    text_direction,
    tr_markup,
    tr_text,
)


def _pull_lang_code(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values is None or "lang_code" not in values:
        return
    lang = values.pop("lang_code")
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    g.lang_code = lang


def _add_lang_code(endpoint: str, values: dict[str, Any]) -> None:
    if "lang_code" in values:
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        values["lang_code"] = current_lang()


def _remember_choice(response: Response) -> Response:
    lang = g.get("lang_code")
    if lang and request.cookies.get(LOCALE_COOKIE) != lang:
        response.set_cookie(
            LOCALE_COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    return response


def url_for_language(lang: str) -> str:
    """The current page in another language (falls back to that language's home)."""
    endpoint = request.endpoint
    args = dict(request.view_args or {})
    if endpoint and current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        args["lang_code"] = lang
        return url_for(endpoint, **args)
    return url_for("processes.home", lang_code=lang)


def _template_context() -> dict[str, Any]:
    lang = str(get_locale() or current_lang())
    return {
        "lang": lang,
        "dir": text_direction(lang),
        "languages": supported_languages(),
        "language_names": LANGUAGE_NAMES,
        "url_for_language": url_for_language,
        "format_day": format_day,
        "format_moment": format_moment,
        "format_deadline": format_deadline,
        "format_decimal": format_decimal,
        "format_number": format_number,
    }


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(_pull_lang_code)
    app.url_defaults(_add_lang_code)
    app.after_request(_remember_choice)
    app.context_processor(_template_context)
    app.add_template_filter(tr_text, "tr_text")
    app.add_template_filter(tr_markup, "tr")
    app.add_template_filter(goal_code, "code")

"""The staff translation workspace of a process."""

from __future__ import annotations

import math

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from app.core.staff_area import acting_user, managed_process, staff_only
from app.extensions import db
from app.i18n import LANGUAGE_NAMES, supported_languages, text_direction
from app.processes.models import Process
from app.translate import services
from app.translate.fields import TextField, collect, fingerprint
from app.translate.forms import (
    FIELD_PREFIX,
    SHOWN_PREFIX,
    TranslationForm,
    field_name,
    normalise,
    translation_form,
)
from app.translate.services import PER_PAGE

bp = Blueprint("translate", __name__, template_folder="templates")
bp.before_request(staff_only)


@bp.route("/p/<slug>/")
def report(slug: str) -> str:
    process = managed_process(slug)
    fields = collect(process)
    languages = services.report_languages(process, supported_languages(), fields)
    return render_template(
        "translate/report.html",
        process=process,
        report=services.build_report(fields, languages),
        report_languages=languages,
        text_direction=text_direction,
    )


def _page_number(total: int) -> tuple[int, int]:
    pages = max(1, math.ceil(total / PER_PAGE))
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), pages), pages


def _posted_fields(fields: list[TextField]) -> list[TextField]:
    """The texts the submitted page listed (its inputs), in their order."""
    return [f for f in fields if field_name(f) in request.form]


def _changes(
    form: TranslationForm, fields: list[TextField], lang: str, shown: dict[str, str]
) -> list[tuple[TextField, str]] | None:
    """(text, new translation) for each changed field; None if one was changed meanwhile."""
    changes, conflict = [], False
    for field in fields:
        typed, stored = normalise(form[field_name(field)].data), field.current(lang)
        if typed == stored or fingerprint(typed) == shown[field.key]:
            continue  # unchanged, or left as shown while someone else saved meanwhile
        if fingerprint(stored) != shown[field.key]:
            form[field_name(field)].errors = [
                _(
                    "Someone else changed this translation meanwhile. It now reads: “%(text)s”. "
                    "Save again to replace it.",
                    text=stored,
                )
            ]
            shown[field.key], conflict = fingerprint(stored), True
            continue
        changes.append((field, typed))
    return None if conflict else changes


@bp.route("/p/<slug>/<target_lang>", methods=["GET", "POST"])
def edit(slug: str, target_lang: str) -> ResponseReturnValue:
    process = managed_process(slug)
    if target_lang not in supported_languages():
        abort(404)
    only_missing = request.args.get("show", "missing") != "all"
    show = "missing" if only_missing else "all"
    all_fields = collect(process)
    listed = services.editor_fields(all_fields, target_lang, only_missing)
    page, pages = _page_number(len(listed))
    if request.method == "POST":
        page_fields = _posted_fields(services.editor_fields(all_fields, target_lang, False))
        if not page_fields:
            return redirect(url_for(".edit", slug=slug, target_lang=target_lang, show=show))
    else:
        page_fields = listed[(page - 1) * PER_PAGE : page * PER_PAGE]
    form = translation_form(page_fields, target_lang)
    shown = {f.key: fingerprint(f.current(target_lang)) for f in page_fields}
    if request.method == "POST":  # what the submitted page showed (absent: as stored)
        shown |= {
            f.key: request.form[f"{SHOWN_PREFIX}{f.key}"]
            for f in page_fields
            if f"{SHOWN_PREFIX}{f.key}" in request.form
        }
    if form.validate_on_submit():
        changes = _changes(form, page_fields, target_lang, shown)
        if changes is not None:
            return _save(process, target_lang, changes, page, show)
    return render_template(
        "translate/edit.html",
        process=process,
        form=form,
        fields=page_fields,
        shown=shown,
        target_lang=target_lang,
        target_dir=text_direction(target_lang),
        target_name=LANGUAGE_NAMES.get(target_lang, target_lang),
        text_direction=text_direction,
        show=show,
        page=page,
        pages=pages,
        total=len(listed),
        field_prefix=FIELD_PREFIX,
        shown_prefix=SHOWN_PREFIX,
    )


def _save(
    process: Process, lang: str, changes: list[tuple[TextField, str]], page: int, show: str
) -> ResponseReturnValue:
    target = url_for(".edit", slug=process.slug, target_lang=lang, show=show, page=page)
    if not changes:
        flash(_("No changes"), "info")
        return redirect(target)
    services.save_translations(process, lang, changes, acting_user())
    db.session.commit()
    flash(
        ngettext(
            "%(num)d translation has been saved.",
            "%(num)d translations have been saved.",
            len(changes),
        ),
        "success",
    )
    return redirect(target)

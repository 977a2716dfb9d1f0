"""The audit log of the moderation area: filter, page through, download as CSV.

Admins see every event, staff the events of their processes
(:func:`app.core.policy.audited_process_ids`). The URLs are declared in
:mod:`app.moderation.routes`.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.audit import log
from app.core import policy
from app.extensions import db
from app.moderation import forms
from app.moderation.views import current_page
from app.processes.models import Process
from app.processes.services import all_processes


def _filter_form(processes: list[Process]) -> forms.AuditFilterForm:
    form = forms.AuditFilterForm(request.args)
    every = SelectChoice("", _("All"))
    form.process_id.choices = [every, *(SelectChoice(str(p.id), p.slug) for p in processes)]
    form.action.choices = [every, *(SelectChoice(a, a) for a in log.actions())]
    actors = log.actors(policy.audited_process_ids(current_user))
    form.actor.choices = [every, *(SelectChoice(str(u.id), u.display_name) for u in actors)]
    form.validate()
    return form


def _int_or_none(value: Any) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _filter(form: forms.AuditFilterForm) -> log.AuditFilter:
    return log.AuditFilter(
        process_id=_int_or_none(form.process_id.data),
        action=form.action.data or "",
        actor_id=_int_or_none(form.actor.data),
        since=form.since.data if not form.since.errors else None,
        until=form.until.data if not form.until.errors else None,
    )


def _audited_processes() -> list[Process]:
    ids = policy.audited_process_ids(current_user)
    return [p for p in all_processes() if ids is None or p.id in ids]


def audit() -> str:
    policy.require(policy.can_view_audit(current_user))
    form = _filter_form(_audited_processes())
    pagination = log.page(policy.audited_process_ids(current_user), _filter(form), current_page())
    actors, slugs = log.names(list(pagination.items))
    return render_template(
        "moderation/audit.html",
        form=form,
        pagination=pagination,
        actors=actors,
        actor_label=log.actor_label,
        slugs=slugs,
        args={k: v for k, v in request.args.items() if k != "page"},
    )


def audit_csv() -> Response:
    policy.require(policy.can_view_audit(current_user))
    form = _filter_form(_audited_processes())
    stmt = log.query(policy.audited_process_ids(current_user), _filter(form))
    return Response(
        log.csv_text(list(db.session.scalars(stmt))),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit.csv"},
    )

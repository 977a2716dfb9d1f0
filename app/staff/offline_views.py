"""Staff views for offline input (letters, workshops, phone ...): enter and list.

The URLs are declared in :mod:`app.staff.routes` (``staff.offline_*``).
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.comments.labels import OFFLINE_CHANNEL_LABELS
from app.comments.models import Channel
from app.core.staff_area import acting_user, managed_process
from app.extensions import db
from app.goals.services import flatten, get_goal_or_404, goal_tree
from app.i18n import current_lang, localize
from app.participation.labels import STAKEHOLDER_LABELS
from app.participation.models import StakeholderGroup
from app.processes.models import Process
from app.staff import offline_forms
from app.staff import offline_services as services


def _goal_choices(process: Process) -> list[SelectChoice]:
    """Every goal in tree order, as “code title”, indented by level."""
    choices = []
    for node in flatten(goal_tree(process.id)):
        goal = node.goal
        title = localize(node.revision.title, current_lang(), process.default_locale).text
        choices.append(SelectChoice(goal.code, f"{'— ' * goal.level}{goal.code} {title}"))
    return choices


def _new_form_data(process: Process) -> dict[str, Any]:
    data: dict[str, Any] = {
        "received_on": offline_forms.local_today(),
        "idempotency_key": secrets.token_urlsafe(24),
        "channel": Channel.LETTER.value,
        "stakeholder_group": StakeholderGroup.CITIZEN.value,
    }
    if process.comment_kinds:
        data["kind"] = process.comment_kinds[0]["key"]
    if request.args.get("goal"):
        data["goal"] = request.args["goal"]
    return data


def _store(process: Process, form: offline_forms.OfflineForm) -> None:
    user = acting_user()
    assert user is not None  # the staff blueprint admits signed-in users only
    services.enter_offline_comment(
        process,
        services.OfflineInput(
            goal=get_goal_or_404(process.id, form.goal.data),
            channel=Channel(form.channel.data),
            received_on=form.received_on.data,
            author_name=form.author_name.data,
            stakeholder_group=StakeholderGroup(form.stakeholder_group.data),
            kind=form.kind.data,
            body=form.body.data,
        ),
        entered_by=user,
        today=offline_forms.local_today(),
        idempotency_key=form.idempotency_key.data or None,
    )


def offline_new(slug: str) -> ResponseReturnValue:
    process = managed_process(slug)
    form = offline_forms.offline_form(process, _goal_choices(process), _new_form_data(process))
    if form.validate_on_submit():
        _store(process, form)
        db.session.commit()
        flash(_("The offline contribution has been saved."), "success")
        if request.form.get("next") == "another":
            return redirect(url_for(".offline_new", slug=slug, goal=form.goal.data))
        return redirect(url_for(".offline_list", slug=slug))
    return render_template("staff/offline_form.html", form=form, process=process)


def offline_list(slug: str) -> str:
    process = managed_process(slug)
    page = request.args.get("page", 1, type=int) or 1
    listing = services.offline_comments(process, max(page, 1))
    return render_template(
        "staff/offline_list.html",
        process=process,
        listing=listing,
        channel_labels=OFFLINE_CHANNEL_LABELS,
        group_labels=STAKEHOLDER_LABELS,
    )

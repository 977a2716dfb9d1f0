"""The assessment workspace (Abwägung) of the staff area, per process.

Every view: check permission → validate → call a service (which records the audit
event) → commit → redirect with a flash message. Services flush; only these views
commit.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.assessment import forms
from app.assessment.labels import CONSIDERATION_LABELS
from app.assessment.models import Assessment, Consideration, ProcessTag
from app.assessment.services import assessing, queries, tag_list, workspace
from app.comments.labels import CHANNEL_LABELS
from app.comments.models import Comment
from app.core.staff_area import acting_user, managed_process, staff_only
from app.extensions import db
from app.goals.models import GoalRevision
from app.goals.services import current_revisions, flatten, goal_tree
from app.i18n import current_lang, localize
from app.participation.labels import STAKEHOLDER_LABELS
from app.participation.models import StakeholderGroup
from app.processes.models import Process

bp = Blueprint("assessment", __name__, template_folder="templates")
bp.before_request(staff_only)

TAG_ERRORS = {
    "empty": _l("Please enter a name."),
    "taken": _l("This topic already exists in this process."),
}


@bp.app_template_global()
def consideration_label(value: str | None) -> str:
    """The translated name of a consideration status (for any template)."""
    try:
        return str(CONSIDERATION_LABELS[Consideration(value)]) if value else ""
    except ValueError:
        return ""


# --- helpers ---------------------------------------------------------------------------


def _title(process: Process, value: dict[str, str]) -> str:
    return localize(value, current_lang(), process.default_locale).text


def _goal_choices(process: Process) -> list[SelectChoice]:
    choices = [SelectChoice("", _("All goals"))]
    for node in flatten(goal_tree(process.id)):
        label = f"{'— ' * node.goal.level}{node.goal.code} {_title(process, node.revision.title)}"
        choices.append(SelectChoice(str(node.goal.id), label))
    return choices


def _filter_choices(process: Process, tags: list[ProcessTag]) -> dict[str, list[SelectChoice]]:
    kinds = [SelectChoice(k["key"], _title(process, k["label"])) for k in process.comment_kinds]
    return {
        "goal": _goal_choices(process),
        "kind": [SelectChoice("", _("All kinds")), *kinds],
        "group": [
            SelectChoice("", _("All groups")),
            *(SelectChoice(g.value, str(label)) for g, label in STAKEHOLDER_LABELS.items()),
        ],
        "channel": [
            SelectChoice("", _("All channels")),
            *(SelectChoice(c.value, str(label)) for c, label in CHANNEL_LABELS.items()),
            *_survey_choice(process),
        ],
        "state": [
            SelectChoice("", _("Assessed and unassessed")),
            SelectChoice("assessed", _("Assessed")),
            SelectChoice("unassessed", _("Not yet assessed")),
        ],
        "consideration": [
            SelectChoice("", _("Any consideration")),
            *(SelectChoice(c.value, str(label)) for c, label in CONSIDERATION_LABELS.items()),
        ],
        "tag": [
            SelectChoice("", _("All topics")),
            *(SelectChoice(str(t.id), t.name) for t in tags),
        ],
    }


def _survey_choice(process: Process) -> list[SelectChoice]:
    if not process.assess_survey_answers:
        return []
    return [SelectChoice(queries.SURVEY_CHANNEL, _("Survey (open answers)"))]


def _to_workspace(process: Process, filters: queries.Filters) -> Response:
    return redirect(url_for(".index", slug=process.slug, **filters.args()))


# --- the workspace ---------------------------------------------------------------------


@bp.route("/p/<slug>/")
def index(slug: str) -> str:
    process = managed_process(slug)
    filters = queries.parse_filters(request.args)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    tags = tag_list.tags_of(process)
    bulk = forms.BulkTagForm()
    bulk.tag.choices = [SelectChoice(t.id, t.name) for t in tags]
    listing = workspace.workspace(process, filters, page)
    titles = current_revisions(listing.goals)
    return render_template(
        "assessment/index.html",
        process=process,
        filters=filters,
        filter_args=filters.args(),
        choices=_filter_choices(process, tags),
        listing=listing,
        titles=titles,
        bulk=bulk,
        tags=tags,
    )


@bp.route("/p/<slug>/bulk-tag", methods=["POST"])
def bulk_tag(slug: str) -> Response:
    process = managed_process(slug)
    filters = queries.parse_filters(request.args)
    form = forms.BulkTagForm()
    form.tag.choices = [SelectChoice(t.id, t.name) for t in tag_list.tags_of(process)]
    if not form.validate_on_submit() or not (form.comments.data or form.answers.data):
        flash(_("Please select at least one contribution and a topic."), "error")
        return _to_workspace(process, filters)
    tag = tag_list.tag_or_none(process, form.tag.data)
    if tag is None:
        abort(400)
    changed = assessing.add_tag(
        process, form.comments.data or [], tag, form.answers.data or [], actor=acting_user()
    )
    db.session.commit()
    flash(
        _("Topic “%(tag)s” added to %(num)d contributions.", tag=tag.name, num=len(changed)),
        "success",
    )
    return _to_workspace(process, filters)


# --- one contribution --------------------------------------------------------------------


def _form_data(assessment: Assessment) -> dict[str, Any]:
    return {
        "consideration": assessment.consideration.value if assessment.consideration else None,
        "rationale": assessment.rationale,
        "stakeholder_group": assessment.stakeholder_group.value,
        "goal_revision": assessment.goal_revision_id or forms.NO_REVISION,
        "tags": [tag.id for tag in assessment.tags],
        "version": str(assessment.version or 0),
    }


def _revision_choices(process: Process, item: workspace.Item, assessment: Assessment) -> list[Any]:
    choices = [SelectChoice(forms.NO_REVISION, _("Not linked to a version"))]
    revisions = assessing.goal_revisions(item.goal_id)
    linked = assessment.goal_revision_id
    if linked and linked not in {r.id for r in revisions}:
        # linked from the goal editor to a version of a parent goal
        revision = db.session.get(GoalRevision, linked)
        revisions += [revision] if revision is not None else []
    for revision in revisions:
        label = _(
            "Version %(number)d of %(date)s: %(title)s",
            number=revision.number,
            date=format_date(revision.created_at, "medium"),
            title=_title(process, revision.title),
        )
        choices.append(SelectChoice(revision.id, label))
    return choices


def _assessment_form(
    process: Process, item: workspace.Item, assessment: Assessment, *, fresh: bool = False
) -> forms.AssessmentForm:
    data = _form_data(assessment)
    if fresh:  # after a conflict: the stored values, not the posted ones
        form = forms.AssessmentForm(formdata=None, data=data)
    else:
        form = forms.AssessmentForm(data=data)
    form.tags.choices = [SelectChoice(t.id, t.name) for t in tag_list.tags_of(process)]
    form.goal_revision.choices = _revision_choices(process, item, assessment)
    return form


def _input(form: forms.AssessmentForm) -> assessing.AssessmentInput:
    revision = form.goal_revision.data or forms.NO_REVISION
    return assessing.AssessmentInput(
        stakeholder_group=StakeholderGroup(form.stakeholder_group.data),
        consideration=Consideration(form.consideration.data),
        rationale=form.rationale.data or "",
        goal_revision_id=None if revision == forms.NO_REVISION else revision,
        tag_ids=list(form.tags.data or []),
    )


def _posted_version(form: forms.AssessmentForm) -> int:
    value = str(form.version.data or "")
    if not value.isdigit():
        abort(400)
    return int(value)


def _item(process: Process, key: queries.Key) -> tuple[workspace.Item, Assessment]:
    item: workspace.Item | None
    if key.source == queries.Source.ANSWER:
        item = workspace.answer_or_none(process, key.id)
    else:
        item = workspace.contribution_or_none(process, key.id)
    if item is None:
        abort(404)
    existing = workspace.assessment_of(item)
    return item, existing or assessing.new_assessment(item, process)


def _edit_url(process: Process, key: queries.Key, args: dict[str, Any]) -> str:
    if key.source == queries.Source.ANSWER:
        return url_for(".edit_answer", slug=process.slug, answer_id=key.id, **args)
    return url_for(".edit", slug=process.slug, comment_id=key.id, **args)


def _after_save(process: Process, key: queries.Key, filters: queries.Filters) -> Response:
    target = key
    if request.form.get("after") == "next":
        following = workspace.next_unassessed(process, filters, key)
        if following is None:
            flash(_("All contributions in this selection are assessed."), "info")
            return _to_workspace(process, filters)
        target = following
    return redirect(_edit_url(process, target, filters.args()))


def _save(
    process: Process, item: workspace.Item, assessment: Assessment, form: forms.AssessmentForm
) -> bool:
    """Store the form; False on a conflict with somebody else's save."""
    try:
        assessing.save_assessment(
            item,
            process,
            _input(form),
            expected_version=_posted_version(form),
            assessor=acting_user(),
        )
    except assessing.AssessmentConflictError:
        db.session.rollback()
        return False
    except ValueError:
        abort(400)
    db.session.commit()
    return True


def _context(process: Process, item: workspace.Item) -> dict[str, Any]:
    """What the edit page shows about the contribution."""
    if isinstance(item, workspace.AnswerItem):
        revisions = current_revisions([item.goal_id] if item.goal_id else [])
        revision = revisions.get(item.goal_id or 0)
        return {"answer": item, "comment": None, "parent": None, "revision": revision}
    parent = db.session.get(Comment, item.parent_id) if item.parent_id else None
    revision = current_revisions([item.goal_id])[item.goal_id]
    return {"answer": None, "comment": item, "parent": parent, "revision": revision}


def _edit(slug: str, key: queries.Key) -> ResponseReturnValue:
    process = managed_process(slug)
    filters = queries.parse_filters(request.args)
    item, assessment = _item(process, key)
    form = _assessment_form(process, item, assessment)
    conflict = False
    if form.validate_on_submit():
        if _save(process, item, assessment, form):
            flash(_("The assessment has been saved."), "success")
            return _after_save(process, key, filters)
        conflict = True
        db.session.expire_all()
        item, assessment = _item(process, key)
        form = _assessment_form(process, item, assessment, fresh=True)
    context = _context(process, item)
    return render_template(
        "assessment/edit.html",
        process=process,
        goal=context["revision"].goal if context["revision"] else None,
        form=form,
        conflict=conflict,
        action=_edit_url(process, key, filters.args()),
        filter_args=filters.args(),
        **context,
    ), (409 if conflict else 200)


@bp.route("/p/<slug>/contributions/<int:comment_id>", methods=["GET", "POST"])
def edit(slug: str, comment_id: int) -> ResponseReturnValue:
    return _edit(slug, queries.Key(queries.Source.COMMENT, comment_id))


@bp.route("/p/<slug>/answers/<int:answer_id>", methods=["GET", "POST"])
def edit_answer(slug: str, answer_id: int) -> ResponseReturnValue:
    """A survey open answer, assessed like a comment."""
    return _edit(slug, queries.Key(queries.Source.ANSWER, answer_id))


# --- the tag list ------------------------------------------------------------------------


def _tag_or_404(process: Process, tag_id: int) -> ProcessTag:
    tag = tag_list.tag_or_none(process, tag_id)
    if tag is None:
        abort(404)
    return tag


def _tag_error(form: forms.TagForm, exc: tag_list.TagError) -> None:
    form.name.errors = [*form.name.errors, str(TAG_ERRORS.get(str(exc), str(exc)))]


@bp.route("/p/<slug>/tags", methods=["GET", "POST"])
def tags(slug: str) -> ResponseReturnValue:
    process = managed_process(slug)
    form = forms.TagForm()
    if form.validate_on_submit():
        try:
            tag = tag_list.create_tag(process, form.name.data or "", actor=acting_user())
        except tag_list.TagError as exc:
            _tag_error(form, exc)
        else:
            db.session.commit()
            flash(_("The topic “%(tag)s” has been added.", tag=tag.name), "success")
            return redirect(url_for(".tags", slug=slug))
    return render_template(
        "assessment/tags.html",
        process=process,
        form=form,
        tags=tag_list.tags_of(process),
        action_form=forms.ActionForm(),
    )


@bp.route("/p/<slug>/tags/<int:tag_id>/rename", methods=["POST"])
def rename_tag(slug: str, tag_id: int) -> Response:
    process = managed_process(slug)
    tag = _tag_or_404(process, tag_id)
    form = forms.TagForm()
    if not form.validate_on_submit():
        flash(_("Please enter a name."), "error")
        return redirect(url_for(".tags", slug=slug))
    try:
        tag_list.rename_tag(tag, process, form.name.data or "", actor=acting_user())
    except tag_list.TagError as exc:
        flash(str(TAG_ERRORS.get(str(exc), str(exc))), "error")
        return redirect(url_for(".tags", slug=slug))
    db.session.commit()
    flash(_("The topic has been renamed."), "success")
    return redirect(url_for(".tags", slug=slug))


@bp.route("/p/<slug>/tags/<int:tag_id>/delete", methods=["POST"])
def delete_tag(slug: str, tag_id: int) -> Response:
    process = managed_process(slug)
    tag = _tag_or_404(process, tag_id)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    tag_list.delete_tag(tag, actor=acting_user())
    db.session.commit()
    flash(_("The topic has been deleted."), "success")
    return redirect(url_for(".tags", slug=slug))

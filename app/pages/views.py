"""Leichte Sprache, Gebärdensprache, Erklärung zur Barrierefreiheit (§4, §7 BITV 2.0),
Datenschutzerklärung (Art. 13 DSGVO)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core import policy
from app.core.staff_area import acting_user
from app.extensions import db, limiter
from app.i18n import current_lang, supported_languages
from app.pages import services
from app.pages.forms import FeedbackForm, page_form
from app.pages.models import AccessibilityFeedback, PageKey

bp = Blueprint("pages", __name__, template_folder="templates")


@bp.route("/leichte-sprache")
def easy_language() -> str:
    return render_template("pages/easy_language.html", page=services.page(PageKey.EASY_LANGUAGE))


@bp.route("/gebaerdensprache")
def sign_language() -> str:
    return render_template("pages/sign_language.html", page=services.page(PageKey.SIGN_LANGUAGE))


@bp.route("/barrierefreiheit", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def accessibility() -> ResponseReturnValue:
    form = FeedbackForm()
    if request.method == "GET" and not form.page_url.data:
        form.page_url.data = request.args.get("from", "")[:500]
    if form.validate_on_submit():
        services.submit_feedback(
            form.message.data or "", form.page_url.data or "", form.contact.data, current_lang()
        )
        db.session.commit()
        flash(
            _("Thank you. We have received your feedback and will answer within one month."),
            "success",
        )
        return redirect(url_for(".accessibility"))
    return render_template(
        "pages/accessibility.html", page=services.page(PageKey.ACCESSIBILITY), form=form
    )


@bp.route("/datenschutz")
def privacy() -> str:
    return render_template("pages/privacy.html", page=services.page(PageKey.PRIVACY))


@bp.route("/staff/site/pages/<key>", methods=["GET", "POST"])
@login_required
def edit_page(key: str) -> ResponseReturnValue:
    policy.require(policy.can_edit_site_pages(current_user))
    try:
        page_key = PageKey(key)
    except ValueError:
        abort(404)
    page = services.page(page_key)
    form = page_form(supported_languages(), with_video=page_key == PageKey.SIGN_LANGUAGE)
    if request.method == "GET":
        for lang in supported_languages():
            form.body[lang].data = page.body.get(lang, "")
        if hasattr(form, "video_url"):
            form.video_url.data = page.video_url
    if form.validate_on_submit():
        video = getattr(form, "video_url", None)
        editor = acting_user()
        assert editor is not None  # admins only
        services.save_page(page_key, dict(form.body.data), video.data if video else None, editor)
        db.session.commit()
        flash(_("The page has been saved."), "success")
        return redirect(url_for(f".{_PUBLIC_ENDPOINTS[page_key]}"))
    return render_template("pages/edit.html", form=form, page_key=page_key)


_PUBLIC_ENDPOINTS = {
    PageKey.EASY_LANGUAGE: "easy_language",
    PageKey.SIGN_LANGUAGE: "sign_language",
    PageKey.ACCESSIBILITY: "accessibility",
    PageKey.PRIVACY: "privacy",
}


@bp.route("/staff/site/feedback")
@login_required
def feedback_list() -> str:
    policy.require(policy.can_enter_staff_area(current_user))
    return render_template("pages/feedback_list.html", items=services.open_feedback())


@bp.route("/staff/site/feedback/<int:feedback_id>/resolve", methods=["POST"])
@login_required
def resolve_feedback(feedback_id: int) -> ResponseReturnValue:
    policy.require(policy.can_enter_staff_area(current_user))
    feedback = db.get_or_404(AccessibilityFeedback, feedback_id)
    services.resolve_feedback(feedback, request.form.get("note", ""), actor=acting_user())
    db.session.commit()
    flash(_("The feedback has been marked as answered."), "success")
    return redirect(url_for(".feedback_list"))

"""Answering a survey: intro, one page per section, confirmation, thanks; resuming.

Views of the ``surveys`` blueprint (its URLs: :mod:`app.surveys.routes`). Views are
thin: find the survey and this browser's response, validate, call a service, commit
once, redirect with a message. A refused step raises :class:`Bounce`, which
redirects with the reason.
"""

from __future__ import annotations

from typing import Any

from babel.lists import format_list
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from app.core import honeypot, policy
from app.extensions import db, limiter
from app.surveys import codes, lookups
from app.surveys.answering import browser, gate, structure
from app.surveys.answering.answers import (
    answers_before,
    as_formdata,
    describe,
    first_incomplete,
    first_open_page,
    load_answers,
    mark_seen,
    save_section,
    unit_label,
    unseen_pages,
    visible_answers,
    visible_questions,
    with_section,
)
from app.surveys.answering.gate import Respondent, SurveyRefusedError, closed_reason
from app.surveys.answering.responses import (
    IncompleteResponseError,
    new_idempotency_key,
    new_resume_code,
    response_by_resume_code,
    start_response,
    submit_response,
)
from app.surveys.answering.validation import Answers, max_length, top_n, validate_page
from app.surveys.models import AccessMode, Response, ResponseState, Survey

CODE_LIMIT = "10 per minute"
SUBMIT_LIMIT = "30 per minute;300 per hour"  # per address: a class or an office may share one
SUBMIT_SCOPE = "survey-submit"  # one budget for the summary's and the last page's submit


class Bounce(Exception):  # noqa: N818  (a redirect, not an error)
    def __init__(self, message: str, target: str, category: str = "error") -> None:
        super().__init__(message)
        self.target, self.category = target, category


def bounce(error: Bounce) -> HttpResponse:
    """The blueprint's handler of :class:`Bounce`."""
    flash(str(error), error.category)
    return redirect(error.target)


def page_list(numbers: list[int]) -> str:
    """Page numbers as the language lists them: "3, 4 and 6"."""
    return str(format_list([str(n) for n in numbers], locale=get_locale()))


def template_helpers() -> dict[str, Any]:
    """What the question macros and the review page need (``surveys/_questions.html``)."""
    return {
        "top_n": top_n,
        "max_length": max_length,
        "unit_label": unit_label,
        "page_list": page_list,
    }


# --- helpers -------------------------------------------------------------------------


def _survey(slug: str) -> Survey:
    survey = structure.survey_by_slug(slug, browser.remembered_ids())
    if survey is None or not policy.can_view_survey(current_user, survey):
        abort(404)
    return survey


def _user_id() -> int | None:
    return int(current_user.id) if current_user.is_authenticated else None


def _active_response(survey: Survey) -> Response:
    intro = url_for("surveys.intro", slug=survey.slug)
    reason = closed_reason(survey)
    if reason:
        raise Bounce(reason, intro)
    response = browser.remembered_response(survey)
    if response is None:
        raise Bounce(_("Please start the survey first."), intro)
    if response.state == ResponseState.SUBMITTED:
        thanks = url_for("surveys.thanks", slug=survey.slug)
        raise Bounce(_("Your answers have already been submitted. Thank you!"), thanks, "info")
    return response


def _page_url(survey: Survey, number: int) -> str:
    return url_for("surveys.page", slug=survey.slug, number=number)


def _step(survey: Survey, number: int, step: int, answers: Any) -> str:
    """The next (step=1) or previous (step=-1) page with a question to show."""
    number += step
    while 1 <= number <= len(survey.sections):
        section = survey.sections[number - 1]
        if visible_questions(section, visible_answers(survey, answers)):
            return _page_url(survey, number)
        number += step
    if step > 0:
        return url_for("surveys.review", slug=survey.slug)
    return url_for("surveys.intro", slug=survey.slug)


def _intro_page(survey: Survey, code_error: str | None = None, status: int = 200) -> Any:
    response = browser.remembered_response(survey)
    respondent = Respondent(user_id=_user_id(), browser_hash=browser.browser_hash())
    context = {
        "survey": survey,
        "reason": closed_reason(survey) or gate.account_problem(survey, _user_id()),
        "response": response if response and response.state == ResponseState.IN_PROGRESS else None,
        "taken_part": gate.has_taken_part(survey, respondent),
        "key": new_idempotency_key(),
        "code_value": request.form.get("code") or request.args.get("code", ""),
        "code_error": code_error,
    }
    return render_template("surveys/answering/intro.html", **context), status


# --- the pages -----------------------------------------------------------------------


def index() -> str:
    return render_template("surveys/answering/index.html", surveys=lookups.public_surveys())


def intro(slug: str) -> Any:
    return _intro_page(_survey(slug))


def _no_code_entered() -> bool:
    return "code" not in request.form


@limiter.limit(CODE_LIMIT, exempt_when=_no_code_entered)  # guessing codes, not starting
def start(slug: str) -> Any:
    survey = _survey(slug)
    intro_url = url_for("surveys.intro", slug=slug)
    if honeypot.filled_in(request.form):  # a bot: no response, no cookie
        return redirect(intro_url)
    try:
        gate.check_account(survey, _user_id())  # before this browser gets a cookie
    except SurveyRefusedError as refused:
        raise Bounce(str(refused), intro_url, "info" if refused.sign_in else "error") from None
    try:
        response, resume_code = _start(survey)
    except SurveyRefusedError as refused:
        db.session.rollback()
        if survey.access_mode == AccessMode.CODE:
            return _intro_page(survey, str(refused))
        raise Bounce(str(refused), intro_url) from None
    # A new response has no answers yet. Read before the commit, which expires them.
    answers = load_answers(response.id) if resume_code is None else {}
    target, survey_id, response_id = _step(survey, 0, 1, answers), survey.id, response.id
    db.session.commit()
    browser.remember(survey_id, response_id, resume_code)
    return redirect(target)


def _start(survey: Survey) -> tuple[Response, str | None]:
    browser_hash = browser.browser_hash(create=True)
    code = None
    if survey.access_mode == AccessMode.CODE:
        code = gate.typed_code(survey, request.form.get("code", ""))
    respondent = Respondent(_user_id(), browser_hash, code)
    return start_response(survey, respondent, idempotency_key=request.form.get("key", "")[:64])


def _not_submitting() -> bool:
    return request.form.get("action") != "submit"


@limiter.shared_limit(SUBMIT_LIMIT, SUBMIT_SCOPE, methods=["POST"], exempt_when=_not_submitting)
def page(slug: str, number: int) -> Any:
    survey = _survey(slug)
    response = _active_response(survey)
    if not 1 <= number <= len(survey.sections):
        abort(404)
    section = survey.sections[number - 1]
    stored = load_answers(response.id)
    previous = visible_answers(survey, answers_before(survey, section, stored))
    errors: dict[str, str] = {}
    values: Any = as_formdata(section, stored)
    if request.method == "POST":
        action = request.form.get("action", "next")
        answers, errors = validate_page(
            survey, section, request.form, previous, enforce_required=action in ("next", "submit")
        )
        if not errors:
            save_section(response.id, section, answers)
            mark_seen(response, section)
            now_stored = with_section(stored, section, answers)
            if action == "submit" and not survey.review_before_submit:
                return _submit_from_page(survey, response, now_stored)
            target = _after_page(survey, number, action, now_stored)
            db.session.commit()
            return redirect(target)
        values = request.form
    questions = visible_questions(section, previous)
    if not questions and request.method == "GET":
        return redirect(_step(survey, number, 1, stored))
    return render_template(
        "surveys/answering/page.html",
        survey=survey,
        section=section,
        number=number,
        total=len(survey.sections),
        questions=questions,
        values=values,
        errors=errors,
        submits=_submits_here(survey, number, stored),
    )


def _submits_here(survey: Survey, number: int, stored: Answers) -> bool:
    """Whether this page's main button submits: a survey without the summary, on the
    last page with questions (as far as the stored answers tell; see
    :func:`_submit_from_page` for answers that open a later page)."""
    review = url_for("surveys.review", slug=survey.slug)
    return not survey.review_before_submit and _step(survey, number, 1, stored) == review


def _submit_from_page(survey: Survey, response: Response, answers: Answers) -> HttpResponse:
    """The last page's "Submit" of a survey without the summary: the page's answers
    (stored by the caller) and the submission in one transaction. If anything is still
    open (a page these answers show, a required question, a page never seen), the
    answers are kept and the summary says what, as with the summary on."""
    if first_open_page(survey, answers, response.seen_sections) is not None:
        db.session.commit()
        return redirect(url_for("surveys.review", slug=survey.slug))
    return _accept(survey, response, answers)


def _after_page(survey: Survey, number: int, action: str, answers: Any) -> str:
    if action == "save":
        return url_for("surveys.saved", slug=survey.slug)
    if action == "back":
        return _step(survey, number, -1, answers)
    return _step(survey, number, 1, answers)


def _review_context(survey: Survey, response: Response) -> dict[str, Any]:
    stored = load_answers(response.id)
    answers = visible_answers(survey, stored)
    pages = [
        (
            number,
            section,
            [
                (question, describe(question, answers.get(question.id, []), survey.default_locale))
                for question in visible_questions(section, answers)
            ],
        )
        for number, section in enumerate(survey.sections, start=1)
    ]
    return {
        "survey": survey,
        "pages": [p for p in pages if p[2]],
        "missing": first_incomplete(survey, answers),
        "unseen": unseen_pages(survey, stored, response.seen_sections),
        "next_page": first_open_page(survey, stored, response.seen_sections),
    }


def review(slug: str) -> str:
    survey = _survey(slug)
    response = _active_response(survey)
    return render_template("surveys/answering/review.html", **_review_context(survey, response))


def _unconfirmed_unseen(survey: Survey, response: Response, answers: Answers) -> list[int]:
    """Pages not seen yet, unless the respondent confirmed sending without them."""
    if request.form.get("confirm") == "unseen":
        return []
    return unseen_pages(survey, answers, response.seen_sections)


@limiter.shared_limit(SUBMIT_LIMIT, SUBMIT_SCOPE)
def submit(slug: str) -> HttpResponse | str:
    survey = _survey(slug)
    response = browser.remembered_response(survey)
    thanks = url_for("surveys.thanks", slug=slug)
    if response is None:
        raise Bounce(_("Please start the survey first."), url_for("surveys.intro", slug=slug))
    if response.state == ResponseState.SUBMITTED:
        raise Bounce(_("Your answers have already been submitted. Thank you!"), thanks, "info")
    answers = load_answers(response.id)
    if first_incomplete(survey, answers) is None and _unconfirmed_unseen(survey, response, answers):
        # Asks once more; without JavaScript the answer is a second POST with ``confirm``.
        context = _review_context(survey, response) | {"confirm_unseen": True}
        return render_template("surveys/answering/review.html", **context)
    return _accept(survey, response, answers)


def _accept(survey: Survey, response: Response, answers: Answers) -> HttpResponse:
    """Submit ``response`` (its ``answers`` just read or stored), commit, thank."""
    thanks = url_for("surveys.thanks", slug=survey.slug)
    try:
        accepted = submit_response(response, answers=answers)
    except IncompleteResponseError as incomplete:
        db.session.rollback()
        message = _("Please answer the required questions on this page.")
        raise Bounce(message, _page_url(survey, incomplete.page)) from None
    except SurveyRefusedError as refused:
        db.session.rollback()
        raise Bounce(str(refused), url_for("surveys.intro", slug=survey.slug)) from None
    db.session.commit()
    if accepted:
        flash(_("Thank you! Your answers have been submitted."), "success")
    else:
        flash(_("Your answers have already been submitted. Thank you!"), "info")
    return redirect(thanks)


def thanks(slug: str) -> str:
    survey = _survey(slug)
    return render_template(
        "surveys/answering/thanks.html",
        survey=survey,
        results=policy.can_see_survey_results(current_user, survey),
    )


# --- saving for later and resuming ---------------------------------------------------


def saved(slug: str) -> str:
    survey = _survey(slug)
    response = _active_response(survey)
    resume_code = browser.known_resume_code(survey)
    if resume_code is None:
        resume_code = new_resume_code(response)
        survey_id, response_id = survey.id, response.id
        db.session.commit()
        browser.remember(survey_id, response_id, resume_code)
    return render_template(
        "surveys/answering/saved.html",
        survey=survey,
        resume_code=codes.display(resume_code, 4),
        link=url_for("surveys.resume_link", slug=slug, token=resume_code, _external=True),
    )


@limiter.limit(CODE_LIMIT, methods=["POST"])
def resume(slug: str) -> Any:
    survey = _survey(slug)
    error = None
    if request.method == "POST":
        raw = request.form.get("resume_code", "")
        error = _resume(survey, raw)
        if error is None:
            return redirect(_resume_target(survey))
    status = 200
    return render_template("surveys/answering/resume.html", survey=survey, error=error), status


@limiter.limit(CODE_LIMIT)
def resume_link(slug: str, token: str) -> HttpResponse:
    survey = _survey(slug)
    error = _resume(survey, token)
    if error is not None:
        raise Bounce(error, url_for("surveys.resume", slug=slug))
    return redirect(_resume_target(survey))


def resume_here(slug: str) -> HttpResponse:
    """Back to the first page that still needs an answer (this browser's response)."""
    survey = _survey(slug)
    _active_response(survey)
    return redirect(_resume_target(survey))


def _resume(survey: Survey, raw: str) -> str | None:
    """Point this browser at the response with the resume code; or say why not."""
    if not codes.normalise(raw):
        return _("Please enter your resume code.")
    response = response_by_resume_code(survey, raw)
    if response is None:
        return _("We do not know this resume code. Please check it and try again.")
    reason = closed_reason(survey)
    if reason:
        return reason
    browser.remember(survey.id, response.id, codes.normalise(raw))
    flash(_("Welcome back! Your answers so far have been kept."), "success")
    return None


def _resume_target(survey: Survey) -> str:
    """The first page with a required question not answered or not seen yet, else
    the review page."""
    response = browser.remembered_response(survey)
    if response is None:
        return _page_url(survey, 1)
    number = first_open_page(survey, load_answers(response.id), response.seen_sections)
    if number is None:
        return url_for("surveys.review", slug=survey.slug)
    return _page_url(survey, number)

"""The consent text: admins publish a new version; earlier versions stay listed."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core import policy
from app.core.staff_area import acting_user
from app.extensions import db
from app.i18n import supported_languages
from app.privacy import consent
from app.privacy.forms import consent_form


@login_required
def consent_versions() -> ResponseReturnValue:
    policy.require(policy.can_publish_consent(current_user))
    form = consent_form(supported_languages())
    if request.method == "GET":
        current = consent.consent_text()
        for lang in supported_languages():
            form.text[lang].data = current.get(lang, "")
    if form.validate_on_submit():
        texts = dict(form.text.data)
        if not any((value or "").strip() for value in texts.values()):
            form.text[supported_languages()[0]].errors.append(_("Please enter the consent text."))
        else:
            version = consent.publish(texts, actor=acting_user())
            db.session.commit()
            flash(
                _("Version %(number)d of the consent text is in force.", number=version.number),
                "success",
            )
            return redirect(url_for("privacy.consent_versions"))
    return render_template(
        "privacy/consent.html",
        form=form,
        versions=consent.versions(),
        default=consent.default_text(),
    )

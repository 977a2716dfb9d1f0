"""Every URL of the privacy feature (blueprint ``privacy``, under ``/<lang>``).

An endpoint is named after its view function. A new view is added here, or it has no URL.
"""

from __future__ import annotations

from flask import Blueprint

from app.privacy import consent, views
from app.privacy import consent_views as consent_pages

GET_POST = ["GET", "POST"]

bp = Blueprint("privacy", __name__, template_folder="templates")
bp.add_app_template_global(consent.consent_text, "consent_text")

# signed-in accounts
bp.add_url_rule("/account/my-data", view_func=views.my_data)
bp.add_url_rule("/account/my-data/download", view_func=views.download)
bp.add_url_rule("/account/delete", view_func=views.delete_account, methods=GET_POST)
# guests, by a link mailed to the confirmed address
bp.add_url_rule("/my-data/guest", view_func=views.guest_request, methods=GET_POST)
bp.add_url_rule("/my-data/guest/<token>", view_func=views.guest_data)
bp.add_url_rule("/my-data/guest/<token>/download", view_func=views.guest_download)
bp.add_url_rule("/my-data/guest/<token>/delete", view_func=views.guest_delete, methods=["POST"])
# admins: the consent text
bp.add_url_rule("/staff/site/consent", view_func=consent_pages.consent_versions, methods=GET_POST)

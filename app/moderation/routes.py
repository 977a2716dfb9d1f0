"""The moderation blueprint (``moderation``, at ``/<lang>/moderation``) and all its URLs.

Signed-in admins, staff and moderators only (:func:`.views.moderators_only`); each
view then asks about the process of the comment or page.
"""

from __future__ import annotations

from flask import Blueprint

from app.moderation import audit_views, views

bp = Blueprint("moderation", __name__, template_folder="templates")
bp.before_request(views.moderators_only)

GET = ["GET"]
POST = ["POST"]

# the queue
bp.add_url_rule("/", "index", views.index, methods=GET)
bp.add_url_rule("/p/<slug>/", "process_queue", views.process_queue, methods=GET)
bp.add_url_rule("/bulk", "bulk", views.bulk, methods=POST)

# one comment
bp.add_url_rule("/comments/<int:comment_id>", "comment", views.comment, methods=GET)
bp.add_url_rule("/comments/<int:comment_id>/notes", "add_note", views.add_note, methods=POST)
bp.add_url_rule(
    "/comments/<int:comment_id>/official-reply",
    "official_reply",
    views.official_reply,
    methods=POST,
)
bp.add_url_rule("/comments/<int:comment_id>/block", "block", views.block, methods=POST)
bp.add_url_rule("/comments/<int:comment_id>/unblock", "unblock", views.unblock, methods=POST)

# the audit log
bp.add_url_rule("/audit", "audit", audit_views.audit, methods=GET)
bp.add_url_rule("/audit.csv", "audit_csv", audit_views.audit_csv, methods=GET)

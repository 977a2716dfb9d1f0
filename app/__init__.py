"""mitwirken: citizen participation and surveys for German cities and counties."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from app.config import PROJECT_ROOT, load_config
from app.core import security

CSP = {
    "default-src": "'self'",
    "img-src": ["'self'", "data:"],
    "style-src": "'self'",
    "script-src": "'self'",
    "font-src": "'self'",
    "media-src": ["'self'", "https:"],
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Config → extensions → celery → blueprints → CLI."""
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.config.from_mapping(load_config(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)
    _init_logging()
    security.init_app(app)
    _init_extensions(app)
    _init_celery(app)
    _connect_features(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every model registered before use)
    from app.accounts import auth
    from app.api.spec import api, spec_kwargs
    from app.core import i18n_hooks, input_guard
    from app.db import enable_sqlite_savepoints
    from app.extensions import babel, cache, csrf, db, limiter, mail, migrate, talisman
    from app.i18n import select_locale

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            enable_sqlite_savepoints(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    babel.init_app(app, locale_selector=select_locale)
    input_guard.init_app(app)  # before the CSRF check reads (and consumes) the body
    csrf.init_app(app)
    cache.init_app(app)
    auth.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    talisman.init_app(
        app,
        content_security_policy=CSP,
        force_https=False,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        strict_transport_security=app.config["MITWIRKEN_ENV"] == "production",
        referrer_policy="same-origin",
    )
    i18n_hooks.init_app(app)
    api.init_app(app, spec_kwargs=spec_kwargs())


def _init_celery(app: Flask) -> None:
    from app.queue import celery_init_app, install_session_hooks

    celery_init_app(app)  # a worker imports the task modules listed in app.queue
    install_session_hooks()


def _connect_features(app: Flask) -> None:
    """What one feature runs of others, named here instead of registered on import."""
    from app.comments.services import count_comments, publish_confirmed
    from app.participation.services import init_confirm_hooks
    from app.ratings.services import count_confirmed_guest, count_ratings
    from app.results.services import init_goal_counters

    init_goal_counters(app, [count_comments, count_ratings])
    init_confirm_hooks(app, [publish_confirmed, count_confirmed_guest])


def _register_blueprints(app: Flask) -> None:
    from app.accounts.views import bp as accounts_bp
    from app.api.reference import bp as api_reference_bp
    from app.api.routes import bp as api_bp
    from app.api.spec import api
    from app.assessment.public_views import bp as assessment_public_bp
    from app.assessment.views import bp as assessment_bp
    from app.comments.views import bp as comments_bp
    from app.core import errors
    from app.core.views import bp as core_bp
    from app.exports.views import bp as exports_bp
    from app.goals.views import bp as goals_bp
    from app.moderation.routes import bp as moderation_bp
    from app.pages.views import bp as pages_bp
    from app.participation.services import set_participant_cookie
    from app.participation.views import bp as participation_bp
    from app.privacy.routes import bp as privacy_bp
    from app.processes.views import bp as processes_bp
    from app.ratings.question_views import bp as rating_staff_bp
    from app.ratings.views import bp as ratings_bp
    from app.results.margin_views import bp as results_weighting_bp
    from app.results.representativeness_views import bp as results_public_bp
    from app.results.routes import results_bp, results_staff_bp
    from app.staff.routes import bp as staff_bp
    from app.surveys.routes import survey_staff_bp, surveys_bp
    from app.translate.views import bp as translate_bp

    app.register_blueprint(core_bp)
    errors.init_app(app)
    api.register_blueprint(api_bp)  # registers it with the app and documents it
    app.register_blueprint(processes_bp, url_prefix="/<lang_code>")
    app.register_blueprint(goals_bp, url_prefix="/<lang_code>")
    app.register_blueprint(accounts_bp, url_prefix="/<lang_code>/account")
    app.register_blueprint(staff_bp, url_prefix="/<lang_code>/staff")
    app.register_blueprint(
        rating_staff_bp, url_prefix="/<lang_code>/staff/p/<slug>/rating-questions"
    )
    app.register_blueprint(assessment_bp, url_prefix="/<lang_code>/staff/assessment")
    app.register_blueprint(assessment_public_bp, url_prefix="/<lang_code>")
    app.register_blueprint(exports_bp, url_prefix="/<lang_code>/staff/exports")
    app.register_blueprint(translate_bp, url_prefix="/<lang_code>/staff/translate")
    app.register_blueprint(moderation_bp, url_prefix="/<lang_code>/moderation")
    app.register_blueprint(participation_bp, url_prefix="/<lang_code>/participate")
    app.register_blueprint(ratings_bp, url_prefix="/<lang_code>")
    app.register_blueprint(comments_bp, url_prefix="/<lang_code>")
    app.register_blueprint(pages_bp, url_prefix="/<lang_code>")
    app.register_blueprint(privacy_bp, url_prefix="/<lang_code>")
    app.register_blueprint(api_reference_bp, url_prefix="/<lang_code>")
    app.register_blueprint(surveys_bp, url_prefix="/<lang_code>/surveys")
    app.register_blueprint(survey_staff_bp, url_prefix="/<lang_code>/staff/surveys")
    app.register_blueprint(results_bp, url_prefix="/<lang_code>")
    app.register_blueprint(results_staff_bp, url_prefix="/<lang_code>/staff/results")
    app.register_blueprint(results_weighting_bp, url_prefix="/<lang_code>/staff/surveys")
    app.register_blueprint(results_public_bp, url_prefix="/<lang_code>/surveys")
    app.after_request(set_participant_cookie)


def _register_cli(app: Flask) -> None:
    from app.accounts.cli import users_cli
    from app.api.cli import opendata_cli
    from app.core.i18n_cli import i18n_cli
    from app.demo.cli import demo_cli
    from app.exports.cli import export_cli
    from app.goals.cli import goals_cli
    from app.ops.cli import backup_cli
    from app.privacy.cli import privacy_cli
    from app.results.cli import results_cli
    from app.surveys.cli import survey_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(opendata_cli)
    app.cli.add_command(i18n_cli)
    app.cli.add_command(goals_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(survey_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(results_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(privacy_cli)


def _init_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("alembic.runtime.plugins", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

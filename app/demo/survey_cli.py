"""`flask demo responses SLUG --count N [--seed S] [--if-empty]`: synthetic responses in
bulk. ``make run`` adds the county survey's 5,867 once (``--if-empty``), so its results,
weighting and representativeness show something.

A command of the ``demo`` group (:mod:`app.demo.cli` adds it).
"""

from __future__ import annotations

import time

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.demo.survey_content import SLUG as DEMO_SLUG
from app.demo.survey_loader import demo_weights
from app.demo.survey_responses import generate_responses
from app.extensions import db
from app.surveys.models import Response, Survey, SurveyState


@click.command("responses")
@with_appcontext
@click.argument("slug")
@click.option("--count", type=click.IntRange(1, 1_000_000), default=5867, show_default=True)
@click.option("--seed", type=int, default=None, help="Same seed, same answers.")
@click.option("--force", is_flag=True, help="Run even when MITWIRKEN_ENV=production.")
@click.option("--if-empty", is_flag=True, help="Only if the survey has no responses yet.")
def responses_command(slug: str, count: int, seed: int | None, force: bool, if_empty: bool) -> None:
    """Add COUNT plausible synthetic responses to the survey SLUG."""
    if current_app.config.get("MITWIRKEN_ENV") == "production" and not force:
        raise click.ClickException(
            "refusing to add synthetic responses in production (MITWIRKEN_ENV=production); "
            "use --force if you really mean it"
        )
    survey = db.session.scalar(sa.select(Survey).where(Survey.slug == slug))
    if survey is None:
        raise click.ClickException(f"no survey with the address {slug!r}")
    if survey.state == SurveyState.DRAFT or not survey.questions:
        raise click.ClickException("the survey is a draft or has no questions")
    if if_empty and db.session.scalar(
        sa.select(Response.id).where(Response.survey_id == survey.id).limit(1)
    ):
        click.echo(f"{slug} has responses already; none added.")
        return
    started = time.perf_counter()
    weights = demo_weights(survey) if slug == DEMO_SLUG else None
    generate_responses(survey, count, seed=seed, weights=weights)
    db.session.commit()
    click.echo(
        f"{count} synthetic responses added to {slug} in {time.perf_counter() - started:.1f} s."
    )

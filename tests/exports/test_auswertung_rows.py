"""The rows of the Abwägungstabelle: order, exclusions, authors, counts."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale

from app.assessment.services.queries import Filters, contribution_keys
from app.comments.models import Comment, CommentStatus
from app.exports.auswertung import overview
from app.exports.auswertung.writers import total
from app.extensions import db
from app.goals.models import Goal
from tests.exports.conftest import FORMULA_LIKE, OTHER_TEXT, SPACED, Annex, by_text, entries_of


def test_rows_follow_the_tree_with_replies_after_their_comment(annex: Annex) -> None:
    rows = entries_of(annex)
    texts = [row.text for row in rows]
    assert texts[:4] == [
        "Erster Beitrag",
        "Antwort aus der Verwaltung",
        "Zweite Antwort",
        FORMULA_LIKE,
    ]
    assert [row.number for row in rows] == list(range(1, len(rows) + 1))
    first = by_text(rows)["Erster Beitrag"]
    assert by_text(rows)["Zweite Antwort"].reply_to == first.number
    assert first.official_reply == "Danke!" and first.official_reply_by == "Referat Strategie"
    # Offline input by the day it was received, before online comments of later days.
    service = [row.text for row in rows if row.goal_code == "12.2.1"]
    assert service[:4] == ["Brief der Fraktion", SPACED, "Vom Verein", "Privater Brief"]
    # The goal's survey answer after its comments ("other" texts have no goal: last).
    assert service[-1].endswith("Bitte mehr Bänke")
    assert rows[-1].text.endswith(OTHER_TEXT) and rows[-1].goal_code == ""


def test_only_published_contributions_and_hidden_ones_on_request(annex: Annex) -> None:
    texts = {row.text for row in entries_of(annex)}
    assert not texts & {"Versteckt", "Wartet", "Offen", "Entfernt", "Entwurf"}
    with_hidden = entries_of(annex, include_hidden=True)
    hidden = by_text(with_hidden)["Versteckt"]
    assert hidden.hidden
    assert not {"Wartet", "Offen", "Entfernt"} & {row.text for row in with_hidden}
    assessed = entries_of(annex, only_assessed=True)
    assert [row.text for row in assessed] == ["Erster Beitrag"]


def test_row_count_matches_the_database(annex: Annex) -> None:
    goal_ids = sa.select(Goal.id).where(Goal.process_id == annex.process.id)
    published = db.session.scalar(
        sa.select(sa.func.count(Comment.id)).where(
            Comment.goal_id.in_(goal_ids), Comment.status == CommentStatus.PUBLISHED
        )
    )
    rows = entries_of(annex)
    answers = [row for row in rows if row.source == "answer"]
    assert len(answers) == 2  # the text answer and the "other" text; not the draft
    assert len(rows) == published + 2 == total(annex.process, {})


def test_institutions_keep_their_group_and_private_authors_are_numbered(annex: Annex) -> None:
    rows = by_text(entries_of(annex))
    assert rows["Brief der Fraktion"].author == "Gemeinderat"
    assert rows["Vom Verein"].author == "Sportverein TSV"
    assert rows["Aus dem Amt"].author == "Verwaltung"  # group Verwaltung, not staff
    assert rows["Antwort aus der Verwaltung"].author == "Verwaltung"  # staff of the process
    citizens = {rows[t].author for t in ("Erster Beitrag", FORMULA_LIKE, SPACED, "Privater Brief")}
    assert all(author.startswith("Bürger:in ") for author in citizens)
    assert len(citizens) == 4
    assert rows[FORMULA_LIKE].author == rows["Zweite Antwort"].author  # the same guest


def test_pseudonyms_are_stable_whatever_the_options(annex: Annex) -> None:
    plain = {row.text: row.author for row in entries_of(annex)}
    hidden = {row.text: row.author for row in entries_of(annex, include_hidden=True)}
    assessed = {row.text: row.author for row in entries_of(annex, only_assessed=True)}
    assert all(hidden[text] == author for text, author in plain.items())
    assert assessed["Erster Beitrag"] == plain["Erster Beitrag"]
    # The first private author of the process (by first contribution) is number 1.
    assert plain["Erster Beitrag"] == "Bürger:in 1"


def test_other_option_texts_join_the_open_answers(annex: Annex) -> None:
    rows = entries_of(annex, lang="en")
    other = [row for row in rows if row.text.endswith(OTHER_TEXT)]
    assert len(other) == 1 and other[0].text == f"Single\nOther: {OTHER_TEXT}"
    assert other[0].kind == "Survey answer" and other[0].author.startswith("Citizen ")
    # The assessment workspace lists it too, so it can be assessed.
    keys = db.session.execute(sa.select(contribution_keys(annex.process, Filters()))).all()
    assert len(keys) == len(entries_of(annex, include_hidden=True))


def test_overview_counts_every_row_once(annex: Annex) -> None:
    with force_locale("de"):
        counts = overview.count(annex.process, {}, str)
    rows = entries_of(annex)
    assert counts.total == len(rows) == sum(counts.channels.values()) == sum(counts.kinds.values())
    culture = annex.goals["12.1.1"].id
    by_goal = dict(counts.goal_rows(culture))
    assert sum(sum(c.values()) for c in by_goal.values()) == 4
    assert counts.channels["Brief"] == 2 and counts.channels["Online-Umfrage"] == 2

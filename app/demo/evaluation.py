"""Demo Abwägung on HF12: how the administration weighed the discussion, revised goals
and answered, so the Auswertung (Steckbrief, table, charts) shows a real evaluation.

Loaded once, after the discussion (a process that has assessments is left alone).
Everything goes through the staff services, audited as the demo staff member:

- the goals' first versions date from the information phase (they were drafted
  before the participation started); the field of action had the working title
  "Innovative Verwaltung" until it was renamed after the participation;
- some goals are revised to take up feedback, and one goal is added;
- most contributions are assessed (group, status, rationale, topics), those that a
  revision takes up are linked to it; two questions get an official reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from app.accounts.models import User
from app.assessment.models import Assessment, Consideration
from app.assessment.services.assessing import AssessmentInput, save_assessment
from app.assessment.services.tag_list import create_tag
from app.comments.models import Comment
from app.demo.content_city import HF12_GOALS
from app.extensions import db
from app.goals.editing import GoalTexts, create_goal, edit_goal
from app.goals.models import Goal, GoalRevision
from app.goals.services import current_revision
from app.moderation.services import save_official_reply
from app.processes.models import PhaseKind, Process

# The working title of the field of action during the participation.
DRAFT_TITLES = {"12": {"de": "Innovative Verwaltung", "en": "Innovative administration"}}

# Goal texts after the participation: (code, German addition, English addition, note).
REVISIONS = (
    (
        "12.2.1",
        " Wichtige Informationen gibt es auch in Leichter Sprache und in den Sprachen, die in "
        "der Stadt am häufigsten gesprochen werden.",
        " Important information is also offered in Easy Language and in the languages most "
        "spoken in the city.",
        "Mehrsprachigkeit und Leichte Sprache aus der Beteiligung ergänzt",
    ),
    (
        "12.2.2",
        " Wer digitale Angebote nicht nutzen kann oder will, wird weiterhin persönlich, am "
        "Telefon und auf Papier bedient.",
        " People who cannot or do not want to use digital services are still served in "
        "person, by phone and on paper.",
        "Persönlicher Service bleibt: Hinweis aus Beteiligung und Workshop",
    ),
    (
        "12.5.3",
        " Beteiligungsangebote finden auch abends und am Wochenende statt, bei Bedarf mit "
        "Kinderbetreuung.",
        " Participation also takes place in the evenings and at weekends, with childcare "
        "where needed.",
        "Zeiten und Kinderbetreuung aus der Beteiligung ergänzt",
    ),
)

NEW_GOAL = (
    "12.5.4",
    {"de": "Junge Menschen gezielt beteiligen", "en": "Involving young people"},
    {
        "de": "Gemeinsam mit Schulen und dem Jugendgemeinderat machen wir die Beteiligung bei "
        "jungen Menschen bekannt und bieten Formate an, die zu ihrem Alltag passen.",
        "en": "Together with schools and the youth council we make participation known among "
        "young people and offer formats that fit their everyday lives.",
    },
)


@dataclass(frozen=True)
class Weighing:
    consideration: Consideration | None
    rationale: str
    tags: tuple[str, ...] = ()
    revised: str = ""  # the goal whose new version takes it up


# By the start of the contribution's text; contributions not listed stay unassessed.
WEIGHINGS: dict[str, Weighing] = {
    "Bitte den Anwohnerparkausweis": Weighing(
        Consideration.ALREADY_INCLUDED,
        "Der Anwohnerparkausweis gehört zu den Leistungen, die nach dem Onlinezugangsgesetz "
        "digital angeboten werden; das Ziel deckt das ab.",
        ("Digitalisierung",),
    ),
    "Digital ist schön": Weighing(
        Consideration.CONSIDERED,
        "Das Ziel stellt jetzt klar, dass der persönliche Service bleibt.",
        ("Digitalisierung", "Service"),
        "12.2.2",
    ),
    "Gibt es einen Zeitplan": Weighing(
        Consideration.NOTED,
        "Der Zeitplan gehört in die Maßnahmenplanung, nicht in das Ziel.",
        ("Digitalisierung",),
    ),
    "Gutes Ziel.": Weighing(Consideration.NOTED, "Zustimmung zur Kenntnis genommen."),
    "Die wichtigsten Informationen": Weighing(
        Consideration.CONSIDERED,
        "Mehrsprachige Informationen sind ins Ziel aufgenommen.",
        ("Barrierefreiheit", "Service"),
        "12.2.1",
    ),
    "Servicestandards sind gut": Weighing(
        Consideration.ALREADY_INCLUDED,
        "Die Messung des Servicegrads ist bereits Teil des Ziels.",
        ("Service",),
    ),
    "Die Beteiligungsplattform ist bei Jugendlichen": Weighing(
        Consideration.CONSIDERED,
        "Ein eigenes operatives Ziel 12.5.4 für die Beteiligung junger Menschen wurde ergänzt.",
        ("Beteiligung",),
    ),
    "Wie wird gemessen": Weighing(
        Consideration.NOTED,
        "Die Bekanntheit wird mit der nächsten Bürgerumfrage erhoben.",
        ("Beteiligung",),
    ),
    "Sehr wichtig. Vereine": Weighing(Consideration.NOTED, "Zustimmung zur Kenntnis genommen."),
    "Beteiligung auch abends": Weighing(
        Consideration.CONSIDERED,
        "Zeiten und Kinderbetreuung sind ins Ziel aufgenommen.",
        ("Beteiligung",),
        "12.5.3",
    ),
    "Mobiles Arbeiten ist gut": Weighing(
        Consideration.PARTLY,
        "Barrierefreiheit der Gebäude ist Teil des Ziels; die Reihenfolge der Sanierungen "
        "legt der Gebäudeplan fest.",
        ("Barrierefreiheit",),
    ),
    "1.000 Euro Pro-Kopf-Verschuldung": Weighing(
        Consideration.NOTED,
        "Beantwortet: die Grenze gilt einschließlich der Eigenbetriebe.",
        ("Finanzen",),
    ),
    "Bei der Beschaffung bitte auch regionale": Weighing(
        Consideration.NOT_CONSIDERED,
        "Das Vergaberecht erlaubt keine Bevorzugung nach Herkunft; kurze Wege können über "
        "Nachhaltigkeitskriterien berücksichtigt werden.",
        ("Finanzen",),
    ),
    "Im Workshop wurde gewünscht": Weighing(
        Consideration.CONSIDERED,
        "Das Ziel stellt jetzt klar, dass der persönliche Service bleibt.",
        ("Service",),
        "12.2.2",
    ),
    "Ich habe kein Internet": Weighing(
        Consideration.PARTLY,
        "Gedruckte Informationen in den Bürgerbüros sind vorgesehen; Zeitungsanzeigen "
        "entscheidet die Pressestelle im Einzelfall.",
        ("Beteiligung", "Barrierefreiheit"),
    ),
    "Wie wird sichergestellt": Weighing(
        Consideration.ALREADY_INCLUDED,
        "Auskömmliche Mittel für die Unterhaltung sind bereits im Ziel 12.3.2 genannt.",
        ("Finanzen",),
    ),
}

OFFICIAL_REPLIES = {
    "Gibt es einen Zeitplan": "Die Reihenfolge legt der OZG-Umsetzungsplan fest, der jedes "
    "Jahr im Ausschuss vorgestellt wird. Die nächste Fassung erscheint im Frühjahr.",
    "1.000 Euro Pro-Kopf-Verschuldung": "Ja, die Grenze von 1.000 Euro gilt für den "
    "Kernhaushalt einschließlich der Eigenbetriebe.",
}


def _goals(process: Process) -> dict[str, Goal]:
    return {
        g.code: g for g in db.session.scalars(sa.select(Goal).where(Goal.process_id == process.id))
    }


def _draft_history(process: Process, goals: dict[str, Goal]) -> None:
    """First versions date from the information phase; the field's working title."""
    information = next((p for p in process.phases if p.kind == PhaseKind.INFORMATION), None)
    if information is None:
        return
    drafted = information.starts_at + timedelta(days=1)
    db.session.execute(
        sa.update(GoalRevision)
        .where(GoalRevision.goal_id.in_([g.id for g in goals.values()]), GoalRevision.number == 1)
        .values(created_at=drafted)
    )
    for code, title in DRAFT_TITLES.items():
        if code in goals:
            db.session.execute(
                sa.update(GoalRevision)
                .where(GoalRevision.goal_id == goals[code].id, GoalRevision.number == 1)
                .values(title=title)
            )
    db.session.expire_all()


def _final_title(code: str) -> dict[str, str]:
    demo = next(g for g in HF12_GOALS if g.code == code)
    return dict(demo.title)


def _revise(goals: dict[str, Goal], staff: User | None) -> dict[str, GoalRevision]:
    revised: dict[str, GoalRevision] = {}
    for code in DRAFT_TITLES:
        goal = goals[code]
        current = current_revision(goal)
        # The draft history replaced revision 1's title; the content's title is the final one.
        final = _final_title(code)
        texts = GoalTexts(title=final, body=dict(current.body), easy_body=dict(current.easy_body))
        edit_goal(
            goal, code=code, texts=texts, author=staff, change_note="Titel nach der Beteiligung"
        )
    for code, german, english, note in REVISIONS:
        goal = goals[code]
        current = current_revision(goal)
        body = {
            "de": current.body.get("de", "") + german,
            "en": current.body.get("en", "") + english,
        }
        texts = GoalTexts(title=dict(current.title), body=body, easy_body=dict(current.easy_body))
        edit_goal(goal, code=code, texts=texts, author=staff, change_note=note)
        revised[code] = current_revision(goal)
    return revised


def _assess(process: Process, staff: User | None, revised: dict[str, GoalRevision]) -> None:
    tags = {}
    for listed in WEIGHINGS.values():
        for name in listed.tags:
            if name not in tags:
                tags[name] = create_tag(process, name, actor=staff)
    comments = db.session.scalars(
        sa.select(Comment).where(Comment.goal_id.in_([g.id for g in _goals(process).values()]))
    ).all()
    for comment in comments:
        weighing = next(
            (w for start, w in WEIGHINGS.items() if comment.body.startswith(start)), None
        )
        if weighing is None:
            continue
        revision = revised.get(weighing.revised)
        data = AssessmentInput(
            stakeholder_group=comment.stakeholder_group,
            consideration=weighing.consideration,
            rationale=weighing.rationale,
            goal_revision_id=revision.id
            if revision and revision.goal_id == comment.goal_id
            else None,
            tag_ids=[tags[name].id for name in weighing.tags],
        )
        save_assessment(comment, process, data, expected_version=0, assessor=staff)
        for start, reply in OFFICIAL_REPLIES.items():
            if comment.body.startswith(start) and staff is not None:
                save_official_reply(comment, process, staff, "Referat Stadtentwicklung", reply)


def load_evaluation(process: Process, staff: User | None) -> bool:
    """Add the demo Abwägung once; returns whether anything was added."""
    done = db.session.scalar(
        sa.select(Assessment.id).where(Assessment.process_id == process.id).limit(1)
    )
    goals = _goals(process)
    if (
        done is not None
        or not all(code in goals for code, *_rest in REVISIONS)
        or "12" not in goals
    ):
        return False
    _draft_history(process, goals)
    revised = _revise(goals, staff)
    code, title, body = NEW_GOAL
    if code not in goals and "12.5" in goals:
        texts = GoalTexts(title=title, body=body, easy_body={})
        note = "Neu nach der Beteiligung"
        create_goal(
            process, code=code, texts=texts, parent=goals["12.5"], author=staff, change_note=note
        )
    _assess(process, staff, revised)
    db.session.flush()
    return True

"""The demo content `flask demo load` puts into the database.

Two processes modelled on public documents of German local governments (see
``shared/seeds``): the goal codes, titles and figures come from those documents,
every summary, description and easy-language text here is written for the demo.
Content is German (the default language) with English translations. This module
holds the shapes and the demo users; the processes are in :mod:`.content_city` and
:mod:`.content_county`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.accounts.models import Role
from app.processes.models import ModerationMode, ParticipationMode, PhaseKind

DEMO_PASSWORD = "mitwirken-demo"  # noqa: S105  (documented, printed demo password)


@dataclass(frozen=True)
class DemoUser:
    email: str
    display_name: str
    description: str  # what the login is for, shown in the printed list
    is_admin: bool = False
    role: Role | None = None  # granted in every demo process


@dataclass(frozen=True)
class DemoGoal:
    code: str
    title: dict[str, str]
    body: dict[str, str]
    easy_body: dict[str, str] = field(default_factory=dict)
    children: tuple[DemoGoal, ...] = ()


@dataclass(frozen=True)
class DemoPhase:
    kind: PhaseKind
    # Days relative to the (UTC) day the demo is loaded on.
    starts_in_days: int
    ends_in_days: int


@dataclass(frozen=True)
class DemoProcess:
    slug: str
    title: dict[str, str]
    summary: dict[str, str]
    level_names: list[dict[str, str]]
    phases: tuple[DemoPhase, ...]
    goals: tuple[DemoGoal, ...]
    participation_mode: ParticipationMode = ParticipationMode.ACCOUNT
    moderation_mode: ModerationMode = ModerationMode.POST
    with_discussion: bool = False  # demo comments, supports and ratings (app/demo/discussion.py)


USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "admin@mitwirken.example",
        "Demo-Administration",
        "administrator (all processes)",
        is_admin=True,
    ),
    DemoUser(
        "staff@mitwirken.example",
        "Demo-Verwaltung",
        "staff of both demo processes",
        role=Role.STAFF,
    ),
    DemoUser(
        "moderation@mitwirken.example",
        "Demo-Moderation",
        "moderator of both demo processes",
        role=Role.MODERATOR,
    ),
    DemoUser(
        "buergerin@mitwirken.example",
        "Demo-Bürgerin",
        "citizen (verified, no role)",
    ),
)


def goal(
    code: str,
    title_de: str,
    title_en: str,
    body_de: str,
    body_en: str,
    easy_de: str = "",
    children: tuple[DemoGoal, ...] = (),
) -> DemoGoal:
    return DemoGoal(
        code=code,
        title={"de": title_de, "en": title_en},
        body={"de": body_de, "en": body_en},
        easy_body={"de": easy_de} if easy_de else {},
        children=children,
    )

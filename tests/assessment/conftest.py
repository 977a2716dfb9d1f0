"""Shared by the assessment tests: the goal contributions are made on, tags, page text.

A contribution in one line: :func:`tests.factories.make_comment`; its assessment:
:func:`tests.factories.make_assessment`.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.assessment.models import ProcessTag
from app.assessment.services import tag_list
from app.extensions import db
from app.goals.models import Goal
from app.processes.models import Process
from tests.factories import make_goal, unaudited


@pytest.fixture
def goal(process: Process) -> Goal:
    return make_goal(process, "12.1", "Motivierende Organisationskultur")


def tag(process: Process, name: str) -> ProcessTag:
    with unaudited():
        created = tag_list.create_tag(process, name, actor=None)
    db.session.commit()
    return created


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))

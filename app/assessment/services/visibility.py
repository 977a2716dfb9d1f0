"""What the public sees of the assessments: status and rationale, in the results phase."""

from __future__ import annotations

from collections.abc import Iterable

from app.assessment.models import Assessment
from app.assessment.services.workspace import assessments_for
from app.processes.models import PhaseKind, Process


def assessments_visible(process: Process) -> bool:
    """Status and rationale are public in the results phase, if the process allows it."""
    phase = process.current_phase()
    return bool(process.assessments_public and phase and phase.kind == PhaseKind.RESULTS)


def public_assessments(process: Process, comment_ids: Iterable[int]) -> dict[int, Assessment]:
    """Assessed contributions among ``comment_ids`` (one query; none when not public)."""
    if not assessments_visible(process):
        return {}
    return {
        comment_id: assessment
        for comment_id, assessment in assessments_for(comment_ids).items()
        if assessment.consideration is not None
    }

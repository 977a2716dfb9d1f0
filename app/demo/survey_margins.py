"""Demo population margins for the county survey, so its results can be weighted and
compared with the population (representativeness). Rounded, plausible figures for a
rural German county, not official statistics; municipalities follow the shares of
``survey_content.MUNICIPALITIES``."""

from __future__ import annotations

from app.demo.survey_content import MUNICIPALITIES
from app.results.margins import MarginEntry, save_margins
from app.surveys.models import Survey

SOURCE = "Demo-Werte (gerundet, keine amtliche Statistik)"
AGE_BANDS = {
    "under-18": 15.5,
    "18-29": 11.5,
    "30-44": 16.5,
    "45-59": 22.0,
    "60-74": 21.5,
    "75-plus": 13.0,
}
GENDERS = {"female": 50.5, "male": 49.4, "diverse": 0.1}


def _municipalities() -> dict[str, float]:
    total = sum(weight for _value, _name, weight in MUNICIPALITIES)
    shares = {value: round(100 * weight / total, 2) for value, _name, weight in MUNICIPALITIES}
    first = MUNICIPALITIES[0][0]
    shares[first] = round(shares[first] + 100 - sum(shares.values()), 2)  # exactly 100
    return shares


def load_demo_margins(survey: Survey) -> None:
    """Save the demo margins for age band, gender and municipality (flushes)."""
    wanted = {"age_band": AGE_BANDS, "gender": GENDERS, "municipality": _municipalities()}
    entries = []
    for question in survey.questions:
        shares = wanted.get(question.setting("preset") or "")
        if not shares:
            continue
        by_value = {option.value: option.id for option in question.options}
        entries += [MarginEntry(question.id, by_value[v], share) for v, share in shares.items()]
    save_margins(survey, entries, trim_cap=5.0, source=SOURCE)

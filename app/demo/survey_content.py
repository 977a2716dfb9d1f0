"""The demo citizen survey of Landkreis Helmstedt ("Bürgerbefragung 2035").

Modelled on the district's representative residents' survey (5,867 respondents,
results by member municipality and age group). The questions are written for the
demo. Questions are plain dicts for ``app.surveys.builder.structure.create_question``, plus:

- ``key``: a name used here only, for conditions and response weights;
- ``options``: (value, German, English) triples; ``other``/``no_answer`` add those;
- ``scale``: (value, German, English) points, with "keine Angabe" after them;
- ``goal_matrix``: a matrix whose rows are the strategic goals of the process;
- ``preset``: a demographic preset of ``app.surveys.builder.parts``;
- ``show_if``: (key, option values);
- ``weights``: option value → relative frequency for ``flask demo responses``.
"""

from __future__ import annotations

from typing import Any

SLUG = "buergerbefragung-2035"
PROCESS_SLUG = "landkreis-strategie-2035"

TITLE = {
    "de": "Bürgerbefragung 2035 – Wie lebt es sich im Landkreis Helmstedt?",  # noqa: RUF001
    "en": "Residents' survey 2035 – How is life in Helmstedt District?",  # noqa: RUF001
}
INTRO = {
    "de": "Der Landkreis Helmstedt möchte wissen, was Ihnen wichtig ist: beim Wohnen, "
    "bei Mobilität und Versorgung und bei den strategischen Zielen bis 2035. Die Befragung "
    "dauert etwa zehn Minuten. Ihre Antworten werden anonym ausgewertet. Dies ist eine "
    "Demo-Befragung mit Beispielfragen.",
    "en": "Helmstedt District would like to know what matters to you: housing, mobility "
    "and services, and the strategic goals to 2035. The survey takes about ten minutes. "
    "Your answers are evaluated anonymously. This is a demo survey with sample questions.",
}
THANKS = {
    "de": "Vielen Dank! Die Ergebnisse werden nach dem Ende der Befragung veröffentlicht "
    "und fließen in die Strategiekarten der Aktionsräume ein.",
    "en": "Thank you! The results will be published after the survey closes and feed into "
    "the strategy cards of the action areas.",
}

SATISFACTION = [
    ("1", "sehr unzufrieden", "very dissatisfied"),
    ("2", "eher unzufrieden", "rather dissatisfied"),
    ("3", "teils/teils", "neither"),
    ("4", "eher zufrieden", "rather satisfied"),
    ("5", "sehr zufrieden", "very satisfied"),
]

# Member municipalities of Landkreis Helmstedt; weights are rounded population figures.
MUNICIPALITIES: list[tuple[str, str, float]] = [
    ("helmstedt", "Stadt Helmstedt", 25.0),
    ("koenigslutter", "Stadt Königslutter am Elm", 16.0),
    ("schoeningen", "Stadt Schöningen", 11.0),
    ("lehre", "Gemeinde Lehre", 12.0),
    ("grasleben", "Samtgemeinde Grasleben", 5.0),
    ("heeseberg", "Samtgemeinde Heeseberg", 4.5),
    ("nord-elm", "Samtgemeinde Nord-Elm", 6.5),
    ("velpke", "Samtgemeinde Velpke", 13.5),
]

SECTIONS: list[dict[str, Any]] = [
    {
        "title": {"de": "Leben im Landkreis", "en": "Living in the district"},
        "questions": [
            {
                "key": "satisfaction",
                "kind": "scale",
                "prompt": {
                    "de": "Wie zufrieden sind Sie insgesamt mit dem Leben im Landkreis?",
                    "en": "Overall, how satisfied are you with life in the district?",
                },
                "required": True,
                "scale": SATISFACTION,
                "weights": {"1": 4, "2": 10, "3": 26, "4": 42, "5": 15, "na": 3},
            },
            {
                "key": "likes",
                "kind": "multiple_choice",
                "prompt": {
                    "de": "Was schätzen Sie am Landkreis besonders?",
                    "en": "What do you value most about the district?",
                },
                "settings": {"max_choices": 3},  # the page states the rule itself
                "options": [
                    ("nature", "Natur und Landschaft (Elm, Lappwald)", "Nature and landscape"),
                    ("calm", "Ruhe und Sicherheit", "Peace and safety"),
                    ("community", "Zusammenhalt und Nachbarschaft", "Community"),
                    ("housing", "Bezahlbares Wohnen", "Affordable housing"),
                    ("location", "Nähe zu Braunschweig und Wolfsburg", "Close to cities"),
                    ("clubs", "Vereinsleben und Ehrenamt", "Clubs and volunteering"),
                    ("culture", "Kultur und Geschichte", "Culture and history"),
                ],
                "other": True,
                "weights": {"nature": 60, "calm": 45, "community": 35, "housing": 30},
            },
            {
                "key": "moving",
                "kind": "single_choice",
                "prompt": {
                    "de": "Denken Sie darüber nach, in den nächsten fünf Jahren aus dem "
                    "Landkreis wegzuziehen?",
                    "en": "Are you thinking of moving away from the district within the "
                    "next five years?",
                },
                "options": [
                    ("yes", "Ja", "Yes"),
                    ("maybe", "Vielleicht", "Maybe"),
                    ("no", "Nein", "No"),
                ],
                "weights": {"yes": 9, "maybe": 17, "no": 74},
            },
        ],
    },
    {
        "title": {"de": "Ziele bis 2035", "en": "Goals to 2035"},
        "questions": [
            {
                "key": "goals",
                "goal_matrix": True,
                "prompt": {
                    "de": "Wie wichtig ist Ihnen …?",
                    "en": "How important to you is …?",
                },
                "help": {
                    "de": "Die drei strategischen Ziele des Landkreises bis 2035.",
                    "en": "The district's three strategic goals to 2035.",
                },
                "required": True,
            },
            {
                "key": "priorities",
                "kind": "ranking",
                "prompt": {
                    "de": "Welche Themen sollte der Landkreis vorrangig angehen? Bringen Sie "
                    "Ihre drei wichtigsten in eine Reihenfolge.",
                    "en": "Which topics should the district tackle first? Rank your three "
                    "most important ones.",
                },
                "settings": {"top_n": 3},
                "options": [
                    ("mobility", "Bus, Bahn und Radwege", "Buses, trains and cycle paths"),
                    ("health", "Ärztliche Versorgung", "Medical care"),
                    ("schools", "Schulen und Kitas", "Schools and day care"),
                    ("digital", "Breitband und Mobilfunk", "Broadband and mobile network"),
                    ("jobs", "Arbeits- und Ausbildungsplätze", "Jobs and apprenticeships"),
                    ("housing", "Wohnraum", "Housing"),
                    ("climate", "Klimaschutz und Energie", "Climate and energy"),
                    ("leisure", "Freizeit und Kultur", "Leisure and culture"),
                ],
                "weights": {"health": 30, "mobility": 28, "digital": 20, "schools": 18},
            },
            {
                "key": "stay",
                "kind": "long_text",
                "prompt": {
                    "de": "Was müsste sich ändern, damit Sie im Landkreis bleiben?",
                    "en": "What would have to change for you to stay in the district?",
                },
                "settings": {"max_length": 1000},
                "show_if": ("moving", ["yes", "maybe"]),
            },
            {
                "key": "informed",
                "kind": "scale",
                "prompt": {
                    "de": "Wie gut fühlen Sie sich über die Arbeit der Kreisverwaltung informiert?",
                    "en": "How well informed do you feel about the work of the district "
                    "administration?",
                },
                "scale": [
                    ("1", "gar nicht", "not at all"),
                    ("2", "kaum", "hardly"),
                    ("3", "teils/teils", "partly"),
                    ("4", "gut", "well"),
                    ("5", "sehr gut", "very well"),
                ],
                "weights": {"1": 12, "2": 25, "3": 33, "4": 20, "5": 5, "na": 5},
            },
        ],
    },
    {
        "title": {"de": "Mobilität und Alltag", "en": "Mobility and everyday life"},
        "questions": [
            {
                "key": "transport",
                "kind": "single_choice",
                "prompt": {
                    "de": "Womit sind Sie im Alltag hauptsächlich unterwegs?",
                    "en": "How do you mainly get around in everyday life?",
                },
                "settings": {"display": "dropdown"},
                "options": [
                    ("car", "Auto", "Car"),
                    ("bus", "Bus", "Bus"),
                    ("train", "Bahn", "Train"),
                    ("bike", "Fahrrad oder Pedelec", "Bicycle or e-bike"),
                    ("foot", "zu Fuß", "On foot"),
                ],
                "other": True,
                "weights": {"car": 68, "bus": 8, "train": 5, "bike": 12, "foot": 6},
            },
            {
                "key": "commute",
                "kind": "number",
                "prompt": {
                    "de": "Wie viele Minuten brauchen Sie zu Ihrer Arbeit, Schule oder "
                    "Ausbildung (einfacher Weg)?",
                    "en": "How many minutes does it take you to get to work, school or "
                    "training (one way)?",
                },
                "help": {
                    "de": "Leer lassen, wenn Sie nicht pendeln.",
                    "en": "Leave empty if you do not commute.",
                },
                "settings": {"min": 0, "max": 300, "unit": {"de": "Minuten", "en": "minutes"}},
            },
            {
                "key": "since",
                "kind": "number",
                "prompt": {
                    "de": "Seit welchem Jahr wohnen Sie im Landkreis?",
                    "en": "Since which year have you lived in the district?",
                },
                "settings": {"min": 1920, "max": 2035},
            },
            {
                "key": "idea",
                "kind": "short_text",
                "prompt": {
                    "de": "Ihre wichtigste Idee für den Landkreis – in einem Satz:",  # noqa: RUF001
                    "en": "Your most important idea for the district – in one sentence:",  # noqa: RUF001
                },
                "settings": {"max_length": 200},
            },
        ],
    },
    {
        "title": {"de": "Angaben zu Ihrer Person", "en": "About you"},
        "intro": {
            "de": "Diese Angaben helfen, die Ergebnisse nach Gemeinde und Altersgruppe "
            "auszuwerten. Alle Fragen sind freiwillig.",
            "en": "These answers help to evaluate the results by municipality and age group. "
            "All questions are optional.",
        },
        "questions": [
            {
                "key": "age",
                "preset": "age_band",
                "weights": {
                    "under-18": 3,
                    "18-29": 11,
                    "30-44": 20,
                    "45-59": 27,
                    "60-74": 26,
                    "75-plus": 10,
                    "na": 3,
                },
            },
            {
                "key": "gender",
                "preset": "gender",
                "weights": {"female": 51, "male": 46, "diverse": 0.5, "na": 2.5},
            },
            {
                "key": "municipality",
                "preset": "municipality",
                "choices": [(value, name) for value, name, _weight in MUNICIPALITIES],
                "weights": {value: weight for value, _name, weight in MUNICIPALITIES},
            },
            {
                "key": "children",
                "kind": "single_choice",
                "prompt": {
                    "de": "Leben Kinder unter 18 Jahren in Ihrem Haushalt?",
                    "en": "Do children under 18 live in your household?",
                },
                "is_demographic": True,
                "options": [("yes", "Ja", "Yes"), ("no", "Nein", "No")],
                "no_answer": True,
                "weights": {"yes": 28, "no": 68, "na": 4},
            },
        ],
    },
]

"""Demo process (b), a county: strategic goals to 2035."""

from __future__ import annotations

from app.demo.content import DemoPhase, DemoProcess, goal
from app.processes.models import PhaseKind

COUNTY_GOALS = (
    goal(
        "1",
        "Der Landkreis treibt die 6 Aktionsräume voran und setzt Impulse!",
        "The district drives the six action areas forward and provides impetus!",
        "Aus Befragung und Workshops sind sechs Aktionsräume entstanden, in denen sich der "
        "Landkreis besonders entwickeln will. Der Landkreis versteht sich dabei als Motor: Er "
        "bündelt Ideen, berät die Kommunen und hilft, Vorhaben umzusetzen.",
        "The survey and the workshops produced six action areas in which the district wants "
        "to make particular progress. The district sees itself as the driving force: it pools "
        "ideas, advises the municipalities and helps to put plans into practice.",
        "Der Landkreis hat 6 wichtige Themen gefunden. "
        "Diese Themen heißen Aktions-Räume. "
        "Der Landkreis will diese Themen voran-bringen. "
        "Er hilft dabei den Städten und Gemeinden.",
        children=(
            goal(
                "1.1",
                "Strategierat: AWS und Themenpaten",
                "Strategy council: the economy and strategy committee (AWS) and topic sponsors",
                "Der Ausschuss für Wirtschaft und Strategie übernimmt die Rolle eines "
                "Strategierats. Für jeden Aktionsraum begleiten Themenpatinnen und Themenpaten "
                "die Arbeit und halten den Kontakt zu den Beteiligten.",
                "The committee for economy and strategy acts as a strategy council. For each "
                "action area, topic sponsors accompany the work and keep in touch with "
                "everyone involved.",
            ),
            goal(
                "1.2",
                "Ratgeber für die kreisangehörigen Kommunen",
                "Adviser to the municipalities of the district",
                "Der Landkreis berät Städte und Gemeinden, wenn sie Vorhaben in den "
                "Aktionsräumen angehen. Er vermittelt Wissen, Kontakte und Fördermöglichkeiten.",
                "The district advises towns and municipalities when they take on projects in "
                "the action areas. It passes on knowledge, contacts and funding opportunities.",
            ),
            goal(
                "1.3",
                "Unterstützer für die Umsetzung der Ideen",
                "Supporter in putting ideas into practice",
                "Gute Ideen sollen nicht in der Schublade bleiben. Der Landkreis hilft mit "
                "Personal, Organisation und Beratung, damit Projekte tatsächlich starten.",
                "Good ideas should not stay in a drawer. The district helps with staff, "
                "organisation and advice so that projects actually get started.",
            ),
        ),
    ),
    goal(
        "2",
        "Die Anzahl der Einwohner/innen bei über 90.000 halten!",
        "Keep the population above 90,000!",
        "Der Landkreis will auch 2035 mehr als 90.000 Einwohnerinnen und Einwohner haben. "
        "Dafür muss er für Familien, Fachkräfte und ältere Menschen gleichermaßen attraktiv "
        "bleiben.",
        "The district wants to have more than 90,000 residents in 2035 as well. To achieve "
        "this it has to remain attractive to families, skilled workers and older people "
        "alike.",
        "Im Landkreis wohnen heute viele Menschen. "
        "Auch in Zukunft sollen hier mehr als 90.000 Menschen wohnen. "
        "Dafür soll das Leben im Landkreis gut sein.",
        children=(
            goal(
                "2.1",
                "Die 6 Aktionsräume zahlen alle auf dieses Ziel ein",
                "All six action areas contribute to this goal",
                "Ob Schule, Gesundheit oder Wirtschaft: Jeder Aktionsraum trägt dazu bei, dass "
                "Menschen im Landkreis bleiben oder neu hinzuziehen. Die Aktionsräume werden "
                "deshalb auch an diesem Ziel gemessen.",
                "Whether schools, health or the economy: every action area helps people to "
                "stay in the district or to move here. The action areas are therefore also "
                "measured against this goal.",
            ),
            goal(
                "2.2",
                "Im Wettbewerb um Menschen bestehen",
                "Holding our own in the competition for people",
                "Viele Regionen werben um Zuzug und um Fachkräfte. Der Landkreis will mit guter "
                "Lebensqualität, bezahlbarem Wohnraum und verlässlichen Angeboten überzeugen.",
                "Many regions compete for new residents and skilled workers. The district "
                "wants to win them over with a good quality of life, affordable housing and "
                "reliable services.",
            ),
            goal(
                "2.3",
                "Über steuerungsrelevante Ziele der W-Produkte wird operationalisiert",
                "Put into practice through steering targets for the key products",
                "Für ausgewählte wesentliche Leistungen des Landkreises, die sogenannten "
                "W-Produkte, werden messbare Ziele festgelegt. So wird im Haushalt sichtbar, "
                "was zur Entwicklung der Einwohnerzahl beiträgt.",
                "Measurable targets are set for selected key services of the district, the "
                "so-called W products. This makes visible in the budget what contributes to "
                "the development of the population.",
            ),
        ),
    ),
    goal(
        "3",
        "Der Landkreis versteht sich als moderner Dienstleister!",
        "The district sees itself as a modern service provider!",
        "Die Kreisverwaltung will ihre Leistungen verlässlich, freundlich und wirtschaftlich "
        "erbringen. Bürgerinnen, Bürger und Kommunen sollen sie als Partnerin erleben.",
        "The district administration wants to provide its services reliably, courteously and "
        "economically. Residents and municipalities should experience it as a partner.",
        "Die Kreis-Verwaltung arbeitet für die Menschen. "
        "Sie soll schnell und freundlich helfen. "
        "Sie soll gut mit dem Geld umgehen.",
        children=(
            goal(
                "3.1",
                "Stabilisierung der finanziellen Lage",
                "Stabilising the financial situation",
                "Der Kreishaushalt soll auf eine solide Grundlage gestellt werden. Ausgaben und "
                "Einnahmen werden so gesteuert, dass Spielraum für wichtige Vorhaben bleibt.",
                "The district budget is to be put on a sound footing. Spending and income are "
                "managed so that there is room left for important projects.",
            ),
            goal(
                "3.2",
                "Steigerung der Zufriedenheit in der Bürgerschaft",
                "Increasing residents' satisfaction",
                "Wer Leistungen des Landkreises in Anspruch nimmt, soll zufrieden sein. "
                "Regelmäßige Befragungen zeigen, wo es schon gut läuft und wo nachgebessert "
                "werden muss.",
                "Anyone who uses the district's services should be satisfied. Regular surveys "
                "show where things are already going well and where improvements are needed.",
            ),
            goal(
                "3.3",
                "Optimaler Partner für die kreisangehörigen Kommunen",
                "The best possible partner for the municipalities of the district",
                "Landkreis und Kommunen arbeiten eng und vertrauensvoll zusammen. Der Landkreis "
                "übernimmt Aufgaben dort, wo er sie besser erfüllen kann, und unterstützt die "
                "Kommunen bei ihren eigenen.",
                "The district and the municipalities work together closely and with mutual "
                "trust. The district takes on tasks where it can do them better and supports "
                "the municipalities with their own.",
            ),
        ),
    ),
)

COUNTY = DemoProcess(
    slug="landkreis-strategie-2035",
    title={
        "de": "Strategie und Zielsystem 2035 – Landkreis Helmstedt",  # noqa: RUF001
        "en": "Strategy and goal system 2035 – Helmstedt District",  # noqa: RUF001
    },
    summary={
        "de": "Nach einer Bürgerbefragung mit 5.867 Teilnehmenden, Gesprächsrunden in allen "
        "kreisangehörigen Kommunen und sechs Fachworkshops hat der Landkreis drei strategische "
        "Ziele bis 2035 formuliert. Hier finden Sie die Ziele mit ihren Schwerpunkten; in der "
        "folgenden Beteiligungsphase können Sie dazu Stellung nehmen. Dies ist ein "
        "Demo-Verfahren mit Beispieltexten.",
        "en": "After a residents' survey with 5,867 participants, discussion rounds in every "
        "municipality of the district and six expert workshops, the district has set out three "
        "strategic goals to 2035. Here you find the goals with their focus areas; in the "
        "following participation phase you can comment on them. This is a demo process with "
        "sample texts.",
    },
    # The council resolution numbers three "Strategische Ziele" and lists unnamed bullet
    # points below each; those bullets are focal points and roles, not measures, so the
    # second level is "Schwerpunkt". The six "Aktionsräume" are not a level above the goals
    # (goal 1 is about the Aktionsräume themselves, and they get their own strategy cards
    # later), so they do not appear as a level. Measures ("Maßnahme") are announced for
    # later; the third level name is there for them, no demo goal uses it yet.
    level_names=[
        {"de": "Strategisches Ziel", "en": "Strategic goal"},
        {"de": "Schwerpunkt", "en": "Focus"},
        {"de": "Maßnahme", "en": "Measure"},
    ],
    phases=(
        DemoPhase(PhaseKind.INFORMATION, -21, 14),
        DemoPhase(PhaseKind.PARTICIPATION, 14, 56),
        DemoPhase(PhaseKind.EVALUATION, 56, 98),
        DemoPhase(PhaseKind.RESULTS, 98, 182),
    ),
    goals=COUNTY_GOALS,
)

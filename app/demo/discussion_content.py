"""The texts of the demo discussion on HF12: who writes, comments with replies,
offline input and the tendency of the ratings. Loaded by :mod:`app.demo.discussion`.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.comments.models import Channel
from app.participation.models import StakeholderGroup

PSEUDONYMS = (
    "Lena aus Oßweil",
    "Karl M.",
    "Stadtradlerin",
    "Ahmet",
    "Familie Brenner",
    "Jugendgemeinderat Tim",
    "Seniorin Gisela",
    "Pendler aus Eglosheim",
    "Mira K.",
    "Vereinsvorstand TSV",
    "Neubürgerin",
    "Handwerker Jürgen",
    "Studentin Ayla",
    "Grünbühler",
    "Frau Weber",
    "Oliver S.",
    "Elternbeirat Hoheneck",
    "Marta",
)


@dataclass(frozen=True)
class DemoComment:
    goal: str
    author: str  # a pseudonym, or "@buergerin" for the demo citizen's account
    kind: str
    group: StakeholderGroup
    body: str
    replies: tuple[tuple[str, str], ...] = ()  # (author, body)


@dataclass(frozen=True)
class DemoOffline:
    goal: str
    channel: Channel
    label: str
    group: StakeholderGroup
    kind: str
    days_ago: int
    body: str


CITIZEN = StakeholderGroup.CITIZEN
COMMENTS: tuple[DemoComment, ...] = (
    DemoComment(
        "12.2.2",
        "Lena aus Oßweil",
        "suggestion",
        CITIZEN,
        "Bitte den Anwohnerparkausweis komplett online anbieten, mit Bezahlung per "
        "Lastschrift. Im Moment muss man trotzdem noch einmal ins Bürgerbüro.",
        (
            ("Karl M.", "Ja, und bitte auch die Verlängerung automatisch per Mail ankündigen."),
            ("Mira K.", "Das wäre für Schichtarbeitende wie mich eine echte Erleichterung."),
        ),
    ),
    DemoComment(
        "12.2.2",
        "Seniorin Gisela",
        "criticism",
        CITIZEN,
        "Digital ist schön, aber nicht alle haben ein Smartphone. Der persönliche "
        "Termin vor Ort muss erhalten bleiben, auch ohne lange Wartezeiten.",
        (
            (
                "Ahmet",
                "Sehe ich auch so. Vielleicht Sprechstunden in den Stadtteilen, "
                "wo man Hilfe beim Online-Antrag bekommt?",
            ),
        ),
    ),
    DemoComment(
        "12.2.2",
        "Pendler aus Eglosheim",
        "question",
        CITIZEN,
        "Gibt es einen Zeitplan, welche Leistungen bis wann digital verfügbar sind? "
        "Eine Übersicht auf der Webseite würde helfen. Mehr unter www.ozg.de",
    ),
    DemoComment(
        "12.2.2",
        "@buergerin",
        "approval",
        CITIZEN,
        "Gutes Ziel. Wichtig finde ich, dass die Formulare verständlich sind und "
        "nicht einfach das Papierformular als PDF online gestellt wird.",
    ),
    DemoComment(
        "12.2.1",
        "Studentin Ayla",
        "suggestion",
        CITIZEN,
        "Die wichtigsten Informationen sollten auch auf Englisch, Türkisch und "
        "Arabisch verfügbar sein. Viele Neubürger:innen verstehen die Bescheide nicht.",
        (
            (
                "Neubürgerin",
                "Und bitte in Leichter Sprache! Das hilft auch vielen "
                "Menschen, die Deutsch sprechen.",
            ),
        ),
    ),
    DemoComment(
        "12.2.1",
        "Frau Weber",
        "criticism",
        CITIZEN,
        "Servicestandards sind gut, aber wer misst sie? Ich wünsche mir, dass die "
        "Ergebnisse jedes Jahr veröffentlicht werden.",
    ),
    DemoComment(
        "12.5.2",
        "Jugendgemeinderat Tim",
        "suggestion",
        StakeholderGroup.COUNCIL,
        "Die Beteiligungsplattform ist bei Jugendlichen kaum bekannt. Vorschlag: "
        "Aktionen an Schulen und Kurzvideos in sozialen Medien.",
        (
            (
                "Elternbeirat Hoheneck",
                "Die Schulen machen da sicher mit, wenn man sie früh einbindet.",
            ),
        ),
    ),
    DemoComment(
        "12.5.2",
        "Oliver S.",
        "question",
        CITIZEN,
        "Wie wird gemessen, ob die Plattform 50 % der Bürger:innen bekannt ist? Durch "
        "eine repräsentative Befragung?",
    ),
    DemoComment(
        "12.5.3",
        "Vereinsvorstand TSV",
        "approval",
        StakeholderGroup.ORGANISATION,
        "Sehr wichtig. Vereine erreichen viele Menschen, die sich sonst nicht "
        "beteiligen. Bitte Vereine gezielt einladen.",
    ),
    DemoComment(
        "12.5.3",
        "Marta",
        "suggestion",
        CITIZEN,
        "Beteiligung auch abends und am Wochenende anbieten, und mit "
        "Kinderbetreuung. Sonst kommen immer dieselben.",
        (
            (
                "Familie Brenner",
                "Genau das. Mit zwei kleinen Kindern schaffen wir Termine um 17 Uhr nie.",
            ),
        ),
    ),
    DemoComment(
        "12.1.3",
        "Handwerker Jürgen",
        "criticism",
        CITIZEN,
        "Mobiles Arbeiten ist gut, aber die Gebäude der Stadt müssen zuerst saniert "
        "werden. Manche Ämter sind nicht barrierefrei erreichbar.",
    ),
    DemoComment(
        "12.1.1",
        "Stadtradlerin",
        "approval",
        StakeholderGroup.ADMINISTRATION,
        "Als Mitarbeiterin der Verwaltung kann ich sagen: Eine offene Fehlerkultur "
        "fehlt bisher. Gut, dass das Ziel es so klar benennt.",
    ),
    DemoComment(
        "12.3.4",
        "Grünbühler",
        "question",
        CITIZEN,
        "1.000 Euro Pro-Kopf-Verschuldung: gilt das inklusive der Eigenbetriebe? Und "
        "was passiert, wenn die Grenze erreicht ist?",
    ),
    DemoComment(
        "12.4.1",
        "Ahmet",
        "suggestion",
        CITIZEN,
        "Bei der Beschaffung bitte auch regionale Betriebe berücksichtigen, nicht nur "
        "das günstigste Angebot.",
    ),
)

OFFLINE: tuple[DemoOffline, ...] = (
    DemoOffline(
        "12.2.2",
        Channel.WORKSHOP,
        "Teilnehmer:in Workshop Soziales",
        StakeholderGroup.CITIZEN,
        "suggestion",
        9,
        "Im Workshop wurde gewünscht, dass digitale Anträge auch von Beratungsstellen "
        "stellvertretend gestellt werden können.",
    ),
    DemoOffline(
        "12.5.3",
        Channel.LETTER,
        "Brief einer Bürgerin aus der Weststadt",
        StakeholderGroup.CITIZEN,
        "criticism",
        6,
        "Ich habe kein Internet. Bitte informieren Sie auch im Amtsblatt und mit "
        "Aushängen im Stadtteil über Beteiligungsmöglichkeiten.",
    ),
    DemoOffline(
        "12.1.2",
        Channel.EVENT,
        "Stadtteilforum Grünbühl-Sonnenberg",
        StakeholderGroup.CITIZEN,
        "suggestion",
        4,
        "Mehrere Teilnehmende wünschen eine feste Ansprechperson für Anliegen, die "
        "mehrere Fachbereiche betreffen.",
    ),
    DemoOffline(
        "12.3.2",
        Channel.EMAIL,
        "Fraktion im Gemeinderat",
        StakeholderGroup.COUNCIL,
        "question",
        2,
        "Wie wird sichergestellt, dass die Unterhaltung der Infrastruktur bei "
        "knappen Mitteln nicht zuerst gekürzt wird?",
    ),
)

# Mean tendency of the direction rating per goal (1..5); other goals get 3.6.
DIRECTION_TENDENCY = {"12.2.2": 4.3, "12.2.1": 4.1, "12.5.3": 4.0, "12.3.4": 2.9, "12.1.3": 3.4}

"""The demo content `flask demo load` puts into the database.

Two processes modelled on public documents of German local governments (see
``shared/seeds``): the goal codes, titles and figures come from those documents,
every summary, description and easy-language text here is written for the demo.
Content is German (the default language) with English translations.
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


def _goal(
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


# --- (a) City: field of action 12 of an urban development concept ------------

HF12_GOALS = (
    _goal(
        "12",
        "Leistungsfähige und lernende Verwaltung",
        "An efficient administration that keeps learning",
        "Die Stadtverwaltung versteht sich als moderne Arbeitgeberin und als Dienstleisterin "
        "für alle, die in der Stadt leben. Sie sucht für ihre Aufgaben die besten Lösungen und "
        "greift neue Technik und gesellschaftliche Entwicklungen dort auf, wo sie den Menschen "
        "nützen. Ihre Beschäftigten arbeiten über Abteilungsgrenzen hinweg zusammen, wissen, "
        "wofür ihre Arbeit gut ist, und achten in allem, was sie tun, auf Vielfalt, "
        "Gleichbehandlung und Nachhaltigkeit.",
        "The city administration sees itself as a modern employer and as a service provider "
        "for everyone who lives in the city. It looks for the best solutions to its tasks and "
        "takes up new technology and social change where they help people. Its staff work "
        "together across departments, understand what their work is for and respect "
        "diversity, equal treatment and sustainability in everything they do.",
        "Die Stadt-Verwaltung arbeitet für die Menschen in der Stadt. "
        "Sie will gute Lösungen finden. "
        "Dafür nutzt sie auch neue Technik. "
        "Die Mitarbeiter arbeiten gut zusammen. "
        "Alle Menschen werden gleich behandelt.",
        children=(
            _goal(
                "12.1",
                "Zukunftsorientierte Verwaltungsentwicklung vorantreiben",
                "Driving forward-looking development of the administration",
                "Die Verwaltung soll leistungsfähig bleiben und sich stetig weiterentwickeln. "
                "Dazu sucht sie regelmäßig das Gespräch mit Beschäftigten, Politik und "
                "Stadtgesellschaft und entscheidet, welche Anregungen sie aufgreift. Über die "
                "Fortschritte berichtet sie öffentlich.",
                "The administration should stay effective and keep developing. It regularly "
                "talks with staff, the council and the public and decides which suggestions "
                "to take up. It reports publicly on its progress.",
                "Die Verwaltung will immer besser werden. "
                "Dafür spricht sie mit vielen Menschen. "
                "Sie hört sich Ideen an. "
                "Gute Ideen setzt sie um. "
                "In einem Bericht steht, was sich geändert hat.",
                children=(
                    _goal(
                        "12.1.1",
                        "Motivierende Organisationskultur stärken",
                        "Strengthening a motivating organisational culture",
                        "Beschäftigte sollen gern zur Arbeit kommen und wissen, warum ihre "
                        "Aufgaben wichtig sind. Fehler dürfen offen angesprochen werden, und "
                        "Führungskräfte trauen ihren Teams eigene Entscheidungen zu. Neue Formen "
                        "des Austauschs verbinden alle Ebenen der Verwaltung.",
                        "Staff should enjoy coming to work and know why their tasks matter. "
                        "Mistakes can be discussed openly, and managers trust their teams to "
                        "make their own decisions. New ways of sharing ideas connect all levels "
                        "of the administration.",
                    ),
                    _goal(
                        "12.1.2",
                        "Effektive & effiziente Arbeitsstrukturen ausbauen",
                        "Expanding effective and efficient working structures",
                        "Abläufe und Zuständigkeiten werden laufend überprüft und dort "
                        "vereinfacht, wo es hakt. Fachbereiche arbeiten enger zusammen, statt "
                        "Vorgänge hin- und herzureichen. Ein gemeinsamer Standard für "
                        "Projektarbeit hilft dabei.",
                        "Procedures and responsibilities are reviewed continuously and "
                        "simplified where they get stuck. Departments work together more "
                        "closely instead of passing files back and forth. A shared standard for "
                        "project work supports this.",
                    ),
                    _goal(
                        "12.1.3",
                        "Zukunftsfähige Infrastrukturen schaffen",
                        "Creating infrastructure fit for the future",
                        "Gute Arbeit braucht passende Räume und verlässliche Technik. Die "
                        "Arbeitsplätze sind sicher und barrierefrei, und die IT macht es "
                        "möglich, auch unterwegs oder von zu Hause aus zu arbeiten.",
                        "Good work needs suitable rooms and reliable technology. Workplaces are "
                        "safe and accessible, and the IT makes it possible to work on the move "
                        "or from home.",
                    ),
                ),
            ),
            _goal(
                "12.2",
                "Dienstleistungsangebot optimieren",
                "Improving the range of services",
                "Die Stadt bietet die Leistungen an, die die Menschen tatsächlich brauchen, und "
                "verbessert sie fortlaufend. Maßstab ist die Zufriedenheit derer, die die "
                "Angebote nutzen, und derer, die sie erbringen.",
                "The city offers the services people actually need and keeps improving them. "
                "The yardstick is the satisfaction of those who use the services and of those "
                "who provide them.",
                "Die Stadt hilft den Menschen bei vielen Dingen. "
                "Zum Beispiel bei einem neuen Ausweis. "
                "Diese Hilfe soll noch besser werden. "
                "Die Menschen sollen zufrieden sein.",
                children=(
                    _goal(
                        "12.2.1",
                        "Kundenorientierte Servicestandards etablieren",
                        "Establishing customer-focused service standards",
                        "Alle sollen städtische Angebote verstehen und nutzen können, "
                        "unabhängig von Sprache, Herkunft oder Behinderung. Für jede Leistung "
                        "gibt es klare Qualitätsstandards, an denen sich die Stadt messen "
                        "lässt. Rückmeldungen und Beschwerden fließen in die Verbesserung ein.",
                        "Everyone should be able to understand and use the city's services, "
                        "regardless of language, background or disability. Every service has "
                        "clear quality standards against which the city can be measured. "
                        "Feedback and complaints feed into improvements.",
                        "Alle Menschen sollen die Angebote der Stadt nutzen können. "
                        "Auch Menschen mit Behinderung. "
                        "Auch Menschen, die wenig Deutsch sprechen. "
                        "Die Stadt prüft, ob ihre Angebote gut sind. "
                        "Sie können der Stadt sagen, was nicht gut ist.",
                    ),
                    _goal(
                        "12.2.2",
                        "Digitale Angebote ausbauen",
                        "Expanding digital services",
                        "Die Stadt bringt die gesetzlich vorgeschriebenen Leistungen "
                        "fristgerecht online und geht darüber hinaus, wo es sinnvoll ist. Dabei "
                        "nutzt sie Lösungen von Bund und Land mit, statt alles selbst zu "
                        "entwickeln.",
                        "The city puts the services required by law online on time and goes "
                        "further where it makes sense. It shares solutions built by the federal "
                        "and state governments instead of developing everything itself.",
                        "Viele Dinge können Sie bald im Internet erledigen. "
                        "Dann müssen Sie nicht mehr ins Amt gehen. "
                        "Die Stadt macht dafür mehr Angebote im Internet.",
                    ),
                    _goal(
                        "12.2.3",
                        "Abgestimmtes Angebotsportfolio entwickeln",
                        "Developing a coordinated portfolio of services",
                        "Einzelne Leistungen werden nicht für sich allein betrachtet, sondern "
                        "als Teil des gesamten Angebots. Wo sich Angebote ergänzen oder "
                        "überschneiden, stimmt die Stadt sie aufeinander ab.",
                        "Individual services are not looked at in isolation but as part of the "
                        "whole offer. Where services complement or overlap each other, the city "
                        "aligns them.",
                    ),
                ),
            ),
            _goal(
                "12.3",
                "Generationengerecht haushalten",
                "Budgeting fairly between generations",
                "Der Haushalt soll so aufgestellt sein, dass auch künftige Generationen "
                "handlungsfähig bleiben. Straßen, Gebäude und Grünflächen werden gut erhalten, "
                "und die Stadt schöpft Fördermittel so weit wie möglich aus.",
                "The budget should leave future generations room to act. Roads, buildings and "
                "green spaces are kept in good condition, and the city makes full use of "
                "available funding.",
                "Die Stadt hat nur eine bestimmte Menge Geld. "
                "Sie soll gut mit dem Geld umgehen. "
                "Auch in vielen Jahren soll noch genug Geld da sein.",
                children=(
                    _goal(
                        "12.3.1",
                        "Verhältnismäßige Erträge erwirtschaften",
                        "Generating proportionate revenue",
                        "Steuern und Abgaben sollen im Vergleich mit ähnlich großen Städten im "
                        "Land angemessen bleiben. Gebühren richten sich danach, wer eine "
                        "Leistung veranlasst, und städtische Mieten orientieren sich am "
                        "örtlichen Markt.",
                        "Taxes and charges should stay reasonable compared with cities of "
                        "similar size in the state. Fees depend on who causes a service, and "
                        "the city's rents follow the local market.",
                    ),
                    _goal(
                        "12.3.2",
                        "Bedarfsgerechte Steuerung der Aufwendungen",
                        "Managing expenditure according to need",
                        "Ausgaben für Personal und Sachmittel richten sich nach den Aufgaben, "
                        "die die Stadt erfüllen muss. Für den Erhalt der Infrastruktur steht "
                        "genug Geld bereit, und Zuschüsse an Dritte dienen klar kommunalen "
                        "Zwecken.",
                        "Spending on staff and materials follows the tasks the city has to "
                        "fulfil. There is enough money to maintain infrastructure, and grants "
                        "to third parties clearly serve municipal purposes.",
                    ),
                    _goal(
                        "12.3.3",
                        "Investitionen nachhaltig finanzieren",
                        "Financing investments sustainably",
                        "Für neue Vorhaben wirbt die Stadt so viele Fördergelder wie möglich "
                        "ein. Bauprojekte werden zügig, ressourcenschonend und mit Blick auf den "
                        "Klimaschutz umgesetzt.",
                        "For new projects the city raises as much external funding as possible. "
                        "Building projects are carried out quickly, sparing resources and with "
                        "climate protection in mind.",
                    ),
                    _goal(
                        "12.3.4",
                        "Kredite als subsidiäres Finanzierungsinstrument einsetzen",
                        "Using loans only as a secondary source of funding",
                        "Kredite nimmt die Stadt nur auf, wenn andere Wege der Finanzierung "
                        "nicht ausreichen. Die Verschuldung im Kernhaushalt soll 1.000 Euro je "
                        "Einwohnerin und Einwohner nicht übersteigen.",
                        "The city takes out loans only when other ways of financing are not "
                        "enough. Debt in the core budget should not exceed 1,000 euros per "
                        "resident.",
                    ),
                    _goal(
                        "12.3.5",
                        "Verlässliche Liquiditätsreserven schaffen",
                        "Building reliable liquidity reserves",
                        "Die Stadt soll jederzeit zahlungsfähig sein. Dafür hält sie eine "
                        "Mindestreserve vor, die ihre zweckgebundenen Rücklagen abdeckt.",
                        "The city should be able to pay its bills at all times. To this end it "
                        "keeps a minimum reserve that covers its earmarked funds.",
                    ),
                    _goal(
                        "12.3.6",
                        "Beteiligungen bedarfsgerecht ausstatten",
                        "Providing municipal companies with adequate capital",
                        "Unternehmen, an denen die Stadt beteiligt ist, erhalten ausreichend "
                        "Eigenkapital. So bleiben sie wirtschaftlich stabil.",
                        "Companies in which the city holds a stake receive adequate equity. "
                        "This keeps them financially stable.",
                    ),
                ),
            ),
            _goal(
                "12.4",
                "Nachhaltiges Verwaltungshandeln leben",
                "Practising sustainability in the administration",
                "Nachhaltigkeit ist eine Aufgabe der ganzen Verwaltung und wird bei "
                "Entscheidungen mitgedacht. Die Stadt will im Alltag Vorbild sein und zu mehr "
                "Gerechtigkeit zwischen den Generationen und weltweit beitragen.",
                "Sustainability is a task for the whole administration and is taken into "
                "account in decisions. The city wants to set an example in everyday work and "
                "contribute to fairness between generations and around the world.",
                "Die Stadt will die Umwelt schützen. "
                "Sie denkt dabei an die Zukunft. "
                "Sie will ein gutes Vorbild sein.",
                children=(
                    _goal(
                        "12.4.1",
                        "Nachhaltig beschaffen",
                        "Buying sustainably",
                        "Beim Einkauf achtet die Stadt auf faire Arbeitsbedingungen, geringe "
                        "Umweltbelastung und Wiederverwertbarkeit, soweit es wirtschaftlich "
                        "vertretbar ist. Kennzahlen machen sichtbar, wie nachhaltig die "
                        "Beschaffung tatsächlich ist.",
                        "When buying, the city looks for fair working conditions, low "
                        "environmental impact and recyclability, as far as this is economically "
                        "justifiable. Indicators show how sustainable its purchasing really is.",
                    ),
                    _goal(
                        "12.4.2",
                        "Akteursgruppen der Nachhaltigkeit vernetzen",
                        "Connecting groups working on sustainability",
                        "Vereine, Initiativen und Gruppen, die sich für nachhaltige Entwicklung "
                        "einsetzen, sollen leichter zueinanderfinden. Die Stadt unterstützt "
                        "sie dabei, eigene Beiträge zu leisten.",
                        "Associations, initiatives and groups working for sustainable "
                        "development should find each other more easily. The city supports "
                        "them in making their own contributions.",
                    ),
                    _goal(
                        "12.4.3",
                        "Globale Verantwortung leben",
                        "Taking global responsibility",
                        "Städtepartnerschaften stärken Zusammenhalt und Demokratie über Grenzen "
                        "hinweg. Mit Partnerstädten im Globalen Süden führt die Stadt "
                        "gemeinsame Klimaprojekte durch und bezieht Unternehmen, Schulen und "
                        "Zivilgesellschaft ein.",
                        "Town twinning strengthens cohesion and democracy across borders. "
                        "Together with partner cities in the Global South, the city runs joint "
                        "climate projects and involves businesses, schools and civil society.",
                    ),
                    _goal(
                        "12.4.4",
                        "Stadtentwicklungskonzept vorantreiben",
                        "Advancing the urban development concept",
                        "Die Ziele des Stadtentwicklungskonzepts werden regelmäßig "
                        "fortgeschrieben, umgesetzt und überprüft. Beschlussvorlagen zeigen "
                        "künftig, was sie zu diesen Zielen beitragen.",
                        "The goals of the urban development concept are regularly updated, "
                        "implemented and reviewed. In future, council proposals will show what "
                        "they contribute to these goals.",
                    ),
                    _goal(
                        "12.4.5",
                        "Vielfalt stärken",
                        "Strengthening diversity",
                        "Die Stadt fördert Vielfalt in der Verwaltung und in der "
                        "Stadtgesellschaft und kommuniziert ohne Barrieren und Vorurteile. "
                        "Benachteiligte Gruppen werden gezielt unterstützt, und neue Netzwerke "
                        "entstehen gemeinsam mit den Beschäftigten.",
                        "The city promotes diversity in the administration and in society and "
                        "communicates without barriers or prejudice. Disadvantaged groups get "
                        "targeted support, and new networks are built together with staff.",
                    ),
                ),
            ),
            _goal(
                "12.5",
                "Menschen und Institutionen beteiligen",
                "Involving people and institutions",
                "Stadtgesellschaft, Gemeinderat und Verwaltung sollen dauerhaft und auf "
                "Augenhöhe miteinander im Gespräch sein. Beteiligung ist dabei keine Ausnahme, "
                "sondern gelebter Alltag.",
                "The public, the city council and the administration should stay in "
                "conversation with each other as equals. Participation is not an exception but "
                "part of everyday life.",
                "Sie können bei den Plänen der Stadt mitreden. "
                "Die Stadt fragt Sie nach Ihrer Meinung. "
                "Auch der Gemeinde-Rat hört zu.",
                children=(
                    _goal(
                        "12.5.1",
                        "Leitlinien umsetzen und weiterentwickeln",
                        "Applying and developing the participation guidelines",
                        "Leitlinien für Bürgerbeteiligung geben allen Beteiligten Orientierung "
                        "und sichern die Qualität der Verfahren. Sie werden in echten "
                        "Beteiligungsprozessen angewendet und mit den gewonnenen Erfahrungen "
                        "weiterentwickelt.",
                        "Guidelines for public participation give everyone involved orientation "
                        "and ensure the quality of the procedures. They are applied in real "
                        "participation processes and refined with the experience gained.",
                    ),
                    _goal(
                        "12.5.2",
                        "Formate und Werkzeuge einsetzen",
                        "Using formats and tools",
                        "Die Beschäftigten nutzen analoge, hybride und digitale Formate, um "
                        "Menschen zu beteiligen. Die städtische Beteiligungsplattform soll als "
                        "zentrale Anlaufstelle für Informationen breit bekannt werden.",
                        "Staff use analogue, hybrid and digital formats to involve people. The "
                        "city's participation platform should become widely known as the "
                        "central place for information.",
                        "Sie können auf verschiedene Arten mitmachen. "
                        "Zum Beispiel bei einem Treffen. "
                        "Oder im Internet. "
                        "Die Stadt hat dafür eine Internet-Seite. "
                        "Viele Menschen sollen diese Seite kennen.",
                    ),
                    _goal(
                        "12.5.3",
                        "Vielfalt in der Partizipation ermöglichen",
                        "Enabling diversity in participation",
                        "Alle Menschen in der Stadt sollen sich an der Stadtentwicklung "
                        "beteiligen können. Wer mitmacht, soll die Vielfalt der Stadtgesellschaft "
                        "abbilden; Gruppen, die selten gehört werden, spricht die Stadt gezielt "
                        "an.",
                        "Everyone in the city should be able to take part in urban development. "
                        "Those who take part should reflect the diversity of the city; groups "
                        "that are rarely heard are approached specifically.",
                        "Alle Menschen sollen mitreden können. "
                        "Egal, wie alt sie sind. "
                        "Egal, woher sie kommen. "
                        "Die Stadt fragt besonders die Menschen, die sonst selten gefragt werden.",
                    ),
                ),
            ),
        ),
    ),
)

HF12 = DemoProcess(
    slug="hf12-verwaltung",
    with_discussion=True,
    title={
        "de": "Stadtentwicklungskonzept – Handlungsfeld 12 Leistungsfähige und lernende Verwaltung",  # noqa: RUF001
        "en": "Urban development concept – Field of action 12: "  # noqa: RUF001
        "An efficient administration that keeps learning",
    },
    summary={
        "de": "Die Stadtverwaltung hat die Ziele für ihr eigenes Handlungsfeld neu geordnet: "
        "ein Leitsatz, fünf strategische und zwanzig operative Ziele. Sagen Sie uns, ob die "
        "Ziele verständlich sind, was Ihnen wichtig ist und was fehlt. Dies ist ein "
        "Demo-Verfahren mit Beispieltexten.",
        "en": "The city administration has reorganised the goals for its own field of action: "
        "a guiding principle, five strategic and twenty operative goals. Tell us whether the "
        "goals are clear, what matters to you and what is missing. This is a demo process "
        "with sample texts.",
    },
    level_names=[
        {"de": "Handlungsfeld", "en": "Field of action"},
        {"de": "Strategisches Ziel", "en": "Strategic goal"},
        {"de": "Operatives Ziel", "en": "Operative goal"},
    ],
    phases=(
        DemoPhase(PhaseKind.INFORMATION, -56, -14),
        DemoPhase(PhaseKind.PARTICIPATION, -14, 42),
        DemoPhase(PhaseKind.EVALUATION, 42, 84),
        DemoPhase(PhaseKind.RESULTS, 84, 168),
    ),
    goals=HF12_GOALS,
)


# --- (b) County: strategic goals to 2035 -------------------------------------

COUNTY_GOALS = (
    _goal(
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
            _goal(
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
            _goal(
                "1.2",
                "Ratgeber für die kreisangehörigen Kommunen",
                "Adviser to the municipalities of the district",
                "Der Landkreis berät Städte und Gemeinden, wenn sie Vorhaben in den "
                "Aktionsräumen angehen. Er vermittelt Wissen, Kontakte und Fördermöglichkeiten.",
                "The district advises towns and municipalities when they take on projects in "
                "the action areas. It passes on knowledge, contacts and funding opportunities.",
            ),
            _goal(
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
    _goal(
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
            _goal(
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
            _goal(
                "2.2",
                "Im Wettbewerb um Menschen bestehen",
                "Holding our own in the competition for people",
                "Viele Regionen werben um Zuzug und um Fachkräfte. Der Landkreis will mit guter "
                "Lebensqualität, bezahlbarem Wohnraum und verlässlichen Angeboten überzeugen.",
                "Many regions compete for new residents and skilled workers. The district "
                "wants to win them over with a good quality of life, affordable housing and "
                "reliable services.",
            ),
            _goal(
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
    _goal(
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
            _goal(
                "3.1",
                "Stabilisierung der finanziellen Lage",
                "Stabilising the financial situation",
                "Der Kreishaushalt soll auf eine solide Grundlage gestellt werden. Ausgaben und "
                "Einnahmen werden so gesteuert, dass Spielraum für wichtige Vorhaben bleibt.",
                "The district budget is to be put on a sound footing. Spending and income are "
                "managed so that there is room left for important projects.",
            ),
            _goal(
                "3.2",
                "Steigerung der Zufriedenheit in der Bürgerschaft",
                "Increasing residents' satisfaction",
                "Wer Leistungen des Landkreises in Anspruch nimmt, soll zufrieden sein. "
                "Regelmäßige Befragungen zeigen, wo es schon gut läuft und wo nachgebessert "
                "werden muss.",
                "Anyone who uses the district's services should be satisfied. Regular surveys "
                "show where things are already going well and where improvements are needed.",
            ),
            _goal(
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

PROCESSES: tuple[DemoProcess, ...] = (HF12, COUNTY)

"""Demo process (a), a city: field of action 12 of an urban development concept."""

from __future__ import annotations

from app.demo.content import DemoPhase, DemoProcess, goal
from app.processes.models import PhaseKind

HF12_GOALS = (
    goal(
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
            goal(
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
                    goal(
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
                    goal(
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
                    goal(
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
            goal(
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
                    goal(
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
                    goal(
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
                    goal(
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
            goal(
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
                    goal(
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
                    goal(
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
                    goal(
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
                    goal(
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
                    goal(
                        "12.3.5",
                        "Verlässliche Liquiditätsreserven schaffen",
                        "Building reliable liquidity reserves",
                        "Die Stadt soll jederzeit zahlungsfähig sein. Dafür hält sie eine "
                        "Mindestreserve vor, die ihre zweckgebundenen Rücklagen abdeckt.",
                        "The city should be able to pay its bills at all times. To this end it "
                        "keeps a minimum reserve that covers its earmarked funds.",
                    ),
                    goal(
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
            goal(
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
                    goal(
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
                    goal(
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
                    goal(
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
                    goal(
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
                    goal(
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
            goal(
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
                    goal(
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
                    goal(
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
                    goal(
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

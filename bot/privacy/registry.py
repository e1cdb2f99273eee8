"""Every table and column: what it holds, why, who sees it, how long it is kept and what
erasure does with it, in Dutch and English. The one source of the privacy report, the
works council's "what the system records and who sees it", erasure and the retention test.

One entry per table; each column is either described (it holds personal data, or data that
points at a person) or listed as technical. Whether a column is sealed is read from its
type in the models (`sealed_columns`), so the registry cannot claim what the code does not
do. A test walks every table of the models and the migrated database and fails when a
column is in neither list, so a new column cannot reach production without a description.

"Who sees it" names who can read the table's content through the product: the chat, the
admin console, the reports. What holds for every table (health, sharing, operators) is said
once, in SEEN_BY_NOTE, which both reports print.

Long because it is data: one entry per table, read as a whole by everything above.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from bot.config import RetentionSettings
from bot.privacy.keys import sealed_columns
from dialogs.messages import Locale

# (nl, en), as in every catalog.
Words = tuple[str, str]


def say(words: Words, locale: Locale) -> str:
    return words[0] if locale == "nl" else words[1]


class Audience(Enum):
    """Who can see a table's content, in the words both reports use."""

    EMPLOYEE = ("de medewerker", "the employee")
    MANAGER = ("de leidinggevende", "the manager")
    AGENCY = ("de contactpersoon van het uitzendbureau", "the agency's contact")
    HR = ("HR", "HR")
    # The HR figures and the works council's overview: no figure about a small group.
    FIGURES = (
        "HR en de ondernemingsraad, alleen in groepscijfers",
        "HR and the works council, in group figures only",
    )
    NOBODY = ("niemand (technisch)", "nobody (technical)")


@dataclass(frozen=True)
class Sight:
    """One audience, and what of the table it sees and where (None: all of it)."""

    who: Audience
    what: Words | None = None

    def text(self, locale: Locale) -> str:
        who = say(self.who.value, locale)
        return f"{who} ({say(self.what, locale)})" if self.what else who


SEEN_BY_NOTE: Words = (
    "Gezondheidsantwoorden zijn altijd alleen voor de medewerker zelf. Leidinggevenden zien "
    "alleen wat een medewerker deelt; HR en de ondernemingsraad zien antwoorden alleen als "
    "groepscijfers. Cijfers over individuen (wie niet antwoordde, antwoordtijden) staan "
    "standaard uit. Beheerders met toegang tot de database of de opdrachtregel kunnen elke rij "
    "lezen; versleutelde waarden blijven onleesbaar zonder de sleutel.",
    "Health answers are always for the employee alone. Managers see only what an employee "
    "shares; HR and the works council see answers only as group figures. Figures about "
    "individuals (who did not answer, answer times) are off by default. Operators with access "
    "to the database or the command line can read every row; sealed values stay unreadable "
    "without the data key.",
)

# Retention kinds, matched with RetentionSettings in the report.
RETAIN_ANSWERS = "answers"
RETAIN_TOPICS = "topics"
RETAIN_MESSAGES = "messages"
RETAIN_EVENTS = "events"
RETAIN_PERSON = "person"  # until the person is erased (own request, HR, or leaver period)
RETAIN_AGREEMENT = "agreement"  # with the parties: erased with either party's data
RETAIN_INSTALL = "install"  # as long as the chat platform installation exists
RETAIN_CONFIG = "config"  # configuration, not about people
# The kinds with a period in days (the settings' RETAIN_*_DAYS); the others last as long as
# a person, an agreement, an installation or the configuration.
TIMED = frozenset({RETAIN_ANSWERS, RETAIN_TOPICS, RETAIN_MESSAGES, RETAIN_EVENTS})

# What erasing a person does with the table's rows about them.
ERASE_DELETE = "delete"  # every row that points at the person goes
ERASE_ANONYMISE = "anonymise"  # the row stays, the person's values are cleared
ERASE_TOMBSTONE = "tombstone"  # the row stays for the other party, its texts replaced
ERASE_UNLINK = "unlink"  # the row stays, the person is taken out of it
ERASE_NONE = "none"  # about no person
# Rows erasure keeps (changed, not deleted).
KEPT_ON_ERASURE = frozenset({ERASE_ANONYMISE, ERASE_TOMBSTONE, ERASE_UNLINK})


@dataclass(frozen=True)
class TableEntry:
    holds: Words
    purpose: Words
    seen_by: tuple[Sight, ...]
    retention: str
    erasure: str
    # Column name -> what it holds (personal, or identifying a person).
    personal: dict[str, Words] = field(default_factory=dict)
    # Columns with no personal content: keys, states, counters, times of technical events.
    technical: frozenset[str] = frozenset()

    def seen_by_text(self, locale: Locale) -> str:
        return "; ".join(sight.text(locale) for sight in self.seen_by)


def _tech(*names: str) -> frozenset[str]:
    return frozenset(names)


EMPLOYEE = Sight(Audience.EMPLOYEE)
MANAGER = Sight(Audience.MANAGER)
NOBODY = Sight(Audience.NOBODY)
FIGURES = Sight(Audience.FIGURES)
OWN = ("eigen gegevens", "their own")

REGISTRY: dict[str, TableEntry] = {
    "departments": TableEntry(
        ("Namen van afdelingen", "Department names"),
        (
            "Mensen groeperen voor groepscijfers en voor wie een check-in krijgt.",
            "Group people for group figures and check-in audiences.",
        ),
        (
            Sight(
                Audience.EMPLOYEE, ("de eigen afdeling, in de export", "their own, in the export")
            ),
            Sight(
                Audience.HR,
                ("personenlijst in de beheeromgeving", "the people page of the console"),
            ),
            Sight(Audience.FIGURES, ("als naam van een groep", "as the name of a group")),
        ),
        RETAIN_CONFIG,
        ERASE_NONE,
        technical=_tech("id", "name"),
    ),
    "people": TableEntry(
        (
            "Naam, e-mail, leidinggevende, afdeling, taal, tijdzone, beoordelingsmaand, "
            "dienstverband, chataccount",
            "Name, email, manager, department, language, time zone, review month, "
            "employment, chat account",
        ),
        (
            "Wie meedoet, wie wiens leidinggevende is, en hoe ze te bereiken zijn.",
            "Who takes part, who manages whom, and how to reach them.",
        ),
        (
            Sight(Audience.EMPLOYEE, OWN),
            Sight(
                Audience.MANAGER,
                ("namen van de eigen medewerkers", "the names of their own reports"),
            ),
            Sight(
                Audience.HR,
                ("personenlijst in de beheeromgeving", "the people page of the console"),
            ),
            Sight(Audience.FIGURES, ("aantallen per dienstverband", "counts by employment")),
        ),
        RETAIN_PERSON,
        ERASE_ANONYMISE,
        personal={
            "email": (
                "e-mailadres op het werk (wijst de persoon aan)",
                "work email address (identifies the person)",
            ),
            "name": ("volledige naam", "full name"),
            "manager_id": ("wie de leidinggevende is", "who their manager is"),
            "department_id": ("de afdeling", "their department"),
            "locale": ("voorkeurstaal", "preferred language"),
            "timezone": ("tijdzone", "time zone"),
            "slack_user_id": ("Slack-account", "Slack account id"),
            "teams_user_id": ("Microsoft Teams-account", "Microsoft Teams account id"),
            "is_hr": ("of iemand HR-beheerder is", "whether they are an HR administrator"),
            "review_month": ("maand van het jaargesprek", "month of their annual review"),
            "working_days": (
                "werkdagen (deeltijdpatroon)",
                "their working days (part-time pattern)",
            ),
            "employment": (
                "vast, tijdelijk of via een uitzendbureau",
                "permanent, temporary or through an agency",
            ),
            "agency": (
                "het uitzendbureau (uitzendkrachten)",
                "the agency they work through (agency workers)",
            ),
            "agency_contact_email": (
                "e-mailadres van de contactpersoon bij het bureau, die partij is bij de "
                "afspraken over loon en contract",
                "their agency contact's e-mail address, who is party to the pay and contract "
                "terms of their agreements",
            ),
            "paused_until": (
                "check-ins gepauzeerd tot deze datum (bijv. verlof)",
                "check-ins paused until this date (e.g. leave)",
            ),
            "active": (
                "of iemand nog meedoet (niet bij vertrek)",
                "whether they still take part (false for leavers)",
            ),
            "left_at": (
                "wanneer iemand vertrok (een volledige import noemde hem niet meer); de "
                "gegevens gaan een bewaartermijn later weg",
                "when they left the organisation (a full org import no longer listed them); "
                "their data is erased a retention period later",
            ),
            "erased_at": ("wanneer de gegevens gewist zijn", "when their data was erased"),
        },
        technical=_tech("id", "created_at", "updated_at"),
    ),
    "schedules": TableEntry(
        ("Welke check-ins wanneer naar wie gaan", "Which check-ins go to whom and when"),
        (
            "Wanneer welke check-ins gevraagd worden, en aan wie (per afdeling of e-mail).",
            "When which check-ins are asked, and of whom (by department or email).",
        ),
        (
            Sight(
                Audience.HR,
                ("schema's in de beheeromgeving", "the schedules page of the console"),
            ),
        ),
        RETAIN_CONFIG,
        ERASE_UNLINK,
        personal={
            "audience": (
                "kan e-mailadressen noemen van wie gevraagd wordt",
                "may list email addresses of the people asked",
            )
        },
        technical=_tech(
            "id",
            "theme",
            "cadence",
            "day",
            "time",
            "timezone",
            "locale",
            "working_days",
            "grace_minutes",
            "remind_minutes",
            "holidays",
            "on_day_off",
            "active",
            "active_from",
            "updated_at",
        ),
    ),
    "checkin_occurrences": TableEntry(
        (
            "Geplande en gehouden check-ins en hun status",
            "Planned and held check-ins and their status",
        ),
        (
            "Eén check-in aan één persoon: wanneer, en of hij beantwoord en gedeeld is.",
            "One check-in asked of one person: when, and whether it was answered and shared.",
        ),
        (
            Sight(Audience.EMPLOYEE, OWN),
            Sight(
                Audience.MANAGER,
                (
                    "wie antwoordde en hoe snel, alleen als cijfers over individuen aan "
                    "staan (standaard uit)",
                    "who answered and how fast, only when figures about individuals are "
                    "switched on (off by default)",
                ),
            ),
            Sight(Audience.FIGURES, ("deelname", "participation")),
        ),
        RETAIN_ANSWERS,
        ERASE_DELETE,
        personal={
            "person_id": ("wie gevraagd werd", "who was asked"),
            "status": (
                "of iemand antwoordde, oversloeg of stopte",
                "whether they answered, skipped or stopped",
            ),
            "shared": (
                "of de antwoorden met de leidinggevende gedeeld zijn",
                "whether they shared the answers with their manager",
            ),
            "due_at": ("wanneer gevraagd", "when it was asked"),
            "opened_at": ("wanneer iemand begon te antwoorden", "when they started answering"),
            "closed_at": ("wanneer klaar", "when they finished"),
            "snoozed_until": (
                "wanneer iemand herinnerd wilde worden",
                "when they asked to be reminded",
            ),
            "asked": (
                "of het een eigen vraag was of meekwam na een andere check-in",
                "whether it was a prompt of its own or came right after another check-in",
            ),
        },
        technical=_tech(
            "id",
            "schedule_id",
            "period",
            "theme",
            "expires_at",
            "remind_at",
            "question_ids",
            "position",
            "created_at",
        ),
    ),
    "answers": TableEntry(
        (
            "Antwoorden op check-invragen met hun zichtbaarheid",
            "Answers to check-in questions with their visibility",
        ),
        (
            "De antwoorden van de persoon. Gezondheidsantwoorden zijn alleen voor de "
            "medewerker; andere antwoorden bereiken de leidinggevende alleen als ze gedeeld "
            "zijn, en groepscijfers pas vanaf 5 mensen (scores) of 10 (vrije tekst).",
            "The person's answers. Health answers are private to the employee; other answers "
            "reach the manager only when shared, and group figures only from 5 people (scores) "
            "or 10 people (free text).",
        ),
        (
            Sight(Audience.EMPLOYEE, OWN),
            Sight(
                Audience.MANAGER,
                (
                    "alleen gedeelde antwoorden, nooit over gezondheid",
                    "shared answers only, never about health",
                ),
            ),
            Sight(Audience.FIGURES, ("nooit over gezondheid", "never about health")),
        ),
        RETAIN_ANSWERS,
        ERASE_DELETE,
        personal={
            "person_id": ("wie antwoordde", "who answered"),
            "value": (
                "het antwoord (versleuteld bij vrije tekst en elk gezondheidsantwoord; "
                "schaal- en keuzeantwoorden op andere vragen blijven telbaar)",
                "the answer (sealed for free text and every health answer; scale and choice "
                "answers of non-health questions stay countable)",
            ),
            "visibility": (
                "privé, gedeeld of alleen in groepscijfers",
                "private, shared or aggregate",
            ),
            "answered_at": ("wanneer", "when"),
        },
        technical=_tech("id", "occurrence_id", "question_id", "theme", "topic", "kind"),
    ),
    "topics": TableEntry(
        ("Onderwerpen die iemand wil bespreken", "Topics someone wants to discuss"),
        (
            "Wat een medewerker met de leidinggevende wil bespreken.",
            "Things an employee wants to discuss with their manager.",
        ),
        (
            Sight(Audience.EMPLOYEE, OWN),
            MANAGER,
            Sight(Audience.FIGURES, ("aantallen, vanaf 10 mensen", "counts, from 10 people")),
        ),
        RETAIN_TOPICS,
        ERASE_DELETE,
        personal={
            "person_id": ("wie het inbracht", "who raised it"),
            "text": ("het onderwerp, in eigen woorden", "the topic, in their words"),
            "raised_at": ("wanneer", "when"),
        },
        technical=_tech("id", "status"),
    ),
    "outbox": TableEntry(
        (
            "Berichten die de bot uit zichzelf stuurt en die nog verstuurd moeten worden "
            "(inhoud versleuteld, daarna leeg)",
            "Messages the bot sends on its own, waiting to be sent (content sealed, emptied "
            "once sent)",
        ),
        (
            "Alles wat de bot uit zichzelf stuurt (check-ins en herinneringen, berichten over "
            "afspraken, opvolgvragen, overzichten, gespreksvoorbereidingen, gespreksnotities, "
            "uitnodigingen, berichten over een blijvende verandering in antwoorden) tot het "
            "verstuurd is, en of het aankwam.",
            "Everything the bot sends on its own (check-in prompts and reminders, agreement "
            "notices, follow-up questions, digests, review briefs, conversation notes, "
            "invitations, notes about a lasting change in their answers) waiting to be sent, "
            "and the record of their delivery.",
        ),
        (NOBODY,),
        RETAIN_MESSAGES,
        ERASE_DELETE,
        personal={
            "person_id": ("de ontvanger", "the recipient"),
            "payload": (
                "wat een bericht zegt tot het bezorgd is (versleuteld; kan gedeelde antwoorden, "
                "notities en opmerkingen citeren); leeg zodra bezorgd of vervallen",
                "what a notice says until it is delivered (sealed; may quote shared answers, "
                "notes and comments); emptied once delivered or dropped",
            ),
            "agreement_id": (
                "de afspraak waar een bericht over gaat",
                "the agreement a notice is about",
            ),
            "followup_id": (
                "de opvolgvraag die gesteld wordt",
                "the agreement follow-up a question asks",
            ),
            "conversation_id": (
                "het gesprek waar een notitie over gaat",
                "the logged conversation a note is about",
            ),
            "recipient_email": (
                "de contactpersoon van het bureau die een e-mail krijgt",
                "the agency contact an e-mail goes to (kind mail)",
            ),
            "message_ref": (
                "waar het bericht in de chat staat",
                "where the message is in their chat (channel and message id)",
            ),
            "sent_at": ("wanneer het aankwam", "when it reached them"),
        },
        technical=_tech(
            "id",
            "occurrence_id",
            "kind",
            "key",
            "status",
            "attempts",
            "next_attempt_at",
            "expires_at",
            "last_error",
            "platform",
            "created_at",
            "claimed_by",
        ),
    ),
    "processed_events": TableEntry(
        ("Nummers van al verwerkte chatberichten", "Ids of chat events already handled"),
        (
            "Zodat een herhaald bericht van het chatplatform maar één keer telt.",
            "So a retried delivery from the chat platform counts once.",
        ),
        (NOBODY,),
        RETAIN_EVENTS,
        ERASE_NONE,
        technical=_tech("platform", "event_id", "received_at"),
    ),
    "teams_conversations": TableEntry(
        (
            "Het Teams-gesprek met een persoon",
            "The Teams conversation with a person",
        ),
        (
            "Zodat de bot als eerste kan schrijven.",
            "So the bot can write to them first.",
        ),
        (NOBODY,),
        RETAIN_PERSON,
        ERASE_DELETE,
        personal={
            "user_id": ("Teams-account", "Teams account id"),
            "aad_object_id": ("Entra (Azure AD) object-id", "Entra (Azure AD) object id"),
            "reference": (
                "de gespreksverwijzing (met de weergavenaam)",
                "the conversation reference (includes the display name)",
            ),
        },
        technical=_tech("updated_at"),
    ),
    "agreements": TableEntry(
        (
            "Afspraken van het derde contract en hun status",
            "Third-contract agreements and their status",
        ),
        (
            "Afspraken (het derde contract) tussen een medewerker en de leidinggevende.",
            "Agreements (the third contract) between an employee and their manager.",
        ),
        (
            EMPLOYEE,
            MANAGER,
            Sight(
                Audience.HR,
                (
                    "het transparantieregister: aantallen per onderwerp en status, zonder namen",
                    "the transparency register: counts by topic and status, no names",
                ),
            ),
            FIGURES,
        ),
        RETAIN_AGREEMENT,
        ERASE_TOMBSTONE,
        personal={
            "employee_id": ("de medewerker", "the employee"),
            "manager_id": ("de leidinggevende", "the manager"),
            "drafter_id": ("wie het opstelde", "who drafted it"),
            "status": ("hoe ver de onderhandeling is", "where the negotiation stands"),
            "category": ("waar het over gaat", "what it is about"),
            "is_i_deal": (
                "of het een individuele afspraak (i-deal) is",
                "whether it is an individual arrangement",
            ),
            "signed_at": ("wanneer beiden tekenden", "when both signed"),
            "close_reason": (
                "waarom afgesloten, in eigen woorden (versleuteld)",
                "why it was closed, in their words (sealed)",
            ),
            "closed_by_id": ("wie het afsloot", "who closed it"),
            "party_erased_at": (
                "wanneer de gegevens van een partij gewist zijn (de rij is een grafsteen)",
                "when one party's data was erased (the row is a tombstone)",
            ),
            "agency": (
                "het uitzendbureau bij de afspraak van een uitzendkracht",
                "the agency of an agency worker's agreement",
            ),
            "agency_contact_email": (
                "de contactpersoon van het bureau, partij bij loon en contract",
                "the agency contact who is party to its pay and contract terms",
            ),
        },
        technical=_tech(
            "id",
            "drafter_role",
            "year",
            "cadence",
            "current_version",
            "accepted_version",
            "signed_version",
            "next_follow_up_on",
            "closed_at",
            "created_at",
            "updated_at",
        ),
    ),
    "agreement_versions": TableEntry(
        ("Elke versie van de tekst van een afspraak", "Every version of an agreement's text"),
        (
            "Elke formulering van een afspraak, zoals een partij haar schreef.",
            "Every wording of an agreement, as one party wrote it.",
        ),
        (
            EMPLOYEE,
            MANAGER,
            Sight(
                Audience.AGENCY,
                (
                    "bij een uitzendkracht: alleen de voorwaarden van het bureau",
                    "of an agency worker: only the terms that are the agency's",
                ),
            ),
            Sight(
                Audience.HR,
                (
                    "redenen voor i-deals zonder namen, vanaf 10 mensen",
                    "i-deal reasons without names, from 10 people",
                ),
            ),
            Sight(Audience.FIGURES, ("i-deals met uitleg", "i-deals with a reason")),
        ),
        RETAIN_AGREEMENT,
        ERASE_TOMBSTONE,
        personal={
            "author_id": ("wie deze versie schreef", "who wrote this version"),
            "text": ("de tekst van de afspraak (versleuteld)", "the agreement text (sealed)"),
            "i_deal_rationale": (
                "waarom een individuele afspraak eerlijk is (versleuteld)",
                "why an individual arrangement is fair (sealed)",
            ),
            "is_i_deal": (
                "of het een individuele afspraak is",
                "whether it is an individual arrangement",
            ),
            "category": ("waar het over gaat", "what it is about"),
            "terms": (
                "de tekst in voorwaarden, elk met wiens het is (versleuteld)",
                "the text split into terms, each naming whose it is (sealed)",
            ),
        },
        technical=_tech(
            "id",
            "agreement_id",
            "number",
            "start_date",
            "review_date",
            "cadence",
            "created_at",
        ),
    ),
    "agreement_signatures": TableEntry(
        ("Wie welke versie wanneer ondertekende", "Who signed which version when"),
        ("Het bewijs dat beide partijen tekenden.", "The proof that both parties signed."),
        (EMPLOYEE, MANAGER),
        RETAIN_AGREEMENT,
        ERASE_DELETE,
        personal={"signer_id": ("wie tekende", "who signed"), "signed_at": ("wanneer", "when")},
        technical=_tech("id", "agreement_id", "version", "role"),
    ),
    "agency_requests": TableEntry(
        (
            "Wat een uitzendbureau per e-mail gevraagd is (tekenen, opvolging) en zijn antwoord",
            "What an agency was asked by e-mail (to sign, a follow-up) and its answer",
        ),
        (
            "Wat de afspraak van een uitzendkracht per e-mail vraagt van de contactpersoon: "
            "een versie tekenen of een opvolgvraag beantwoorden; de eenmalige link wordt "
            "alleen als hash bewaard.",
            "What an agency worker's agreement asks of the agency contact by e-mail: to sign "
            "a version, or to answer a follow-up round; the one-time link is kept only as a "
            "hash.",
        ),
        (
            EMPLOYEE,
            MANAGER,
            Sight(Audience.AGENCY, ("wat hem gevraagd is", "what they were asked")),
        ),
        RETAIN_AGREEMENT,
        ERASE_DELETE,
        personal={
            "email": ("e-mailadres van de contactpersoon", "the agency contact's e-mail address"),
            "answer": (
                "getekend, of het antwoord op de opvolgvraag",
                "signed, or their follow-up answer",
            ),
            "answered_at": ("wanneer", "when"),
        },
        technical=_tech(
            "id",
            "agreement_id",
            "kind",
            "version",
            "period",
            "token_hash",
            "expires_at",
            "created_at",
        ),
    ),
    "agreement_comments": TableEntry(
        ("Opmerkingen tijdens het onderhandelen", "Remarks during the negotiation"),
        ("Zodat beide partijen elkaars reactie lezen.", "So each party reads the other's reply."),
        (EMPLOYEE, MANAGER),
        RETAIN_AGREEMENT,
        ERASE_DELETE,
        personal={
            "author_id": ("wie het schreef", "who wrote it"),
            "text": ("de opmerking (versleuteld)", "the remark (sealed)"),
        },
        technical=_tech("id", "agreement_id", "version", "created_at"),
    ),
    "agreement_followups": TableEntry(
        ("Antwoorden op 'loopt deze afspraak?'", "Answers to 'is this agreement on track?'"),
        (
            "Hoe elke partij vindt dat een afspraak nagekomen wordt.",
            "Each party's view of whether an agreement is kept.",
        ),
        (EMPLOYEE, MANAGER, FIGURES),
        RETAIN_AGREEMENT,
        ERASE_DELETE,
        personal={
            "party_id": ("wie antwoordde", "who answered"),
            "answer": (
                "loopt, deels, niet nagekomen, niet meer van belang",
                "on track, partly, not kept, no longer relevant",
            ),
            "comment": ("de toelichting (versleuteld)", "their explanation (sealed)"),
            "answered_at": ("wanneer", "when"),
            "asked_because": (
                "eerder gevraagd omdat een gedeeld check-inantwoord zei dat een afspraak niet "
                "nagekomen werd",
                "asked early because the employee's shared check-in answer said an agreement "
                "was not kept",
            ),
            "asked": (
                "of het los gevraagd werd of aan het eind van een check-in",
                "whether it was asked on its own or at the end of a check-in",
            ),
            "asked_at": ("wanneer gevraagd", "when it was asked"),
        },
        technical=_tech("id", "agreement_id", "role", "period", "due_at", "created_at"),
    ),
    "drift_signals": TableEntry(
        (
            "Een blijvende verandering in iemands gedeelde antwoorden op een vraag, die een "
            "gesprek waard is",
            "A lasting change in someone's shared answers to a question, worth a conversation",
        ),
        (
            "Eerst aan de medewerker verteld, dan in het overzicht van de leidinggevende tot "
            "de antwoorden terug zijn of ze gesproken hebben. Alleen uit gedeelde antwoorden, "
            "nooit over gezondheid.",
            "Told to the employee first, then shown in their manager's digest until the "
            "answers return or the two have talked. Built from shared, non-health answers only.",
        ),
        (
            Sight(Audience.EMPLOYEE, OWN),
            Sight(
                Audience.MANAGER,
                ("nadat de medewerker het gehoord heeft", "once the employee was told"),
            ),
        ),
        RETAIN_ANSWERS,
        ERASE_DELETE,
        personal={
            "person_id": ("wiens antwoorden veranderden", "whose answers changed"),
            "question_id": ("welke vraag", "which question"),
            "direction": (
                "welke kant de antwoorden op gingen",
                "which way the answers moved (lower or higher)",
            ),
            "baseline": (
                "het gewone niveau van eerdere gedeelde antwoorden (een mediaan)",
                "the usual level of their earlier shared answers (a median)",
            ),
            "since": ("wanneer de verandering begon", "when the change began"),
            "raised_at": ("wanneer ze blijvend werd", "when it became lasting"),
            "shown_at": ("wanneer de medewerker het zag", "when they saw it in their home view"),
            "ended_at": ("wanneer de antwoorden terug waren", "when their answers returned"),
        },
        technical=_tech("id", "theme", "kind", "note_key"),
    ),
    "menus": TableEntry(
        (
            "De laatste vraag die iemand kreeg (versleuteld)",
            "The last question someone was asked (sealed)",
        ),
        (
            "Zodat een getypt nummer die vraag beantwoordt en geen andere; de volgende "
            "vervangt hem.",
            "So a typed number answers that question and nothing else; replaced by the next.",
        ),
        (Sight(Audience.EMPLOYEE, OWN),),
        RETAIN_PERSON,
        ERASE_DELETE,
        personal={
            "person_id": ("wie gevraagd werd", "who was asked"),
            "message": (
                "de vraag en de keuzes, die eigen onderwerpen kunnen noemen (versleuteld)",
                "the question and its options, which may quote their topics (sealed)",
            ),
            "shown_at": ("wanneer getoond", "when it was shown"),
        },
        technical=_tech("token", "occurrence_id"),
    ),
    "agreement_dialogs": TableEntry(
        (
            "Waar iemand mee bezig is in een gesprek met de bot (versleuteld)",
            "What someone is in the middle of with the bot (sealed)",
        ),
        (
            "Zodat een herstart een half geschreven afspraak of antwoord niet kwijtraakt.",
            "So a restart resumes a half-written agreement or answer.",
        ),
        (
            Sight(Audience.EMPLOYEE, ("het eigen concept", "their own draft")),
            Sight(Audience.MANAGER, ("het eigen concept", "their own draft")),
        ),
        RETAIN_AGREEMENT,
        ERASE_DELETE,
        personal={
            "person_id": ("wie schrijft", "who is writing"),
            "data": ("het onaf concept (versleuteld)", "the unfinished draft (sealed)"),
        },
        technical=_tech(
            "id",
            "kind",
            "purpose",
            "agreement_id",
            "version",
            "followup_id",
            "step",
            "expires_at",
            "created_at",
            "updated_at",
        ),
    ),
    "slack_installations": TableEntry(
        (
            "Slack-werkruimtes waarin de app staat, met hun tokens",
            "Slack workspaces the app is installed in, with their tokens",
        ),
        (
            "De opslag van slack_sdk, om namens de app te kunnen schrijven.",
            "slack_sdk's store, so the app can write on its own behalf.",
        ),
        (NOBODY,),
        RETAIN_INSTALL,
        ERASE_ANONYMISE,
        personal={
            "user_id": (
                "Slack-account van wie de app installeerde",
                "Slack id of the person who installed the app",
            ),
            "user_token": ("diens token, als gegeven", "their user token, if granted"),
            "user_scopes": ("wat diens token mag", "what their token may do"),
            "user_refresh_token": ("diens vernieuwingstoken", "their refresh token"),
            "user_token_expires_at": ("wanneer dat verloopt", "when it expires"),
        },
        technical=_tech(
            "id",
            "client_id",
            "app_id",
            "enterprise_id",
            "enterprise_name",
            "enterprise_url",
            "team_id",
            "team_name",
            "bot_token",
            "bot_id",
            "bot_user_id",
            "bot_scopes",
            "bot_refresh_token",
            "bot_token_expires_at",
            "incoming_webhook_url",
            "incoming_webhook_channel",
            "incoming_webhook_channel_id",
            "incoming_webhook_configuration_url",
            "is_enterprise_install",
            "token_type",
            "installed_at",
        ),
    ),
    "slack_bots": TableEntry(
        ("Het bottoken per Slack-werkruimte", "The bot token per Slack workspace"),
        ("De opslag van slack_sdk.", "slack_sdk's store."),
        (NOBODY,),
        RETAIN_INSTALL,
        ERASE_NONE,
        technical=_tech(
            "id",
            "client_id",
            "app_id",
            "enterprise_id",
            "enterprise_name",
            "team_id",
            "team_name",
            "bot_token",
            "bot_id",
            "bot_user_id",
            "bot_scopes",
            "bot_refresh_token",
            "bot_token_expires_at",
            "is_enterprise_install",
            "installed_at",
        ),
    ),
    "slack_oauth_states": TableEntry(
        (
            "Eenmalige OAuth-waarden tijdens een installatie",
            "One-use OAuth state values during an installation",
        ),
        (
            "Een installatie veilig afronden (minuten geldig).",
            "Finish an installation safely (valid for minutes).",
        ),
        (NOBODY,),
        RETAIN_INSTALL,
        ERASE_NONE,
        technical=_tech("id", "state", "expire_at"),
    ),
    "dm_channels": TableEntry(
        ("Het Slack-kanaal voor privéberichten per persoon", "The Slack DM channel per person"),
        ("Zodat de bot het maar één keer opent.", "So the bot opens it only once."),
        (NOBODY,),
        RETAIN_PERSON,
        ERASE_DELETE,
        personal={
            "user_id": ("Slack-account", "Slack user id"),
            "channel_id": ("het privékanaal", "the DM channel with them"),
        },
        technical=_tech("updated_at"),
    ),
    "conversations": TableEntry(
        (
            "Dat medewerker en leidinggevende spraken, met een gedeelde notitie (versleuteld), "
            "en of het het jaargesprek was",
            "That employee and manager talked, with a shared note (sealed), and whether it "
            "was the annual review",
        ),
        (
            "Vastgelegd door een van beiden, zodat het gesprek en de afspraken erin terug te "
            "vinden zijn.",
            "Logged by either of them, so the conversation and what it settled can be found again.",
        ),
        (
            EMPLOYEE,
            MANAGER,
            Sight(
                Audience.FIGURES, ("gesprekken en jaargesprekken", "conversations and reviews held")
            ),
        ),
        RETAIN_PERSON,
        ERASE_DELETE,
        personal={
            "employee_id": ("de medewerker", "the employee"),
            "manager_id": ("de leidinggevende", "the manager"),
            "logged_by_id": ("wie het vastlegde", "who logged it"),
            "note": (
                "de gedeelde notitie, in eigen woorden (versleuteld)",
                "the shared note, in their words (sealed)",
            ),
            "is_review": ("of het het jaargesprek was", "whether it was their annual review"),
            "review_confirmed": (
                "of de ander bevestigde dat het jaargesprek plaatsvond",
                "whether the other party confirmed that the review took place",
            ),
            "happened_at": ("wanneer ze spraken", "when they talked"),
            "created_at": ("wanneer vastgelegd", "when it was logged"),
        },
        technical=_tech("id"),
    ),
    "topic_discussions": TableEntry(
        ("Welk onderwerp in welk gesprek besproken is", "Which topic was discussed when"),
        (
            "Zodat een besproken onderwerp van de agenda gaat.",
            "So a discussed topic leaves the agenda.",
        ),
        (EMPLOYEE, MANAGER),
        RETAIN_TOPICS,
        ERASE_DELETE,
        personal={
            "marked_by_id": ("wie het als besproken markeerde", "who marked it discussed"),
            "discussed_at": ("wanneer", "when"),
        },
        technical=_tech("topic_id", "conversation_id"),
    ),
    "review_briefs": TableEntry(
        (
            "Dat de gespreksvoorbereiding van dit jaar verstuurd is",
            "That this year's review brief was sent",
        ),
        (
            "Zodat iedereen hem één keer per jaar krijgt.",
            "So everyone gets it once a year.",
        ),
        (Sight(Audience.FIGURES, ("verstuurde voorbereidingen", "briefs sent")),),
        RETAIN_PERSON,
        ERASE_DELETE,
        personal={
            "person_id": ("de medewerker", "the employee"),
            "manager_id": (
                "de leidinggevende die het andere exemplaar kreeg",
                "the manager who received the other copy",
            ),
            "review_start": (
                "het begin van de maand van het jaargesprek",
                "the start of the person's review month",
            ),
            "sent_at": ("wanneer verstuurd", "when the brief went out"),
            "invited_at": (
                "wanneer beiden uitgenodigd werden voor het nieuwe derde contract",
                "when both were invited to draft the new third contract",
            ),
        },
        technical=_tech("id", "year"),
    ),
    "audit_views": TableEntry(
        (
            "Wie wanneer gegevens van wie inzag, en geweigerde verzoeken",
            "Who viewed whose data when, and refused requests",
        ),
        (
            "Zodat iedereen kan zien wie de eigen gegevens bekeek (overzicht, teamoverzicht, "
            "afspraak, voorbereiding).",
            "So everyone can see who viewed their data (digest, team view, agreement, brief).",
        ),
        (
            Sight(
                Audience.EMPLOYEE,
                (
                    "wie de eigen gegevens inzag, met 'ingezien'",
                    "views of their own data, with 'viewed'",
                ),
            ),
        ),
        RETAIN_PERSON,
        ERASE_DELETE,
        personal={
            "viewer_id": (
                "wie keek (leeg: een beheerder op de opdrachtregel)",
                "who looked (empty: an operator at the command line)",
            ),
            "subject_id": ("wiens gegevens getoond werden", "whose data was shown"),
            "what": ("wat getoond werd, of 'geweigerd'", "what was shown, or 'denied'"),
            "object_id": (
                "welk item (een afspraaknummer, een jaar, een geweigerde actie)",
                "which item (an agreement number, a year, a refused action)",
            ),
            "viewed_at": ("wanneer", "when"),
        },
        technical=_tech("id"),
    ),
    "console_links": TableEntry(
        (
            "Eenmalige aanmeldlinks voor de beheeromgeving (gehasht)",
            "One-time sign-in links to the admin console (hashed)",
        ),
        (
            "HR aanmelden zonder wachtwoord (minuten geldig); gebruikte en verlopen links gaan "
            "weg bij de volgende.",
            "Sign HR in without a password (valid for minutes); spent and expired links are "
            "removed when the next one is issued.",
        ),
        (NOBODY,),
        RETAIN_PERSON,
        ERASE_DELETE,
        personal={
            "person_id": ("voor wie van HR de link was", "the HR person the link was for"),
            "created_at": ("wanneer gevraagd", "when it was asked for"),
            "used_at": ("wanneer gebruikt", "when it was used"),
        },
        technical=_tech("id", "token_hash", "expires_at"),
    ),
    "console_sessions": TableEntry(
        ("Aanmeldsessies op de beheeromgeving (gehasht)", "Admin console sessions (hashed)"),
        (
            "Wie van HR aangemeld is; eindigt bij afmelden of na stilte.",
            "Which HR person is signed in; ended at sign-out or when idle.",
        ),
        (NOBODY,),
        RETAIN_PERSON,
        ERASE_DELETE,
        personal={
            "person_id": ("wie van HR aangemeld is", "the HR person signed in"),
            "created_at": ("wanneer aangemeld", "when they signed in"),
            "last_seen_at": ("het laatste verzoek", "their last request"),
        },
        technical=_tech("id", "token_hash", "csrf_token"),
    ),
    "hr_questions": TableEntry(
        ("Eigen vragen van HR (over niemand)", "HR's own questions (about nobody)"),
        (
            "Vragen die HR aan de check-ins toevoegt; instelling, over geen persoon.",
            "Questions HR adds to the check-ins; configuration, about no person.",
        ),
        (
            Sight(
                Audience.HR,
                ("schrijft ze in de beheeromgeving", "writes them in the console"),
            ),
            Sight(
                Audience.EMPLOYEE,
                ("de vragen die hem gesteld worden", "the questions asked of them"),
            ),
            Sight(Audience.MANAGER, ("naast gedeelde antwoorden", "next to shared answers")),
        ),
        RETAIN_CONFIG,
        ERASE_NONE,
        technical=_tech(
            "id",
            "theme",
            "topic",
            "kind",
            "text_nl",
            "text_en",
            "labels",
            "health",
            "visible_to_manager",
            "created_at",
            "updated_at",
        ),
    ),
    "alembic_version": TableEntry(
        ("De versie van het databaseschema", "The schema version"),
        ("Zodat een upgrade weet waar hij begint.", "So an upgrade knows where to start."),
        (NOBODY,),
        RETAIN_CONFIG,
        ERASE_NONE,
        technical=_tech("version_num"),
    ),
}


def period_days(kind: str, retention: RetentionSettings) -> int:
    """The days a timed kind is kept (0: until erased by hand): the setting the purge
    enforces and the report prints."""
    return {
        RETAIN_ANSWERS: retention.answers_days,
        RETAIN_TOPICS: retention.topics_days,
        RETAIN_MESSAGES: retention.messages_days,
        RETAIN_EVENTS: retention.events_days,
    }[kind]


def sealed() -> frozenset[tuple[str, str]]:
    """(table, column) of every column whose type seals what it stores: read from the
    models, so "sealed or clear" in the reports is what the code does."""
    return frozenset((str(c.table.name), c.name) for c in sealed_columns())


def kept_on_erasure() -> frozenset[str]:
    """Tables whose rows about a person erasure changes instead of deleting."""
    return frozenset(name for name, e in REGISTRY.items() if e.erasure in KEPT_ON_ERASURE)


def undescribed(table: str, columns: list[str]) -> list[str]:
    """The columns of a table that the registry neither describes nor lists as technical."""
    entry = REGISTRY.get(table)
    if entry is None:
        return [f"{table} (whole table)"]
    known = set(entry.personal) | entry.technical
    return [f"{table}.{c}" for c in columns if c not in known]

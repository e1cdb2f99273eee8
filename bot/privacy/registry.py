"""What every table and column holds, why, and who sees it: the source of the privacy report.

One entry per table; each column is either described (it holds personal data, or data that
points at a person) or listed as technical. A test walks every table of the models and the
migrated database and fails when a column is in neither, so a new column cannot reach
production without a privacy description.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Who can see what, in the words of the report.
EMPLOYEE = "the employee"
MANAGER = "the employee's manager"
HR = "HR administrators (operator commands)"
OPERATOR = "operators with database access (sealed values stay unreadable without the key)"
PARTIES = "both parties of the agreement"
NOBODY = "nobody in the chat; operators with database access"

# Retention kinds, matched with RetentionSettings in the report.
RETAIN_ANSWERS = "answers"
RETAIN_TOPICS = "topics"
RETAIN_MESSAGES = "messages"
RETAIN_EVENTS = "events"
RETAIN_PERSON = "person"  # until the person is erased (own request, HR, or leaver period)
RETAIN_AGREEMENT = "agreement"  # with the parties: erased with either party's data
RETAIN_INSTALL = "install"  # as long as the chat platform installation exists
RETAIN_CONFIG = "config"  # configuration, not about people


@dataclass(frozen=True)
class TableEntry:
    purpose: str
    seen_by: tuple[str, ...]
    retention: str
    # Column name -> what it holds (personal, or identifying a person).
    personal: dict[str, str] = field(default_factory=dict)
    # Columns with no personal content: keys, states, counters, times of technical events.
    technical: frozenset[str] = frozenset()


def _tech(*names: str) -> frozenset[str]:
    return frozenset(names)


REGISTRY: dict[str, TableEntry] = {
    "departments": TableEntry(
        "Group people for group figures and check-in audiences.",
        (HR,),
        RETAIN_CONFIG,
        technical=_tech("id", "name"),
    ),
    "people": TableEntry(
        "Who takes part, who manages whom, and how to reach them.",
        (EMPLOYEE, MANAGER, HR),
        RETAIN_PERSON,
        personal={
            "email": "work email address (identifies the person)",
            "name": "full name",
            "manager_id": "who their manager is",
            "department_id": "their department",
            "locale": "preferred language",
            "timezone": "time zone",
            "slack_user_id": "Slack account id",
            "teams_user_id": "Microsoft Teams account id",
            "is_hr": "whether they are an HR administrator",
            "review_month": "month of their annual review",
            "working_days": "their working days (part-time pattern)",
            "employment": "permanent, temporary or through an agency",
            "agency": "the agency they work through (agency workers)",
            "agency_contact_email": "their agency contact's e-mail address, who is party to "
            "the pay and contract terms of their agreements",
            "paused_until": "check-ins paused until this date (e.g. leave)",
            "active": "whether they still take part (false for leavers)",
            "left_at": "when they left the organisation (a full org import no longer listed "
            "them); their data is erased a retention period later",
            "erased_at": "when their data was erased",
        },
        technical=_tech("id", "created_at", "updated_at"),
    ),
    "schedules": TableEntry(
        "When which check-ins are asked, and of whom (by department or email).",
        (HR,),
        RETAIN_CONFIG,
        personal={"audience": "may list email addresses of the people asked"},
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
        "One check-in asked of one person: when, and whether it was answered and shared.",
        (EMPLOYEE, MANAGER),
        RETAIN_ANSWERS,
        personal={
            "person_id": "who was asked",
            "status": "whether they answered, skipped or stopped",
            "shared": "whether they shared the answers with their manager",
            "due_at": "when it was asked",
            "opened_at": "when they started answering",
            "closed_at": "when they finished",
            "snoozed_until": "when they asked to be reminded",
            "asked": "whether it was a prompt of its own or came right after another check-in",
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
        "The person's answers. Health answers are private to the employee; other answers "
        "reach the manager only when shared, and group figures only from 5 people (scores) "
        "or 10 people (free text).",
        (EMPLOYEE, MANAGER + " (shared, non-health answers only)"),
        RETAIN_ANSWERS,
        personal={
            "person_id": "who answered",
            "value": "the answer (sealed for free text and every health answer; scale and "
            "choice answers of non-health questions stay countable)",
            "visibility": "private, shared or aggregate",
            "answered_at": "when",
        },
        technical=_tech("id", "occurrence_id", "question_id", "theme", "topic", "kind"),
    ),
    "topics": TableEntry(
        "Things an employee wants to discuss with their manager.",
        (EMPLOYEE, MANAGER),
        RETAIN_TOPICS,
        personal={
            "person_id": "who raised it",
            "text": "the topic, in their words",
            "raised_at": "when",
        },
        technical=_tech("id", "status"),
    ),
    "outbox": TableEntry(
        "Everything the bot sends on its own (check-in prompts and reminders, agreement "
        "notices, follow-up questions, digests, review briefs, conversation notes, "
        "invitations, notes about a lasting change in their answers) waiting to be sent, "
        "and the record of their delivery.",
        (NOBODY,),
        RETAIN_MESSAGES,
        personal={
            "person_id": "the recipient",
            "payload": "what a notice says until it is delivered (sealed; may quote shared "
            "answers, notes and comments); emptied once delivered or dropped",
            "agreement_id": "the agreement a notice is about",
            "followup_id": "the agreement follow-up a question asks",
            "conversation_id": "the logged conversation a note is about",
            "recipient_email": "the agency contact an e-mail goes to (kind mail)",
            "message_ref": "where the message is in their chat (channel and message id)",
            "sent_at": "when it reached them",
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
        "Chat platform event ids already handled, so a retried delivery counts once.",
        (NOBODY,),
        RETAIN_EVENTS,
        technical=_tech("platform", "event_id", "received_at"),
    ),
    "teams_conversations": TableEntry(
        "The Teams conversation with a person, so the bot can write to them first.",
        (NOBODY,),
        RETAIN_PERSON,
        personal={
            "user_id": "Teams account id",
            "aad_object_id": "Entra (Azure AD) object id",
            "reference": "the conversation reference (includes the display name)",
        },
        technical=_tech("updated_at"),
    ),
    "agreements": TableEntry(
        "Agreements (the third contract) between an employee and their manager.",
        (PARTIES, HR + " (counts and the i-deal register)"),
        RETAIN_AGREEMENT,
        personal={
            "employee_id": "the employee",
            "manager_id": "the manager",
            "drafter_id": "who drafted it",
            "status": "where the negotiation stands",
            "category": "what it is about",
            "is_i_deal": "whether it is an individual arrangement",
            "signed_at": "when both signed",
            "close_reason": "why it was closed, in their words (sealed)",
            "closed_by_id": "who closed it",
            "party_erased_at": "when one party's data was erased (the row is a tombstone)",
            "agency": "the agency of an agency worker's agreement",
            "agency_contact_email": "the agency contact who is party to its pay and contract terms",
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
        "Every wording of an agreement, as one party wrote it.",
        (PARTIES,),
        RETAIN_AGREEMENT,
        personal={
            "author_id": "who wrote this version",
            "text": "the agreement text (sealed)",
            "i_deal_rationale": "why an individual arrangement is fair (sealed)",
            "is_i_deal": "whether it is an individual arrangement",
            "category": "what it is about",
            "terms": "the text split into terms, each naming whose it is (sealed)",
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
        "Who signed which version, and when.",
        (PARTIES,),
        RETAIN_AGREEMENT,
        personal={"signer_id": "who signed", "signed_at": "when"},
        technical=_tech("id", "agreement_id", "version", "role"),
    ),
    "agency_requests": TableEntry(
        "What an agency worker's agreement asks of the agency contact by e-mail: to sign a "
        "version, or to answer a follow-up round; the one-time link is kept only as a hash.",
        (PARTIES, "the agency contact (only the terms that are the agency's)"),
        RETAIN_AGREEMENT,
        personal={
            "email": "the agency contact's e-mail address",
            "answer": "signed, or their follow-up answer",
            "answered_at": "when",
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
        "Remarks during a negotiation.",
        (PARTIES,),
        RETAIN_AGREEMENT,
        personal={"author_id": "who wrote it", "text": "the remark (sealed)"},
        technical=_tech("id", "agreement_id", "version", "created_at"),
    ),
    "agreement_followups": TableEntry(
        "Each party's view of whether an agreement is kept.",
        (PARTIES,),
        RETAIN_AGREEMENT,
        personal={
            "party_id": "who answered",
            "answer": "on track, partly, not kept, no longer relevant",
            "comment": "their explanation (sealed)",
            "answered_at": "when",
            "asked_because": "asked early because the employee's shared check-in answer "
            "said an agreement was not kept",
            "asked": "whether it was asked on its own or at the end of a check-in",
            "asked_at": "when it was asked",
        },
        technical=_tech("id", "agreement_id", "role", "period", "due_at", "created_at"),
    ),
    "drift_signals": TableEntry(
        "A lasting change in a person's shared answers to one question, worth a "
        "conversation: told to the employee first, then shown in their manager's digest "
        "until the answers return or the two have talked. Built from shared, non-health "
        "answers only.",
        (EMPLOYEE, MANAGER + " (once the employee was told)"),
        RETAIN_ANSWERS,
        personal={
            "person_id": "whose answers changed",
            "question_id": "which question",
            "direction": "which way the answers moved (lower or higher)",
            "baseline": "the usual level of their earlier shared answers (a median)",
            "since": "when the change began",
            "raised_at": "when it became lasting",
            "shown_at": "when they saw it in their home view",
            "ended_at": "when their answers returned",
        },
        technical=_tech("id", "theme", "kind", "note_key"),
    ),
    "menus": TableEntry(
        "The question each person was shown last, so a typed number answers that question "
        "and nothing else; replaced by the next one.",
        (EMPLOYEE,),
        RETAIN_PERSON,
        personal={
            "person_id": "who was asked",
            "message": "the question and its options, which may quote their topics (sealed)",
            "shown_at": "when it was shown",
        },
        technical=_tech("token"),
    ),
    "agreement_dialogs": TableEntry(
        "What a person is in the middle of writing, so a restart resumes it.",
        (EMPLOYEE,),
        RETAIN_AGREEMENT,
        personal={"person_id": "who is writing", "data": "the unfinished draft (sealed)"},
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
        "Slack workspaces the app is installed in (slack_sdk's store), with their tokens.",
        (NOBODY,),
        RETAIN_INSTALL,
        personal={
            "user_id": "Slack id of the person who installed the app",
            "user_token": "their user token, if granted",
            "user_scopes": "what their token may do",
            "user_refresh_token": "their refresh token",
            "user_token_expires_at": "when it expires",
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
        "The bot token per Slack workspace (slack_sdk's store).",
        (NOBODY,),
        RETAIN_INSTALL,
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
        "One-use OAuth state values during an installation (minutes).",
        (NOBODY,),
        RETAIN_INSTALL,
        technical=_tech("id", "state", "expire_at"),
    ),
    "dm_channels": TableEntry(
        "The Slack direct-message channel with a person, so the bot opens it only once.",
        (NOBODY,),
        RETAIN_PERSON,
        personal={
            "user_id": "Slack user id",
            "channel_id": "the DM channel with them",
        },
        technical=_tech("updated_at"),
    ),
    "conversations": TableEntry(
        "That an employee and their manager talked (logged by either), with a shared note.",
        (EMPLOYEE, MANAGER),
        RETAIN_PERSON,
        personal={
            "employee_id": "the employee",
            "manager_id": "the manager",
            "logged_by_id": "who logged it",
            "note": "the shared note, in their words (sealed)",
            "is_review": "whether it was their annual review",
            "review_confirmed": "whether the other party confirmed that the review took place",
            "happened_at": "when they talked",
            "created_at": "when it was logged",
        },
        technical=_tech("id"),
    ),
    "topic_discussions": TableEntry(
        "Which raised topic was discussed in which logged conversation.",
        (EMPLOYEE, MANAGER),
        RETAIN_TOPICS,
        personal={
            "marked_by_id": "who marked it discussed",
            "discussed_at": "when",
        },
        technical=_tech("topic_id", "conversation_id"),
    ),
    "review_briefs": TableEntry(
        "That this year's review brief went out (once per person and year).",
        (NOBODY,),
        RETAIN_PERSON,
        personal={
            "person_id": "the employee",
            "manager_id": "the manager who received the other copy",
            "review_start": "the start of the person's review month",
            "sent_at": "when the brief went out",
            "invited_at": "when both were invited to draft the new third contract",
        },
        technical=_tech("id", "year"),
    ),
    "audit_views": TableEntry(
        "Who viewed whose data (digest, home team view, agreement, brief) and refusals; the "
        "employee sees the views of their own data with the 'viewed' command.",
        (EMPLOYEE + " (views of their own data)", OPERATOR),
        RETAIN_PERSON,
        personal={
            "viewer_id": "who looked (empty: an operator at the command line)",
            "subject_id": "whose data was shown",
            "what": "what was shown, or 'denied'",
            "object_id": "which item (an agreement number, a year, a refused action)",
            "viewed_at": "when",
        },
        technical=_tech("id"),
    ),
    "console_links": TableEntry(
        "One-time sign-in links to the HR admin console (stored as hashes, minutes valid); "
        "spent and expired links are removed when the next one is issued.",
        (NOBODY,),
        RETAIN_PERSON,
        personal={
            "person_id": "the HR person the link was for",
            "created_at": "when it was asked for",
            "used_at": "when it was used",
        },
        technical=_tech("id", "token_hash", "expires_at"),
    ),
    "console_sessions": TableEntry(
        "Signed-in HR admin console sessions (hashes); ended at sign-out or when idle.",
        (NOBODY,),
        RETAIN_PERSON,
        personal={
            "person_id": "the HR person signed in",
            "created_at": "when they signed in",
            "last_seen_at": "their last request",
        },
        technical=_tech("id", "token_hash", "csrf_token"),
    ),
    "hr_questions": TableEntry(
        "HR's own check-in questions (configuration, about no person).",
        (HR, EMPLOYEE),
        RETAIN_CONFIG,
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
        "The schema version.",
        (NOBODY,),
        RETAIN_CONFIG,
        technical=_tech("version_num"),
    ),
}


def undescribed(table: str, columns: list[str]) -> list[str]:
    """The columns of a table that the registry neither describes nor lists as technical."""
    entry = REGISTRY.get(table)
    if entry is None:
        return [f"{table} (whole table)"]
    known = set(entry.personal) | entry.technical
    return [f"{table}.{c}" for c in columns if c not in known]

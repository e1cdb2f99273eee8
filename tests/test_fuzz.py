"""Property-based fuzzing of what strangers' input reaches first: the Slack and Teams
converters, the command parser, the check-in state machine and the text helpers.

Each property says what may come out (an Inbound or None; a Step; a prefix) and that user
text comes through literally. The number of examples is bounded by a profile, so CI time is
bounded: JAARROND_FUZZ_PROFILE=ci (default, deterministic), dev (quick) or long (nightly).
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.console.render import visible
from adapters.slack import blocks as kit
from adapters.slack import convert as slack
from adapters.teams import cards
from adapters.teams import convert as teams
from dialogs import agreements as ag
from dialogs import checkin, graphemes
from dialogs.answers import read_choice
from dialogs.banks import SCALE_VALUES, load_banks
from dialogs.commands import ALIASES, WITH_ARGUMENT, Command, parse_command
from dialogs.messages import MAX_ID, Choice, Inbound, Outbound, PersonRef

settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples every run: CI fails only on a real change
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile(
    "long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# Applied per test, so other test modules keep their own hypothesis settings.
FUZZ = settings(settings.get_profile(os.environ.get("JAARROND_FUZZ_PROFILE", "ci")))

# Text as people and attackers type it: any code point, lone surrogates included.
ANY_TEXT = st.text(st.characters(codec=None), max_size=300)
# Text as a JSON payload can carry it (lone surrogates are valid in JSON escapes too).
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12,
)
TOKENS = st.sampled_from(["", "c1.0", "c1.share", "a1.v1", "menu", "x" * 300]) | ANY_TEXT


def _fields(keys: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads with our keys present (any value) and anything else beside them."""
    return st.fixed_dictionaries({}, optional=keys).flatmap(
        lambda known: st.dictionaries(ANY_TEXT, JSON_VALUES, max_size=3).map(
            lambda extra: {**extra, **known}
        )
    )


def _ok(result: Inbound | None) -> None:
    assert result is None or isinstance(result, Inbound)
    if result is not None:
        json.dumps(result.__dict__, ensure_ascii=True)  # serialisable, whatever came in


# ---- Slack ---------------------------------------------------------------------------------

SLACK_BODY = _fields(
    {
        "type": st.sampled_from(["block_actions", "view_submission", "event_callback"]),
        "user": _fields({"id": ANY_TEXT, "name": ANY_TEXT, "team_id": ANY_TEXT}) | JSON_VALUES,
        "user_id": ANY_TEXT | JSON_VALUES,
        "team": _fields({"id": ANY_TEXT}) | JSON_VALUES,
        "enterprise": _fields({"id": ANY_TEXT}) | JSON_VALUES,
        "event_id": ANY_TEXT | JSON_VALUES,
        "text": ANY_TEXT | JSON_VALUES,
        "trigger_id": ANY_TEXT | JSON_VALUES,
        "container": _fields(
            {
                "type": st.sampled_from(["message", "view"]),
                "channel_id": ANY_TEXT,
                "message_ts": ANY_TEXT,
                "is_ephemeral": st.booleans(),
            }
        )
        | JSON_VALUES,
        "actions": st.lists(
            _fields(
                {
                    "action_id": st.sampled_from([slack.ANSWER_ACTION, "jaarrond:x"]) | ANY_TEXT,
                    "value": ANY_TEXT | JSON_VALUES,
                    "action_ts": ANY_TEXT | JSON_VALUES,
                }
            )
            | JSON_VALUES,
            max_size=2,
        )
        | JSON_VALUES,
        "view": _fields(
            {
                "id": ANY_TEXT,
                "callback_id": st.just(slack.MODAL_CALLBACK) | ANY_TEXT,
                "private_metadata": ANY_TEXT | JSON_VALUES.map(json.dumps),
                "state": JSON_VALUES,
            }
        )
        | JSON_VALUES,
        "event": _fields(
            {
                "type": st.sampled_from(["message", "app_home_opened"]) | ANY_TEXT,
                "channel_type": st.just("im") | ANY_TEXT,
                "user": ANY_TEXT | JSON_VALUES,
                "text": ANY_TEXT | JSON_VALUES,
                "subtype": st.none() | ANY_TEXT,
                "tab": st.sampled_from(["home", "messages"]) | JSON_VALUES,
            }
        )
        | JSON_VALUES,
    }
)


@FUZZ
@given(SLACK_BODY)
def test_slack_converters_take_any_payload(body: dict[str, Any]) -> None:
    for convert in (slack.action_inbound, slack.submission_inbound, slack.message_inbound):
        _ok(convert(body))
    if isinstance(body.get("user_id", ""), str) or "user_id" not in body:
        _ok(slack.command_inbound(body))
    for target in (slack.answer_target(body), slack.modal_target(body)):
        assert target is None or isinstance(target, slack.ModalTarget)
    assert isinstance(slack.user_id(body), str)
    slack.workspace_of(body)
    slack.home_opened_user(body)
    slack.clicked_message(body)


@FUZZ
@given(ANY_TEXT.filter(lambda text: text.strip()), st.text("UW0123456789ABCDEF", min_size=1))
def test_slack_typed_text_round_trips_literally(text: str, user: str) -> None:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    event = {"type": "message", "channel_type": "im", "user": user, "text": escaped}
    inbound = slack.message_inbound({"event": event, "event_id": "Ev1"})
    assert inbound is not None and inbound.text == text and inbound.user_id == user
    # The notification text escapes it exactly once again: unescaping gives it back.
    assert slack.unescape(kit.escape(text)) == text


@FUZZ
@given(ANY_TEXT.filter(bool), ANY_TEXT, st.text("UW0123456789", min_size=1))
def test_slack_buttons_and_modals_carry_values_literally(token: str, value: str, user: str) -> None:
    click = {
        "user": {"id": user},
        "actions": [{"action_id": "jaarrond:x", "value": slack.button_value(token, value)}],
    }
    inbound = slack.action_inbound(json.loads(json.dumps(click)))
    assert inbound is not None and (inbound.token, inbound.value) == (token, value)
    target = slack.ModalTarget(token, "D1", "1.1", "en")
    view = {
        "id": "V1",
        "callback_id": slack.MODAL_CALLBACK,
        "private_metadata": slack.modal_metadata(target),
        "state": {"values": {slack.MODAL_BLOCK: {slack.MODAL_INPUT: {"value": value}}}},
    }
    submitted = slack.submission_inbound({"user": {"id": user}, "view": view})
    assert submitted is not None and (submitted.token, submitted.value) == (token, value)


# ---- Teams ---------------------------------------------------------------------------------

TEAMS_ACTIVITY = _fields(
    {
        "type": st.just("message") | ANY_TEXT,
        "id": ANY_TEXT | JSON_VALUES,
        "text": ANY_TEXT | JSON_VALUES,
        "value": JSON_VALUES
        | _fields(
            {
                teams.SUBMIT_KEY: _fields(
                    {"token": ANY_TEXT, "value": JSON_VALUES, "input": ANY_TEXT}
                )
                | JSON_VALUES
            }
        ),
        "from": _fields({"id": ANY_TEXT, "name": ANY_TEXT, "aadObjectId": ANY_TEXT}) | JSON_VALUES,
        "recipient": _fields({"id": ANY_TEXT, "name": ANY_TEXT}) | JSON_VALUES,
        "conversation": _fields(
            {
                "conversationType": st.just("personal") | ANY_TEXT,
                "isGroup": JSON_VALUES,
                "id": ANY_TEXT,
                "tenantId": ANY_TEXT,
            }
        )
        | JSON_VALUES,
        "channelData": _fields({"tenant": _fields({"id": ANY_TEXT}) | JSON_VALUES}) | JSON_VALUES,
        "entities": st.lists(JSON_VALUES, max_size=2) | JSON_VALUES,
        "replyToId": ANY_TEXT | JSON_VALUES,
    }
)


@FUZZ
@given(TEAMS_ACTIVITY)
def test_teams_converters_take_any_activity(activity: dict[str, Any]) -> None:
    _ok(teams.to_inbound(activity))
    teams.ids_are_clean(activity)
    teams.tenant_allowed(activity, frozenset({"tenant-1"}))
    teams.is_personal(activity)
    if isinstance(activity.get("text"), str):
        assert isinstance(teams.strip_mention(activity, activity["text"]), str)


def _activity(**fields: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "id": "1",
        "from": {"id": "29:bram", "name": "Bram"},
        "recipient": {"id": "28:bot", "name": "Jaarrond"},
        "conversation": {"conversationType": "personal", "id": "a:1"},
        **fields,
    }


@FUZZ
@given(ANY_TEXT.filter(lambda text: text.strip() and not text.lstrip().startswith("<at>")))
def test_teams_typed_text_round_trips_literally(text: str) -> None:
    inbound = teams.to_inbound(_activity(text=text))
    assert inbound is not None and inbound.text == text.strip()


@FUZZ
@given(ANY_TEXT.filter(bool), ANY_TEXT)
def test_teams_card_submits_carry_values_literally(token: str, value: str) -> None:
    data = {teams.SUBMIT_KEY: {"token": token, "value": value}}
    inbound = teams.to_inbound(_activity(value=json.loads(json.dumps(data))))
    assert inbound is not None and (inbound.token, inbound.value) == (token, value)


# ---- the command parser --------------------------------------------------------------------


@FUZZ
@given(ANY_TEXT)
def test_any_text_is_a_command_or_plain_text(text: str) -> None:
    command = parse_command(text)
    assert command is None or (
        command.name in ALIASES.values() and (not command.argument or command.name in WITH_ARGUMENT)
    )


@FUZZ
@given(
    st.sampled_from(sorted(a for a, name in ALIASES.items() if name in WITH_ARGUMENT)),
    ANY_TEXT.filter(lambda text: text.strip()),
)
def test_a_commands_argument_is_kept_literally(alias: str, argument: str) -> None:
    assert parse_command(f"{alias} {argument}") == Command(ALIASES[alias], argument.strip())


@FUZZ
@given(
    ANY_TEXT, st.lists(st.tuples(ANY_TEXT, ANY_TEXT, st.lists(ANY_TEXT, max_size=2)), max_size=5)
)
def test_agreement_tokens_and_typed_options_never_raise(
    token: str, options: list[tuple[str, str, list[str]]]
) -> None:
    parsed = ag.parse_token(token)
    assert parsed is None or 0 <= max(parsed.id, parsed.version) <= MAX_ID
    choices = tuple(Choice(value, label, tuple(aliases)) for value, label, aliases in options)
    picked = read_choice(choices, token)
    assert picked is None or picked in choices


# ---- the check-in state machine ------------------------------------------------------------

BANKS = load_banks()
PERSON = PersonRef(1, "bram@example.org", "Bram", "en", "Europe/Amsterdam")
EVENTS = st.lists(
    st.one_of(
        st.builds(checkin.Reply, ANY_TEXT, st.just("") | st.just("<current>") | TOKENS),
        st.builds(
            checkin.Control,
            st.sampled_from(["skip", "later", "stop"]),
            st.just("") | st.just("<current>") | TOKENS,
        ),
    ),
    max_size=25,
)


@FUZZ
@given(st.sampled_from(sorted(BANKS)), EVENTS, st.sampled_from(["nl", "en"]))
def test_the_check_in_dialog_takes_any_events(theme: str, events: list[Any], locale: str) -> None:
    bank = BANKS[theme]
    ids = tuple(q.question_id for q in bank.questions)
    state = checkin.CheckinState(occurrence_id=1, theme=theme, question_ids=ids)
    ctx = checkin.Context(person=replace(PERSON, locale=locale), bank=bank, manager_name="Anna")  # type: ignore[arg-type]
    for event in events:
        if event.token == "<current>":
            event = replace(event, token=state.token)
        before = state
        result = checkin.step(state, event, ctx)
        assert result.out and all(isinstance(out, Outbound) for out in result.out)
        state = result.state
        assert 0 <= state.position <= len(ids)
        for effect in result.effects:
            if isinstance(effect, checkin.RecordAnswer):
                question = bank.question(effect.question_id)
                assert isinstance(event, checkin.Reply)
                if question.kind == "text":
                    assert effect.value == event.text.strip()  # literally what was typed
                elif question.kind == "scale":
                    assert effect.value in SCALE_VALUES
                else:
                    assert effect.value in question.valid_values()
                ctx = replace(ctx, answers=(*ctx.answers, (effect.question_id, effect.value)))
        if before.status != "open":
            assert result.effects == () and state == before  # a closed check-in never moves
        if state.status == "snoozed":
            state = replace(state, status="open")  # the service reopens it later


# ---- text helpers: cut whole, show literally -----------------------------------------------


@FUZZ
@given(ANY_TEXT, st.integers(min_value=0, max_value=400))
def test_cuts_are_prefixes_that_never_split_a_character(text: str, limit: int) -> None:
    for cut in (graphemes.cut(text, limit), cards.grapheme_cut(text, limit)):
        assert text.startswith(cut) and len(cut) <= limit
        assert graphemes.cut(text, len(cut)) == cut  # it already ends on a boundary
    sliced = graphemes.cut_units(text, limit)
    assert text.startswith(sliced) and graphemes.units(sliced) <= limit
    assert graphemes.is_boundary(text, len(sliced))


@FUZZ
@given(ANY_TEXT)
def test_stored_and_shown_text_keeps_every_visible_character(text: str) -> None:
    stored = graphemes.storable(text)
    assert "\x00" not in stored
    stored.encode("utf-8")  # no lone surrogate left: every encoder and database takes it
    assert stored == text.replace("\x00", "") or any(0xD800 <= ord(c) <= 0xDFFF for c in text)
    shown = visible(text)
    assert not any(ord(c) < 0x20 and c not in "\n\t" for c in shown)
    assert len(shown) == len(text)
    card = cards.render_card(Outbound(PERSON, text, text[:50]))
    json.dumps(card).encode("utf-8")  # a card always serialises
    assert cards.card_bytes(card) <= cards.MAX_CARD_BYTES

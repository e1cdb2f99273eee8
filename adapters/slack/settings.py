"""The Slack settings checked before anything starts: every problem at once, each with its fix."""

from __future__ import annotations

from typing import Protocol
from urllib.parse import urlsplit

# Hosts a plain-http SLACK_API_URL may point at: a fake Web API in tests or a local proxy.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class SlackSettingsLike(Protocol):
    """What the adapter reads from the bot's settings (bot.config.SlackSettings fits)."""

    @property
    def bot_token(self) -> str: ...

    @property
    def signing_secret(self) -> str: ...

    @property
    def app_token(self) -> str: ...

    @property
    def client_id(self) -> str: ...

    @property
    def client_secret(self) -> str: ...

    @property
    def api_url(self) -> str: ...


class SlackConfigError(ValueError):
    """The Slack settings are incomplete or contradict each other; the message lists each."""


def uses_oauth(settings: SlackSettingsLike) -> bool:
    """Installable in several workspaces: tokens come from installs, not from the settings."""
    return bool(settings.client_id)


def uses_socket_mode(settings: SlackSettingsLike) -> bool:
    return bool(settings.app_token)


def serves_http_events(settings: SlackSettingsLike) -> bool:
    """POST /slack/events is only mounted when its requests can be verified."""
    return bool(settings.signing_secret)


def check_slack_settings(settings: SlackSettingsLike) -> list[str]:
    """Every problem with the Slack settings, each saying what to set; empty when fine."""
    problems: list[str] = []
    problems += _mode_problems(settings)
    problems += _token_problems(settings)
    problems += _secret_problems(settings)
    problems += _api_url_problems(settings.api_url)
    return problems


def _mode_problems(s: SlackSettingsLike) -> list[str]:
    if s.bot_token and s.client_id:
        return [
            "SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set; choose one workspace "
            "(SLACK_BOT_TOKEN only) or installs in several workspaces through /slack/install "
            "(SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, no SLACK_BOT_TOKEN)"
        ]
    if not s.bot_token and not s.client_id:
        return [
            "Slack needs SLACK_BOT_TOKEN (one workspace: the Bot User OAuth Token from "
            "OAuth & Permissions) or SLACK_CLIENT_ID with SLACK_CLIENT_SECRET (several "
            "workspaces, installed through /slack/install)"
        ]
    problems = []
    if s.client_id and not s.client_secret:
        problems.append(
            "SLACK_CLIENT_ID is set but SLACK_CLIENT_SECRET is empty; copy both from "
            "Basic Information > App Credentials"
        )
    if s.client_secret and not s.client_id:
        problems.append(
            "SLACK_CLIENT_SECRET is set but SLACK_CLIENT_ID is empty; copy both from "
            "Basic Information > App Credentials"
        )
    return problems


def _token_problems(s: SlackSettingsLike) -> list[str]:
    problems = []
    token = s.bot_token
    if token and not token.startswith("xoxb-"):
        if token.startswith("xoxp-"):
            kind = "a user token (xoxp-), which would act as a person"
        elif token.startswith("xapp-"):
            kind = "an app-level token (xapp-), which belongs in SLACK_APP_TOKEN"
        else:
            kind = "not a bot token"
        problems.append(
            f"SLACK_BOT_TOKEN is {kind}; use the Bot User OAuth Token (xoxb-...) from "
            "OAuth & Permissions"
        )
    if s.app_token and not s.app_token.startswith("xapp-"):
        problems.append(
            "SLACK_APP_TOKEN must be an app-level token (xapp-...) with the "
            "connections:write scope, from Basic Information > App-Level Tokens"
        )
    return problems


def _secret_problems(s: SlackSettingsLike) -> list[str]:
    secret = s.signing_secret
    if secret.startswith(("xox", "xapp-")):
        return [
            "SLACK_SIGNING_SECRET looks like a token; copy the Signing Secret from "
            "Basic Information > App Credentials"
        ]
    if not secret and not s.app_token:
        return [
            "SLACK_SIGNING_SECRET is empty; without it no request to /slack/events can be "
            "verified. Copy it from Basic Information > App Credentials, or use Socket "
            "Mode by setting SLACK_APP_TOKEN"
        ]
    return []


def _api_url_problems(url: str) -> list[str]:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return []
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return []
    return [
        f"SLACK_API_URL '{url}' must be an https:// URL such as https://slack.com/api/ "
        "(plain http only for a test server on this machine)"
    ]


def api_base_url(url: str) -> str:
    """slack_sdk joins method names onto the base URL, so it must end with a slash."""
    return url if url.endswith("/") else url + "/"

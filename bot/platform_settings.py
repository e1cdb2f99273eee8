"""The chat platforms' settings: Slack's tokens and limits, Teams' app and tenants."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.setting import number, separated, switch, variable

RATE = number(0.0, float("inf"), "a number of at least 0")
# The loose spellings of on and off an operator may use for a switch.
ON_OFF = switch(("on", "true", "yes", "1"), ("off", "false", "no", "0", ""))


@dataclass(frozen=True)
class SlackSettings:
    """Slack (README: Install on Slack): a bot token for one workspace, or client id and
    secret for OAuth installs; the signing secret always; an app token for Socket Mode."""

    bot_token: str = field(
        default="",
        metadata=variable(
            "SLACK_BOT_TOKEN", "xoxb-... for a single workspace (a secret)", secret=True
        ),
    )
    signing_secret: str = field(
        default="",
        metadata=variable(
            "SLACK_SIGNING_SECRET", "verifies that requests come from Slack (a secret)", secret=True
        ),
    )
    app_token: str = field(
        default="",
        metadata=variable(
            "SLACK_APP_TOKEN",
            "xapp-... for Socket Mode (no public URL needed; a secret)",
            secret=True,
        ),
    )
    client_id: str = field(
        default="",
        metadata=variable("SLACK_CLIENT_ID", "for installs in several workspaces (OAuth)"),
    )
    client_secret: str = field(
        default="",
        metadata=variable(
            "SLACK_CLIENT_SECRET", "for installs in several workspaces (a secret)", secret=True
        ),
    )
    api_url: str = field(
        default="https://slack.com/api/",
        metadata=variable("SLACK_API_URL", "Slack's Web API (changed only for tests)"),
    )
    # Client-side limits (0 = off): chat.postMessage per DM channel and per workspace,
    # conversations.open per workspace (Tier 3).
    channel_per_second: float = field(
        default=1.0,
        metadata=variable(
            "SLACK_CHANNEL_MESSAGES_PER_SECOND",
            "chat.postMessage per DM channel (Slack: 1; 0: off)",
            RATE,
        ),
    )
    workspace_per_second: float = field(
        default=5.0,
        metadata=variable(
            "SLACK_WORKSPACE_MESSAGES_PER_SECOND",
            "messages per second per workspace (Slack publishes no number; 0: off)",
            RATE,
        ),
    )
    opens_per_minute: float = field(
        default=50.0,
        metadata=variable(
            "SLACK_OPENS_PER_MINUTE", "conversations.open per minute (Tier 3: 50)", RATE
        ),
    )
    history_per_minute: float = field(
        default=50.0,
        metadata=variable(
            "SLACK_HISTORY_PER_MINUTE",
            "conversations.history per minute, used after a crash (Tier 3)",
            RATE,
        ),
    )

    @property
    def configured(self) -> bool:
        return any((self.bot_token, self.signing_secret, self.app_token, self.client_id))


@dataclass(frozen=True)
class TeamsSettings:
    """Microsoft Teams (README: Install on Teams). An app id turns Teams on."""

    app_id: str = field(
        default="", metadata=variable("MicrosoftAppId", "the bot's Microsoft app id")
    )
    app_password: str = field(
        default="",
        metadata=variable(
            "MicrosoftAppPassword",
            "the bot's client secret (a secret: keep it out of version control)",
            secret=True,
        ),
    )
    app_type: str = field(
        default="MultiTenant",
        metadata=variable("MicrosoftAppType", "MultiTenant | SingleTenant | UserAssignedMSI"),
    )
    tenant_id: str = field(
        default="", metadata=variable("MicrosoftAppTenantId", "the tenant of a SingleTenant app")
    )
    allowed_tenants: tuple[str, ...] = field(
        default=(),
        metadata=variable(
            "JAARROND_TEAMS_TENANTS",
            "tenant ids (comma separated) whose messages are accepted",
            separated(","),
        ),
    )
    service_url: str = field(
        default="",
        metadata=variable(
            "JAARROND_TEAMS_SERVICE_URL",
            "where new 1:1 chats are created, e.g. https://smba.trafficmanager.net/teams/",
        ),
    )
    switched_on: bool = field(
        default=False,
        metadata=variable(
            "JAARROND_TEAMS", "on turns Teams on without an app id (local emulator)", ON_OFF
        ),
    )
    # The Bot Connector's global limit per app per tenant (0 = off).
    requests_per_second: float = field(
        default=50.0,
        metadata=variable(
            "JAARROND_TEAMS_REQUESTS_PER_SECOND",
            "Bot Connector requests per second per tenant (50)",
            RATE,
        ),
    )

    @property
    def enabled(self) -> bool:
        return self.switched_on or bool(self.app_id)

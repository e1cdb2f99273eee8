"""Slack as a chat platform, through bolt's AsyncApp (HTTP or Socket Mode)."""

from adapters.slack.adapter import BOT_SCOPES, SlackAdapter
from adapters.slack.blocks import home_view, render, render_parts
from adapters.slack.convert import action_inbound, message_inbound, submission_inbound
from adapters.slack.settings import SlackConfigError, check_slack_settings

__all__ = [
    "BOT_SCOPES",
    "SlackAdapter",
    "SlackConfigError",
    "action_inbound",
    "check_slack_settings",
    "home_view",
    "message_inbound",
    "render",
    "render_parts",
    "submission_inbound",
]

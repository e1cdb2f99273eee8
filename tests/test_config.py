"""The settings: declared once, read from the environment over `.env`, every mistake named."""

from __future__ import annotations

import io
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.config import ConfigError, Settings, load_settings, read_environment
from bot.env_example import render, settings_variables
from bot.logs import make_handler
from bot.setting import declared, variable


def test_the_example_file_uncommented_gives_the_defaults() -> None:
    # Each default is written once, as a value; its text in the example must read back to it.
    assert load_settings(settings_variables()) == load_settings({})


def test_every_variable_is_declared_once_with_a_description() -> None:
    settings = [item for _, item in declared(Settings)]
    names = Counter(item.variable for item in settings)
    assert [name for name, count in names.items() if count > 1] == []
    example = render()
    for item in settings:
        assert len(item.description) > 10, item.variable
        assert f"# {item.description}\n# {item.variable}={item.default_text}\n" in example


def test_a_field_without_a_variable_is_refused() -> None:
    @dataclass(frozen=True)
    class Half:
        """Half declared"""

        named: str = field(default="", metadata=variable("JAARROND_NAMED", "has a variable"))
        forgotten: int = 3

    with pytest.raises(TypeError, match=r"Half\.forgotten is neither a setting nor a group"):
        list(declared(Half))


def test_every_mistake_is_named_at_once_with_what_is_expected(tmp_path: Path) -> None:
    wrong = {
        "JAARROND_PORT": "eighty",
        "JAARROND_PROFILE": "staging",
        "JAARROND_DEFAULT_TIMEZONE": "Amsterdam",
        "JAARROND_LOG_LEVEL": "loud",
        "JAARROND_SHUTDOWN_SECONDS": "nan",
        "JAARROND_BANKS_DIR": str(tmp_path / "missing"),
        "JAARROND_DATABASE_URL": "mysql://db/jaarrond",
        "JAARROND_RETAIN_EVENTS_DAYS": "-1",
        "JAARROND_TEAMS": "maybe",
        "SLACK_HISTORY_PER_MINUTE": "inf",
    }
    with pytest.raises(ConfigError) as refused:
        load_settings(wrong)
    lines = str(refused.value).splitlines()
    assert len(lines) == len(wrong)
    for name, text in wrong.items():
        (line,) = [line for line in lines if line.startswith(f"- {name} ")]
        # The line quotes what was given, so the operator sees which value to change.
        assert f"'{text.split(':')[0]}'" in line or f"'{text}'" in line, line
    assert "- JAARROND_PORT must be a port number 0-65535, not 'eighty'" in lines
    assert "- JAARROND_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL" in (
        str(refused.value)
    )


def test_values_are_read_in_the_spellings_operators_use() -> None:
    settings = load_settings(
        {
            "JAARROND_LOG_LEVEL": "debug",
            "JAARROND_PROFILE": " Development ",
            "JAARROND_TEAMS": "yes",
            "JAARROND_TEAMS_TENANTS": "t1, ,t2",
            "JAARROND_PUBLIC_URL": "https://hr.example.org/",
            "JAARROND_CONSOLE_PATH": "hr-admin/",
            "JAARROND_DATABASE_URL": "postgres://u@db/jaarrond",
            "JAARROND_DIGEST_SCHEDULE": "Fri 16:45",
        }
    )
    assert settings.log_level == "DEBUG" and settings.profile == "development"
    assert settings.teams.enabled and settings.teams.allowed_tenants == ("t1", "t2")
    assert settings.console.public_url == "https://hr.example.org"
    assert settings.console.path == "/hr-admin"
    assert settings.database_url == "postgresql+asyncpg://u@db/jaarrond"
    assert (settings.dialogue.digest_weekday, settings.dialogue.digest_time.hour) == (4, 16)
    assert not load_settings({"JAARROND_TEAMS": "off"}).teams.enabled
    # An app id alone turns Teams on.
    assert load_settings({"MicrosoftAppId": "app"}).teams.enabled


def test_a_wrong_data_key_is_named_by_place_never_by_content() -> None:
    good = Fernet.generate_key().decode("ascii")
    secret = "not-a-key-but-still-a-secret"
    with pytest.raises(ConfigError) as refused:
        load_settings({"JAARROND_DATA_KEYS": f"{good},{secret}"})
    assert "key 2, which is not a Fernet key" in str(refused.value)
    assert secret not in str(refused.value) and good not in str(refused.value)
    assert load_settings({"JAARROND_DATA_KEYS": f" {good} ,"}).data_keys == (good,)


def test_the_environment_wins_over_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("JAARROND_PORT=4000\nJAARROND_HOST=0.0.0.0\n", encoding="utf-8")
    monkeypatch.setenv("JAARROND_PORT", "5000")
    settings = load_settings(read_environment(env_file))
    assert (settings.host, settings.port) == ("0.0.0.0", 5000)
    assert read_environment(tmp_path / "absent")["JAARROND_PORT"] == "5000"


def test_every_secret_setting_is_kept_out_of_the_logs() -> None:
    secrets = [item for _, item in declared(Settings) if item.secret]
    # A description that calls a setting a secret and the flag that redacts it agree.
    assert {item.variable for item in secrets} == {
        item.variable for _, item in declared(Settings) if "a secret" in item.description
    }
    key = Fernet.generate_key().decode("ascii")
    env = {item.variable: f"secret-{item.variable.lower()}-0123456789" for item in secrets}
    env |= {"JAARROND_DATA_KEYS": key, "SLACK_CLIENT_ID": "client-id-not-a-secret"}
    buffer = io.StringIO()
    logger = logging.getLogger("tests.config.secrets")
    logger.addHandler(make_handler(load_settings(env), buffer))
    try:
        logger.warning("settings were %s", " ".join(env.values()))
    finally:
        logger.handlers.clear()
    shown = buffer.getvalue()
    assert env.pop("SLACK_CLIENT_ID") in shown
    assert [value for value in env.values() if value in shown] == []

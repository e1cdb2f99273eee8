"""The admin console refuses what it must: spent or expired links, people who are not HR,
changes without the CSRF token, a session after logout, and any individual's answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from bot.clock import FixedClock
from bot.console.security import COOKIE
from bot.storage.database import Database
from tests.support.console import HR, Console, csrf_of, running_console, sign_in


@pytest.fixture
async def console(db: Database, clock: FixedClock) -> AsyncIterator[Console]:
    async with running_console(db, clock) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    # No cookie jar: every test says exactly which cookie it sends.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield session


async def _post_signin(http: aiohttp.ClientSession, console: Console, link: str) -> int:
    token = link.rsplit("/", 1)[1]
    async with http.post(
        f"{console.base}/signin", data={"token": token}, allow_redirects=False
    ) as response:
        return response.status


async def test_a_link_signs_in_once_with_a_strict_cookie(
    console: Console, http: aiohttp.ClientSession
) -> None:
    link = await console.link_for(HR)
    token = link.rsplit("/", 1)[1]
    # Opening the link (as a chat link preview would) does not use it up.
    async with http.get(link) as page:
        assert page.status == 200
        assert page.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        assert "default-src 'self'" in page.headers["Content-Security-Policy"]
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert page.headers["X-Content-Type-Options"] == "nosniff"
    async with http.post(
        f"{console.base}/signin", data={"token": token}, allow_redirects=False
    ) as response:
        assert response.status == 303
        cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    # Plain http on loopback in development is the one place the cookie is not Secure.
    assert "Secure" not in cookie
    assert await _post_signin(http, console, link) == 403


async def test_an_expired_link_is_refused(
    console: Console, http: aiohttp.ClientSession, clock: FixedClock
) -> None:
    link = await console.link_for(HR)
    clock.advance(timedelta(minutes=10))
    assert await _post_signin(http, console, link) == 403
    async with http.post(f"{console.base}/signin", data={"token": "made-up"}) as response:
        assert response.status == 403


async def test_only_hr_gets_a_link(console: Console) -> None:
    replies = await console.bot.say("bram@example.org", "admin")
    assert "http" not in replies[-1].text
    assert "HR" in replies[-1].text
    dutch = await console.bot.say("anna@example.org", "beheer")
    assert "alleen voor HR" in dutch[-1].text


async def test_pages_need_a_session(console: Console, http: aiohttp.ClientSession) -> None:
    for path in ("/schedules", "/questions", "/people", "/reports", "/schedules.yaml"):
        async with http.get(console.base + path, allow_redirects=False) as response:
            assert response.status == 401, path
            assert response.headers["X-Frame-Options"] == "DENY"
    async with http.get(console.base + "/schedules", cookies={COOKIE: "forged"}) as response:
        assert response.status == 401


async def test_a_post_without_the_csrf_token_changes_nothing(
    console: Console, http: aiohttp.ClientSession
) -> None:
    cookie = await sign_in(http, console)
    form = {"id": "forged", "theme": "workload", "cadence": "weekly", "day": "thu"}
    form |= {"time": "09:00", "audience": "all", "day_mon": "1", "active": "1"}
    for extra in ({}, {"csrf": "wrong"}):
        async with http.post(
            f"{console.base}/schedules", data=form | extra, cookies={COOKIE: cookie}
        ) as response:
            assert response.status == 403
    async with http.get(f"{console.base}/schedules", cookies={COOKIE: cookie}) as page:
        assert "forged" not in await page.text()
    csrf = await csrf_of(http, f"{console.base}/schedules", cookie)
    async with http.post(
        f"{console.base}/schedules",
        data=form | {"csrf": csrf},
        cookies={COOKIE: cookie},
        allow_redirects=False,
    ) as response:
        assert response.status == 303


async def test_a_cookie_replayed_after_logout_is_refused(
    console: Console, http: aiohttp.ClientSession
) -> None:
    cookie = await sign_in(http, console)
    csrf = await csrf_of(http, f"{console.base}/schedules", cookie)
    async with http.post(
        f"{console.base}/logout", data={"csrf": csrf}, cookies={COOKIE: cookie}
    ) as response:
        assert response.status == 200
    async with http.get(f"{console.base}/schedules", cookies={COOKIE: cookie}) as response:
        assert response.status == 401


async def test_an_idle_session_ends(
    console: Console, http: aiohttp.ClientSession, clock: FixedClock
) -> None:
    cookie = await sign_in(http, console)
    clock.advance(timedelta(minutes=29))
    async with http.get(f"{console.base}/people", cookies={COOKIE: cookie}) as response:
        assert response.status == 200
    clock.advance(timedelta(minutes=31))
    async with http.get(f"{console.base}/people", cookies={COOKIE: cookie}) as response:
        assert response.status == 401


async def test_no_url_shows_an_individuals_answers(
    console: Console, http: aiohttp.ClientSession
) -> None:
    cookie = await sign_in(http, console)
    for path in ("/people/1/answers", "/people/bram@example.org/checkins", "/answers/1"):
        async with http.get(console.base + path, cookies={COOKIE: cookie}) as response:
            assert response.status in (403, 404), path
    async with http.get(f"{console.base}/people", cookies={COOKIE: cookie}) as page:
        body = await page.text()
    assert "bram@example.org" in body
    assert "/answers" not in body


async def test_losing_hr_ends_the_session(console: Console, http: aiohttp.ClientSession) -> None:
    from bot.org.organisation import import_org

    cookie = await sign_in(http, console)
    await import_org(
        console.bot.app.db, f"email,name,hr\n{HR},Hanna Rutgers,false\n", console.bot.clock.now()
    )
    async with http.get(f"{console.base}/people", cookies={COOKIE: cookie}) as response:
        assert response.status == 401


def test_the_cookie_is_secure_except_on_a_development_loopback() -> None:
    from bot.config import ConsoleSettings
    from bot.console.access import ConsoleSignin

    assert ConsoleSignin(ConsoleSettings(), "https://hr.example.org").cookie_secure
    assert ConsoleSignin(
        ConsoleSettings(), "http://127.0.0.1:3978", development=False
    ).cookie_secure
    assert not ConsoleSignin(
        ConsoleSettings(), "http://127.0.0.1:3978", development=True
    ).cookie_secure


def test_console_settings_are_validated() -> None:
    from bot.config import ConfigError, load_settings

    settings = load_settings({"JAARROND_PUBLIC_URL": "https://hr.example.org/"})
    assert settings.console.public_url == "https://hr.example.org"
    assert (settings.console.path, settings.console.link_minutes) == ("/admin", 10)
    with pytest.raises(ConfigError) as caught:
        load_settings(
            {
                "JAARROND_CONSOLE_LINK_MINUTES": "forever",
                "JAARROND_PUBLIC_URL": "hr.example.org",
                "JAARROND_CONSOLE_PATH": "/",
            }
        )
    for name in ("LINK_MINUTES", "PUBLIC_URL", "CONSOLE_PATH"):
        assert name in str(caught.value)


async def test_spent_links_and_idle_sessions_are_cleaned_up(
    console: Console, http: aiohttp.ClientSession, clock: FixedClock
) -> None:
    from sqlalchemy import func, select

    from bot.storage.console_models import ConsoleLink, ConsoleSession

    await sign_in(http, console)
    await console.link_for(HR)
    clock.advance(timedelta(hours=1))
    await console.link_for(HR)
    async with console.bot.app.db.session() as session:
        links = await session.scalar(select(func.count()).select_from(ConsoleLink))
        sessions = await session.scalar(select(func.count()).select_from(ConsoleSession))
    assert (links, sessions) == (1, 0)

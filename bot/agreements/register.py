"""HR's transparency register of agreements: counts by topic and status, i-deal reasons
without names, small groups never shown."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.records import AgreementRefused
from bot.org.people import Defaults, person_ref
from bot.storage.agreement_models import Agreement, AgreementVersion
from bot.storage.models import Person
from dialogs import agreements as ag
from dialogs.agreement_register import Register, build_register, render_register
from dialogs.agreement_texts import ta
from dialogs.messages import Outbound

MIN_GROUP = 5
MIN_GROUP_FREE_TEXT = 10


async def transparency_register(session: AsyncSession, viewer: Person) -> Register:
    """HR's view: counts by topic and status, i-deal reasons without names."""
    if not viewer.is_hr:
        raise AgreementRefused("refused.not_hr")
    counts = await session.execute(
        select(
            Agreement.category,
            Agreement.status,
            func.count(func.distinct(Agreement.employee_id)),
        )
        .where(Agreement.status != "draft")
        .group_by(Agreement.category, Agreement.status)
    )
    reasons = await session.execute(
        select(AgreementVersion.category, AgreementVersion.i_deal_rationale, Agreement.employee_id)
        .join(
            Agreement,
            and_(
                Agreement.id == AgreementVersion.agreement_id,
                Agreement.signed_version == AgreementVersion.number,
            ),
        )
        .where(Agreement.status.in_(ag.RUNNING), AgreementVersion.is_i_deal)
    )
    rationales = [(category, text or "", employee) for category, text, employee in reasons]
    return build_register(
        {(category, status): count for category, status, count in counts},
        [(category, text) for category, text, _ in rationales],
        len({employee for _, _, employee in rationales}),
        MIN_GROUP,
        MIN_GROUP_FREE_TEXT,
    )


async def register_message(defaults: Defaults, session: AsyncSession, person: Person) -> Outbound:
    """The register as a message for HR; anyone else is told it is for HR only."""
    ref = person_ref(person, defaults)
    try:
        register = await transparency_register(session, person)
    except AgreementRefused as refused:
        return Outbound(ref, ta(refused.key, ref.locale))
    title, body = render_register(register, ref.locale)
    return Outbound(ref, body, title)

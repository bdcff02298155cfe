"""Applying for a life event (一件事一次办): the event's required items and the optional ones
whose guided question the applicant answered yes are opened together through the one bundle
mechanism (`bundles.open_bundle`); one tracking page shows them; the act deciding the last
case concludes the application."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from oneseal.actors import User
from oneseal.applicants.models import Applicant
from oneseal.cases.models import Channel
from oneseal.catalogue.models import HandlingItem, LifeEvent, LifeEventItem
from oneseal.errors import fail_fields

from . import bundles
from .models import Bundle


def question_field(item: LifeEventItem) -> str:
    """The field an optional item's guided question is answered under."""
    return f"question-{item.handling_item_id}"


def chosen_items(
    event: LifeEvent, answers: Mapping[str, Any]
) -> tuple[list[tuple[HandlingItem, bool]], dict[str, list[str]]]:
    """The items an application opens given the answers (yes: "1", "yes", "true", True), and
    the errors of answers to questions the event does not ask."""
    items = list(
        event.items.select_related("handling_item__item_version__item__catalogue__region__bureau")
    )
    asked = {question_field(i): i for i in items if not i.required}
    errors = {
        name: [_("该一件事没有这个引导问题")]
        for name in answers
        if name.startswith("question-") and name not in asked
    }
    yes = {
        name
        for name, value in answers.items()
        if name in asked and str(value).strip().lower() in ("1", "yes", "true", "on", "是")
    }
    return [
        (i.handling_item, i.required) for i in items if i.required or question_field(i) in yes
    ], errors


@transaction.atomic
def apply_for_life_event(
    event: LifeEvent,
    *,
    actor: User,
    applicant: Applicant,
    channel: str = Channel.WINDOW,
    answers: Mapping[str, Any] | None = None,
    files: Mapping[str, File] | None = None,
    reuse: Mapping[str, Any] | None = None,
    idempotency_key: str = "",
    agent_name: str = "",
    agent_id_number: str = "",
    agent_phone: str = "",
    at: datetime.datetime | None = None,
) -> Bundle:
    """One application for the life event: at the window by a clerk of the items' region,
    online by the applicant (or the account acting for the organisation)."""
    answers = dict(answers or {})
    if not event.is_offered:
        fail_fields({"life_event": [_("该一件事未发布或已停用")]})
    chosen, errors = chosen_items(event, answers)
    fail_fields(errors)
    return bundles.open_bundle(
        [bundles.Wanted(hi, required=required) for hi, required in chosen],
        actor=actor,
        applicant=applicant,
        kind=Bundle.Kind.LIFE_EVENT,
        channel=channel,
        files=files,
        reuse=reuse,
        idempotency_key=idempotency_key,
        agent_name=agent_name,
        agent_id_number=agent_id_number,
        agent_phone=agent_phone,
        at=at,
        life_event=event,
        answers={k: v for k, v in answers.items() if k.startswith("question-")},
    )

"""The portal case page's part about intermediary services: what the case's item needs, the
engagements so far, and the link to choose or rate."""

from typing import Any

from django import template

from oneseal.cases.models import Case

from ..models import ItemService

register = template.Library()


@register.inclusion_tag("intermediaries/_case_applicant.html")
def applicant_engagements(case: Case) -> dict[str, Any]:
    services = list(
        ItemService.objects.filter(handling_item=case.handling_item_id)
        .select_related("service")
        .order_by("service__name")
    )
    return {
        "case": case,
        "services": services,
        "engagements": list(case.engagements.select_related("intermediary", "service")),
    }

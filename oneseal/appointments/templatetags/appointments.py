"""The service guide's booking button (预约办理): shown where a hall's window group serves the
handling item (`queries.groups_for`, the rule the booking page itself applies) and the guide
is the one in force, so "我的预约" can send citizens to the guide."""

from django import template

from oneseal.catalogue.models import HandlingItem

from .. import queries

register = template.Library()


@register.inclusion_tag("appointments/_book_link.html")
def booking_offer(hi: HandlingItem, in_force: bool) -> dict:
    return {"hi": hi, "bookable": in_force and queries.groups_for(hi).exists()}

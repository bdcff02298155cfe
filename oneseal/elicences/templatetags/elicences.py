from django import template

from oneseal.elicences.queries import for_licence

register = template.Library()


@register.simple_tag
def elicences_for(licence):
    """The licence's e-licences, newest first, for a page that already may show the licence."""
    return for_licence(licence) if licence is not None else []

from django import template

from oneseal.cases.models import Licence
from oneseal.elicences.models import ELicence
from oneseal.elicences.queries import for_licence

register = template.Library()


@register.simple_tag
def elicences_for(licence: Licence | None) -> list[ELicence]:
    """The licence's e-licences, newest first, for a page that already may show the licence."""
    return for_licence(licence) if licence is not None else []

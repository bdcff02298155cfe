"""Who sees which cases: the one scoping of every page and API that lists or opens a case."""

from django.db.models import Prefetch, Q, QuerySet

from oneseal.applicants.models import Applicant
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix, staff_of

from .models import Case, CaseEvent, CaseMaterial, Upload


def is_scoped_staff(user) -> bool:
    """Active staff holding at least one role (or a superuser): they see by region."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    staff = staff_of(user)
    return staff is not None and user.is_active and bool(staff.role_set)


def visible_cases(user) -> QuerySet[Case]:
    """The one scoping function of the cases API. Staff with a role see the cases of their
    region and below it (organisation.rules.scope_prefix); anyone signed in sees the cases of
    the applicants linked to their account; an anonymous caller sees nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    # A subquery, not a join, so that PostgreSQL can combine the region-code and applicant
    # indexes instead of scanning every case.
    own = Q(applicant_id__in=Applicant.objects.filter(user=user).values("pk"))
    if is_scoped_staff(user):
        return Case.objects.filter(Q(region_code__startswith=scope_prefix(user)) | own)
    return Case.objects.filter(own)


def visible_applicants(user) -> QuerySet[Applicant]:
    """Whom the caller may open a case for: a window clerk for anyone, everyone else only for
    the applicants linked to their own account."""
    if has_role(user, Role.CLERK):
        return Applicant.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Applicant.objects.none()
    return Applicant.objects.filter(user=user)


def case_rows(user) -> QuerySet[Case]:
    return visible_cases(user).select_related("applicant", "handling_item__item_version")


def case_details(user) -> QuerySet[Case]:
    return visible_cases(user).select_related(
        "applicant", "handling_item__item_version", "bureau", "licence", "commitment", "commitment_verification",
    ).prefetch_related(
        Prefetch("materials", queryset=CaseMaterial.objects.select_related("material").prefetch_related(
            Prefetch("uploads", queryset=Upload.objects.order_by("uploaded_at", "id")))),
        Prefetch("events", queryset=CaseEvent.objects.order_by("seq")),
    )

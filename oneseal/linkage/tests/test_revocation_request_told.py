"""A department's revocation request (建议撤销许可) is answered by a signatory of the case's
bureau: those who may answer it are told at once (notifications, by their channels), nobody
else is — not a signatory of another county, not the staff who cannot answer it."""

from oneseal.linkage import actions
from oneseal.notifications.models import Kind, Notification
from oneseal.testing import day


def test_the_signatories_of_the_bureau_are_told_and_another_countys_are_not(
    decide, supervisor, signatory, deputy, far_staff, reviewer, clerk
):
    case = decide(on="2025-03-05")
    push = case.pushes.get()
    actions.give_feedback(
        push, actor=supervisor, kind="inspection", on=day("2025-03-18"), summary="检查合格"
    )
    assert not Notification.objects.filter(kind=Kind.ASSIGNMENT, case=case).exists()
    feedback = actions.give_feedback(
        push,
        actor=supervisor,
        kind="revocation_request",
        on=day("2025-03-20"),
        summary="经营场所已拆除，不再具备许可条件",
    )
    told = Notification.objects.filter(kind=Kind.ASSIGNMENT, case=case)
    assert sorted(told.values_list("user__username", flat=True)) == ["chief", "deputy"]
    message = told.get(user=signatory)
    assert case.number in message.title and "建议撤销" in message.title
    assert message.link == f"/linkage/cases/{case.pk}/revocation-requests/{feedback.pk}/"
    assert case.licence.number in message.body
    # A signatory of the neighbouring county cannot answer it, and is not told of it.
    assert (
        not Notification.objects.filter(user__in=[far_staff, reviewer, clerk, supervisor])
        .filter(kind=Kind.ASSIGNMENT)
        .exists()
    )

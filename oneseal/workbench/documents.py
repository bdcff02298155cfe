"""The workbench's side of documents (文书): which ones a case has and still calls for, and
issuing them for printing right after the action that calls for them. The documents app
decides what may be issued and signs it; this module calls it and turns its refusals into
page messages."""

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from oneseal.actors import User
from oneseal.cases.models import Case
from oneseal.cases.queries import Viewer
from oneseal.documents import actions as document_actions
from oneseal.documents import queries as document_queries
from oneseal.documents.models import Document, DocumentKind, PendingNotice
from oneseal.errors import DomainError, NotPermitted
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role


def may_issue(user: User, case: Case) -> bool:
    """Whom the documents app lets issue: a clerk or a signatory of the case's region. Others
    see what is due but get no button."""
    return has_role(user, Role.CLERK, case.region) or has_role(user, Role.SIGNATORY, case.region)


def documents_of(user: Viewer, case: Case) -> list[Document]:
    return document_queries.documents_for(user, case)


def due_documents(user: User, case: Case) -> list:
    """Each document the case still calls for, with the reasons it cannot be issued now."""
    if not may_issue(user, case):
        return []
    return document_queries.due_documents(case)


def _reasons(exc: DomainError) -> str:
    return "；".join(str(r) for r in exc.reasons) or str(exc.message)


def issue_one(request: HttpRequest, case: Case, kind: str) -> Document | None:
    if kind not in DocumentKind.values:
        messages.error(request, _("未知的文书种类"))
        return None
    try:
        document = document_actions.issue_document(case, kind=kind, actor=request.user)
    except NotPermitted:
        messages.error(request, _("您无权出具该文书"))
        return None
    except DomainError as exc:
        messages.error(
            request,
            _("未能出具{label}：{reason}").format(
                label=DocumentKind(kind).label, reason=_reasons(exc)
            ),
        )
        return None
    messages.success(
        request,
        _("已出具{label}（{number}）").format(
            label=document.get_kind_display(), number=document.number
        ),
    )
    return document


def last_seq(case: Case) -> int:
    """The case's chain head before an action, so that what the action issued can be found."""
    return case.events.order_by("-seq").values_list("seq", flat=True).first() or 0


def issue_due(request: HttpRequest, case: Case, *, after_seq: int = 0) -> list[Document]:
    """After an action: the notices the action issued itself (cases.notices), for printing at
    once; a notice it could not issue is said in a message with its reason (it waits in the
    queue of notices to issue); anything else still due and issuable now is issued too."""
    if not may_issue(request.user, case):
        return []
    issued = list(
        Document.objects.filter(case=case, event__seq__gt=after_seq)
        .exclude(state=Document.DocumentState.SUPERSEDED)
        .order_by("id")
    )
    for pending in PendingNotice.objects.filter(
        case=case, event__seq__gt=after_seq, document__isnull=True
    ):
        messages.warning(
            request,
            _("文书暂不能出具：{label}已列入待出具文书，原因：{reason}").format(
                label=pending.get_kind_display(), reason=pending.reason
            ),
        )
    due = [d for d in document_queries.due_documents(case) if not d.blockers]
    if due:
        try:
            issued += document_actions.issue_due_documents(case, actor=request.user)
        except NotPermitted:
            pass
        except DomainError as exc:
            messages.warning(request, _("文书暂不能出具：{reason}").format(reason=_reasons(exc)))
    for document in issued:
        messages.success(
            request,
            _("已出具{label}（{number}）").format(
                label=document.get_kind_display(), number=document.number
            ),
        )
    return issued

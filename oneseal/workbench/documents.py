"""The workbench's side of documents (文书): which ones a case has and still calls for, and
issuing them for printing right after the action that calls for them. The documents app
decides what may be issued and signs it; this module calls it and turns its refusals into
page messages."""

from django.contrib import messages
from django.utils.translation import gettext as _

from oneseal.cases.models import Case
from oneseal.documents import actions as document_actions
from oneseal.documents import queries as document_queries
from oneseal.documents.models import Document, DocumentKind
from oneseal.errors import DomainError, NotPermitted
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role


def may_issue(user, case: Case) -> bool:
    """Whom the documents app lets issue: a clerk or a signatory of the case's region. Others
    see what is due but get no button."""
    return has_role(user, Role.CLERK, case.region) or has_role(user, Role.SIGNATORY, case.region)


def documents_of(user, case: Case) -> list[Document]:
    return document_queries.documents_for(user, case)


def due_documents(user, case: Case) -> list:
    """Each document the case still calls for, with the reasons it cannot be issued now."""
    if not may_issue(user, case):
        return []
    return document_queries.due_documents(case)


def _reasons(exc: DomainError) -> str:
    return "；".join(str(r) for r in exc.reasons) or str(exc.message)


def issue_one(request, case: Case, kind: str) -> Document | None:
    if kind not in DocumentKind.values:
        messages.error(request, _("未知的文书种类"))
        return None
    try:
        document = document_actions.issue_document(case, kind=kind, actor=request.user)
    except NotPermitted:
        messages.error(request, _("您无权出具该文书"))
        return None
    except DomainError as exc:
        messages.error(request, _("未能出具{label}：{reason}").format(label=DocumentKind(kind).label,
                                                                 reason=_reasons(exc)))
        return None
    messages.success(request, _("已出具{label}（{number}）").format(label=document.get_kind_display(),
                                                                 number=document.number))
    return document


def issue_due(request, case: Case) -> list[Document]:
    """After an action: issue every document now due, so it can be printed at once; what
    cannot be issued yet is said in a message and stays listed on the case page."""
    if not may_issue(request.user, case):
        return []
    due = document_queries.due_documents(case)
    if not due:
        return []
    try:
        issued = document_actions.issue_due_documents(case, actor=request.user)
    except NotPermitted:
        return []
    except DomainError as exc:
        messages.warning(request, _("文书暂不能出具：{reason}").format(reason=_reasons(exc)))
        return []
    for document in issued:
        messages.success(request, _("已出具{label}（{number}）").format(label=document.get_kind_display(),
                                                                     number=document.number))
    for d in due:
        if d.blockers:
            messages.warning(request, _("{label}暂不能出具：{reason}").format(label=d.label,
                                                                         reason="；".join(map(str, d.blockers))))
    return issued

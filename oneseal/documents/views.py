"""The public verification page: anyone holding a document (a bank, a court, the applicant)
checks it without an account. It shows what the document itself shows and no more: the
applicant's name is printed on the document, the identity number is not."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from . import queries, rules


@require_GET
def verify(request, code: str):
    document = queries.public_document(code)
    status = 200 if document is not None else 404
    return render(request, "documents/verify.html", {"document": document, "code": code}, status=status)


@require_GET
def lookup(request):
    code = rules.normalise_code(request.GET.get("code", ""))
    if code:
        return redirect("documents:verify", code=code)
    return render(request, "documents/verify.html", {"document": None, "code": "", "ask": True})

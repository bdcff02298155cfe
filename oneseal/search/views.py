"""The search pages: the public results page (/search/?q=…&region=…) and the catalogue
administrators' synonym and exclusion pages. Views parse a form, call the query or the one action, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oneseal.catalogue.models import Catalogue
from oneseal.errors import DomainError
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role
from oneseal.throttling import throttle

from . import actions, queries
from .forms import ExclusionForm, SearchForm, SynonymForm
from .models import Exclusion, Synonym


@throttle("search")
def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    catalogues = list(
        Catalogue.objects.filter(kind=Catalogue.Kind.LOCAL)
        .select_related("region")
        .order_by("region__code")
    )
    query, region, topics, phones, matched = "", "", [], [], True
    hits: list | None = None  # queries.Results, cut to a plain list when nothing is close
    life_events: list = []
    notices: tuple = ()
    if form.is_valid():
        query = form.cleaned_data["q"]
        region = form.cleaned_data["region"]
        if region and not any(c.region.code == region for c in catalogues):
            form.add_error("region", _("该地区没有本级事项目录"))
        elif query:
            hits = queries.search_handling_items(query, region_code=region or None, limit=10)
            life_events = queries.search_life_events(query, region_code=region or None)
            matched = hits.matched
            notices = hits.notices
            if not matched:
                # Nothing close: say so, and offer where to browse and whom to call; the
                # nearest items are listed below as "可能相关".
                topics = queries.nearest_topics(hits)
                phones = queries.consultation_phones(region or None)
                hits = hits[:5]
    return render(
        request,
        "search/results.html",
        {
            "form": form,
            "query": query,
            "region": region,
            "hits": hits,
            "life_events": life_events,
            "notices": notices,
            "catalogues": catalogues,
            "matched": matched,
            "topics": topics,
            "phones": phones,
            # Queries in the catalogue's language, not translated.
            "examples": ["开饭店", "办幼儿园", "注销公司", "营业执照丢了"],
        },
    )


def _require_admin(request: HttpRequest, catalogue: Catalogue) -> None:
    if not has_role(request.user, Role.CATALOGUE_ADMIN, catalogue.region):
        raise PermissionDenied(_("您不是该目录所在地区的事项目录管理员"))


@login_required
def synonyms_index(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.CATALOGUE_ADMIN):
        raise PermissionDenied(_("您不是事项目录管理员"))
    catalogues = list(queries.administered_catalogues(request.user))
    if len(catalogues) == 1:
        return redirect("search:synonyms", catalogue_id=catalogues[0].pk)
    return render(request, "search/synonyms_index.html", {"catalogues": catalogues})


@login_required
def synonyms(request: HttpRequest, catalogue_id: int) -> HttpResponse:
    catalogue = get_object_or_404(
        Catalogue.objects.select_related("region"), pk=catalogue_id, kind=Catalogue.Kind.LOCAL
    )
    _require_admin(request, catalogue)
    items = queries.items_for_synonyms(catalogue)
    form = SynonymForm(request.POST or None, catalogue=catalogue, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            synonym = actions.add_synonym(catalogue, actor=request.user, **form.action_kwargs())
        except DomainError as e:
            add_domain_error(form, e)
        else:
            messages.success(
                request, _("已添加：群众说“{p}”时可以找到该事项。").format(p=synonym.phrase)
            )
            return redirect("search:synonyms", catalogue_id=catalogue.pk)
    rows = list(queries.synonyms_of(catalogue))
    names = dict(items)
    for row in rows:
        row.item_name = names.get(row.item_id, row.item.basic_code)
    return render(
        request,
        "search/synonyms.html",
        {
            "catalogue": catalogue,
            "form": form,
            "synonyms": rows,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def synonym_remove(request: HttpRequest, synonym_id: int) -> HttpResponse:
    synonym = get_object_or_404(Synonym.objects.select_related("catalogue__region"), pk=synonym_id)
    _require_admin(request, synonym.catalogue)
    try:
        actions.remove_synonym(synonym, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("已删除说法“{p}”。").format(p=synonym.phrase))
    return redirect("search:synonyms", catalogue_id=synonym.catalogue_id)


@login_required
def exclusions(request: HttpRequest, catalogue_id: int) -> HttpResponse:
    catalogue = get_object_or_404(
        Catalogue.objects.select_related("region"), pk=catalogue_id, kind=Catalogue.Kind.LOCAL
    )
    _require_admin(request, catalogue)
    items = queries.items_for_synonyms(catalogue)
    form = ExclusionForm(
        request.POST or None,
        catalogue=catalogue,
        items=items,
        life_events=queries.life_events_for_exclusions(catalogue),
    )
    if request.method == "POST" and form.is_valid():
        try:
            exclusion = actions.add_exclusion(catalogue, actor=request.user, **form.action_kwargs())
        except DomainError as e:
            add_domain_error(form, e)
        else:
            messages.success(
                request,
                _("已添加：群众说“{p}”时不再给出该事项。").format(p=exclusion.phrase),
            )
            return redirect("search:exclusions", catalogue_id=catalogue.pk)
    rows = list(queries.exclusions_of(catalogue))
    names = dict(items)
    for row in rows:
        row.item_name = names.get(row.item_id, row.item.basic_code)
        row.instead_name = (
            names.get(row.instead_item.pk, row.instead_item.basic_code)
            if row.instead_item is not None
            else (row.instead_life_event.name if row.instead_life_event is not None else "")
        )
    return render(
        request,
        "search/exclusions.html",
        {"catalogue": catalogue, "form": form, "exclusions": rows},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def exclusion_remove(request: HttpRequest, exclusion_id: int) -> HttpResponse:
    exclusion = get_object_or_404(
        Exclusion.objects.select_related("catalogue__region"), pk=exclusion_id
    )
    _require_admin(request, exclusion.catalogue)
    try:
        actions.remove_exclusion(
            exclusion, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("已删除排除说法“{p}”。").format(p=exclusion.phrase))
    return redirect("search:exclusions", catalogue_id=exclusion.catalogue_id)

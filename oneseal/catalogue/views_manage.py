"""The catalogue administrators' pages: the list of a catalogue's items, each item's version
history, and the draft workflow (new item, adjustment, editing, publishing, discarding).

Every page is for staff holding the catalogue-administrator role over the catalogue's region;
everyone else gets 403. Views parse a form and call one action; the action checks the role
again and writes the audit record, so these pages and the admin behave the same."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from oneseal.calendars.queries import today
from oneseal.errors import DomainError, ValidationFailed
from oneseal.interface.forms import add_domain_error
from oneseal.organisation.models import Role
from oneseal.organisation.rules import has_role, scope_prefix

from . import actions
from .forms import (
    AdjustmentForm,
    DraftForm,
    ItemFilterForm,
    NewItemForm,
    PublishForm,
)
from .models import Catalogue, HandlingItem, Item, ItemVersion

PAGE_SIZE = 100


def _require_catalogue_admin(request, catalogue: Catalogue) -> None:
    if not has_role(request.user, Role.CATALOGUE_ADMIN, catalogue.region):
        raise PermissionDenied(_("您不是该目录所在地区的事项目录管理员"))


def _io_links() -> dict:
    """The import/export pages live in their own module; fall back to their plain paths
    while those routes are not installed."""
    links = {}
    for name, fallback in (
        ("import", "/manage/catalogue/io/import/"),
        ("export", "/manage/catalogue/io/export/"),
    ):
        try:
            links[name] = reverse(f"catalogue:{name}")
        except NoReverseMatch:
            links[name] = fallback
    return links


def _render(request, template, catalogue, context, status=200):
    return render(
        request,
        f"catalogue/manage/{template}",
        {"catalogue": catalogue, "io": _io_links(), **context},
        status=status,
    )


def _admin_url(name: str, *args) -> str | None:
    try:
        return reverse(f"admin:catalogue_{name}", args=args)
    except NoReverseMatch:
        return None


@login_required
def index(request):
    """The catalogues this user administers; straight to the list when there is one."""
    prefix = scope_prefix(request.user)
    if prefix is None or not has_role(request.user, Role.CATALOGUE_ADMIN):
        raise PermissionDenied(_("您不是事项目录管理员"))
    catalogues = list(
        Catalogue.objects.filter(region__code__startswith=prefix)
        .select_related("region")
        .order_by("region__code", "kind")
    )
    if len(catalogues) == 1:
        return redirect("catalogue:items", catalogue_id=catalogues[0].pk)
    return _render(request, "index.html", None, {"catalogues": catalogues})


def latest_versions_for_list(catalogue: Catalogue, on: datetime.date):
    """The newest version of every item, with the version in force today beside it, in one query."""
    in_force = ItemVersion.objects.in_force(on).filter(item=OuterRef("item")).order_by("-number")
    return (
        ItemVersion.objects.filter(item__catalogue=catalogue)
        .latest_per_item()
        .select_related("item", "original_department", "topic")
        .annotate(
            in_force_number=Subquery(in_force.values("number")[:1]),
            in_force_from=Subquery(in_force.values("effective_from")[:1]),
        )
        .order_by("item__basic_code")
    )


@login_required
def item_list(request, catalogue_id):
    catalogue = get_object_or_404(Catalogue.objects.select_related("region"), pk=catalogue_id)
    _require_catalogue_admin(request, catalogue)
    on = today()
    versions = latest_versions_for_list(catalogue, on)
    form = ItemFilterForm(request.GET or None, catalogue=catalogue)
    cancelled = False
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            versions = versions.filter(
                Q(name__icontains=data["q"]) | Q(item__basic_code__icontains=data["q"])
            )
        if data["status"]:
            versions = versions.filter(status=data["status"])
        if data["department"]:
            versions = versions.filter(original_department=data["department"])
        if data["transfer_status"]:
            versions = versions.filter(transfer_status=data["transfer_status"])
        cancelled = data["cancelled"]
    if not cancelled:
        # A cancellation scheduled for a later date leaves the item in force until then.
        versions = versions.filter(Q(is_cancelled=False) | Q(in_force_number__isnull=False))
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _render(
        request,
        "items.html",
        catalogue,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": on,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request, catalogue_id):
    catalogue = get_object_or_404(Catalogue.objects.select_related("region"), pk=catalogue_id)
    _require_catalogue_admin(request, catalogue)
    form = NewItemForm(request.POST or None, catalogue=catalogue)
    if request.method == "POST" and form.is_valid():
        try:
            version = actions.create_item(catalogue, actor=request.user, **form.action_kwargs())
        except DomainError as e:
            add_domain_error(form, e)
        else:
            messages.success(
                request,
                _("已新增事项“{name}”（草稿）。请补充办理项和申请材料后发布。").format(
                    name=version.name
                ),
            )
            return redirect("catalogue:version", version_id=version.pk)
    return _render(request, "item_new.html", catalogue, {"form": form})


def _item_for_admin(request, item_id) -> Item:
    item = get_object_or_404(Item.objects.select_related("catalogue__region"), pk=item_id)
    _require_catalogue_admin(request, item.catalogue)
    return item


@login_required
def item_history(request, item_id):
    item = _item_for_admin(request, item_id)
    versions = list(
        item.versions.select_related(
            "created_by__staff", "published_by__staff", "merged_into", "original_department"
        )
        .prefetch_related(
            Prefetch("handling_items", queryset=HandlingItem.objects.order_by("order", "id"))
        )
        .order_by("-number")
    )
    latest = versions[0] if versions else None
    return _render(
        request,
        "history.html",
        item.catalogue,
        {
            "item": item,
            "versions": versions,
            "latest": latest,
            "today": today(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def adjust(request, item_id):
    item = _item_for_admin(request, item_id)
    latest = item.versions.order_by("-number").first()
    form = AdjustmentForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draft = actions.start_adjustment(
                item,
                actor=request.user,
                kind=data["kind"],
                reason=data["reason"],
                basis=data["basis"],
                merged_into=data["merged_into"],
            )
        except DomainError as e:
            add_domain_error(form, e)
        else:
            messages.success(
                request,
                _("已生成第{n}版草稿（{kind}）。").format(
                    n=draft.number, kind=draft.get_change_kind_display()
                ),
            )
            return redirect("catalogue:version", version_id=draft.pk)
    return _render(
        request, "adjust.html", item.catalogue, {"item": item, "latest": latest, "form": form}
    )


def _version_for_admin(request, version_id) -> ItemVersion:
    version = get_object_or_404(
        ItemVersion.objects.select_related(
            "item__catalogue__region",
            "original_department",
            "topic",
            "merged_into",
            "created_by__staff",
            "published_by__staff",
        ),
        pk=version_id,
    )
    _require_catalogue_admin(request, version.item.catalogue)
    return version


@login_required
@require_http_methods(["GET", "POST"])
def version_detail(request, version_id):
    """A version's item fields and handling items; a draft's fields are edited here and its
    handling items, materials, steps and procedures in the admin, through the same actions."""
    version = _version_for_admin(request, version_id)
    catalogue = version.item.catalogue
    form = (
        DraftForm(request.POST or None, instance=version, catalogue=catalogue)
        if version.is_draft
        else None
    )
    if request.method == "POST":
        if form is None:
            messages.error(request, _("已发布的版本不可修改；请发起调整生成新版本"))
            return redirect("catalogue:version", version_id=version.pk)
        if form.is_valid():
            changed = form.changed_fields()
            if not changed:
                messages.info(request, _("没有需要保存的修改。"))
                return redirect("catalogue:version", version_id=version.pk)
            try:
                actions.update_draft(version, actor=request.user, **changed)
            except DomainError as e:
                add_domain_error(form, e)
            else:
                messages.success(request, _("草稿已保存。"))
                return redirect("catalogue:version", version_id=version.pk)
    handling_items = list(
        version.handling_items.order_by("order", "id").annotate(
            material_count=Count("materials", distinct=True),
            step_count=Count("review_steps", distinct=True),
            procedure_count=Count("special_procedures", distinct=True),
        )
    )
    for hi in handling_items:
        hi.admin_url = _admin_url("handlingitem_change", hi.pk)  # type: ignore[attr-defined]
    add_url = _admin_url("handlingitem_add")
    return _render(
        request,
        "version.html",
        catalogue,
        {
            "version": version,
            "item": version.item,
            "form": form,
            "handling_items": handling_items,
            "blockers": actions.publish_blockers(version, today()) if version.is_draft else [],
            "admin_add_handling_item": f"{add_url}?item_version={version.pk}"
            if add_url and version.is_draft
            else None,
            "admin_version": _admin_url("itemversion_change", version.pk),
        },
    )


def _parse_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, version_id):
    """Publishing shows every reason the guide cannot be published before the user submits;
    the action checks again and refuses with the same reasons."""
    version = _version_for_admin(request, version_id)
    catalogue = version.item.catalogue
    if not version.is_draft:
        messages.error(request, _("只有草稿可以发布，已发布的版本不可修改"))
        return redirect("catalogue:history", item_id=version.item_id)
    refusal: list[str] = []
    if request.method == "POST":
        form = PublishForm(request.POST)
        # "Check" recomputes the blockers for another date without publishing.
        if form.is_valid() and "check" not in request.POST:
            on = form.cleaned_data["effective_from"]
            try:
                actions.publish(version, actor=request.user, effective_from=on)
            except ValidationFailed as e:
                refusal = e.reasons or [str(e.message)]
            except DomainError as e:
                add_domain_error(form, e)
            else:
                messages.success(
                    request,
                    _("第{n}版已发布，自{date}起施行。").format(
                        n=version.number, date=_format_date(on)
                    ),
                )
                return redirect("catalogue:history", item_id=version.item_id)
        on = form.cleaned_data.get("effective_from") if form.is_valid() else None
    else:
        on = _parse_date(request.GET.get("effective_from")) or today()
        form = PublishForm(initial={"effective_from": on})
    blockers = [] if refusal else actions.publish_blockers(version, on)
    return _render(
        request,
        "publish.html",
        catalogue,
        {
            "version": version,
            "item": version.item,
            "form": form,
            "on": on,
            "blockers": blockers,
            "refusal": refusal,
        },
        status=422 if refusal else 200,
    )


def _format_date(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


@login_required
@require_http_methods(["GET", "POST"])
def discard(request, version_id):
    version = _version_for_admin(request, version_id)
    catalogue = version.item.catalogue
    if not version.is_draft:
        messages.error(request, _("已发布的版本不可删除"))
        return redirect("catalogue:history", item_id=version.item_id)
    if request.method == "POST":
        item_id, number, name = version.item_id, version.number, version.name
        try:
            actions.discard_draft(version, actor=request.user)
        except DomainError as e:
            messages.error(request, str(e.message))
            return redirect("catalogue:version", version_id=version.pk)
        messages.success(request, _("已删除“{name}”第{n}版草稿。").format(name=name, n=number))
        if Item.objects.filter(pk=item_id).exists():
            return redirect("catalogue:history", item_id=item_id)
        return redirect("catalogue:items", catalogue_id=catalogue.pk)
    return _render(request, "discard.html", catalogue, {"version": version, "item": version.item})

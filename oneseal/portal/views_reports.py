"""Public report pages. The transfer list and its counts are published (seed 000 五(一)
向社会公开), so anyone may read them; each page also downloads as xlsx (?format=xlsx)."""

import datetime

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from oneseal.calendars.queries import today
from oneseal.catalogue.models import TransferStatus
from oneseal.catalogue.queries import TransferRow, guidance_gaps, transfer_report
from oneseal.catalogue.report_sheets import guidance_gaps_xlsx, transfer_report_xlsx
from oneseal.interface.files import xlsx_response
from oneseal.regions.models import Region


def _date_param(request: HttpRequest) -> tuple[datetime.date | None, str]:
    """The ?on date, or an error message naming the field."""
    text = request.GET.get("on", "").strip()
    if not text:
        return None, ""
    try:
        return datetime.date.fromisoformat(text), ""
    except ValueError:
        return None, _("统计日期格式应为 YYYY-MM-DD，例如 2025-07-01")


def transfer_report_page(request: HttpRequest, region_code: str) -> HttpResponseBase:
    region = get_object_or_404(Region, code=region_code)
    on, error = _date_param(request)
    context = {
        "region": region,
        "on": on or today(),
        "error": error,
        "statuses": TransferStatus.choices,
        "on_param": request.GET.get("on", ""),
    }
    if error:
        return render(request, "portal/reports/transfer.html", context, status=400)
    report = transfer_report(region, on=on)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            transfer_report_xlsx(report),
            filename=_("{region}事项划转情况统计表_{date}.xlsx").format(
                region=region.name, date=report.on.isoformat()
            ),
            ascii_filename=f"transfer-report-{region.code}-{report.on.isoformat()}.xlsx",
        )

    def counts(row: TransferRow) -> list[int]:
        return (
            [row.items[s] for s in TransferStatus.values]
            + [row.item_total]
            + [row.handling_items[s] for s in TransferStatus.values]
            + [row.handling_item_total]
        )

    context.update(
        report=report,
        rows=[(row.department, counts(row)) for row in report.rows],
        totals=counts(report.totals),
    )
    return render(request, "portal/reports/transfer.html", context)


def guidance_gaps_page(request: HttpRequest, region_code: str) -> HttpResponseBase:
    region = get_object_or_404(Region, code=region_code)
    on, error = _date_param(request)
    context = {
        "region": region,
        "on": on or today(),
        "error": error,
        "on_param": request.GET.get("on", ""),
    }
    if error:
        return render(request, "portal/reports/guidance_gaps.html", context, status=400)
    report = guidance_gaps(region, on=on)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            guidance_gaps_xlsx(report),
            filename=_("{region}指导目录缺项清单.xlsx").format(region=region.name),
            ascii_filename=f"guidance-gaps-{region.code}.xlsx",
        )
    context.update(
        report=report,
        listed=report.guidance_total - len(report.gaps) - len(report.exempted),
    )
    return render(request, "portal/reports/guidance_gaps.html", context)

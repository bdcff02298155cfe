from django.urls import path

from . import views_reports

urlpatterns = [
    path("transfer/<str:region_code>/", views_reports.transfer_report_page, name="transfer-report"),
    path(
        "guidance-gaps/<str:region_code>/", views_reports.guidance_gaps_page, name="guidance-gaps"
    ),
]

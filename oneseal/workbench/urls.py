from django.urls import path

from . import lead_times, licences, views_authorisations
from .views import case, intake, queues

app_name = "workbench"
urlpatterns = [
    path("", queues.home, name="home"),
    path("sign/", queues.sign, name="sign"),
    path("assigned/", queues.assigned, name="assigned"),
    path("intake/", intake.intake, name="intake"),
    path("intake/items/", intake.find_items, name="find-items"),
    path("intake/check-number/", intake.check_number, name="check-number"),
    path("intake/checklist/", intake.checklist, name="intake-checklist"),
    path("intake/<int:pk>/", intake.intake_case, name="intake-case"),
    path("cases/<int:pk>/", case.case_page, name="case"),
    path("cases/<int:pk>/act/<slug:name>/", case.act, name="act"),
    path("cases/<int:pk>/issue/<slug:kind>/", case.issue, name="issue"),
    path("uploads/<int:pk>/", case.upload_file, name="upload"),
    path("authorisations/", views_authorisations.authorisations, name="authorisations"),
    path("authorisations/record/", views_authorisations.record, name="authorisation-record"),
    path(
        "authorisations/<int:pk>/revoke/", views_authorisations.revoke, name="authorisation-revoke"
    ),
    path("licences/", licences.register, name="licences"),
    path("intake/licences/", licences.find_for_applicant, name="find-licences"),
    path("licences/<int:pk>/", licences.licence_page, name="licence"),
    path("notices/", queues.notices, name="notices"),
    path("renewal-lead-times/", lead_times.lead_times, name="lead-times"),
    path("renewal-lead-times/<int:pk>/", lead_times.set_lead_time, name="lead-time-set"),
    path("notices/<int:pk>/issue/", queues.issue_notice, name="issue-notice"),
]

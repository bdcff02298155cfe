from django.urls import path

from . import licences, views, views_authorisations

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign/", views.sign, name="sign"),
    path("intake/", views.intake, name="intake"),
    path("intake/items/", views.find_items, name="find-items"),
    path("intake/check-number/", views.check_number, name="check-number"),
    path("intake/<int:pk>/", views.intake_case, name="intake-case"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/act/<slug:name>/", views.act, name="act"),
    path("cases/<int:pk>/issue/<slug:kind>/", views.issue, name="issue"),
    path("uploads/<int:pk>/", views.upload_file, name="upload"),
    path("authorisations/", views_authorisations.authorisations, name="authorisations"),
    path("authorisations/record/", views_authorisations.record, name="authorisation-record"),
    path("authorisations/<int:pk>/revoke/", views_authorisations.revoke, name="authorisation-revoke"),
    path("licences/", licences.register, name="licences"),
    path("intake/licences/", licences.find_for_applicant, name="find-licences"),
    path("licences/<int:pk>/", licences.licence_page, name="licence"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/issue/", views.issue_notice, name="issue-notice"),
]

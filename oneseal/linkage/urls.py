from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "linkage"
urlpatterns = [
    # The department supervisor's landing page is their inbox: pushes to sign, feedback owed,
    # support requests and opinions asked of them.
    path("", RedirectView.as_view(pattern_name="linkage:inbox"), name="home"),
    path("boundaries/<str:region_code>/", views.boundaries, name="boundaries"),
    path("manage/boundaries/", views.boundaries_manage, name="boundaries-manage"),
    path("manage/boundaries/<int:item_id>/", views.boundary_edit, name="boundary-edit"),
    path("inbox/", views.inbox, name="inbox"),
    path("pushes/<int:pk>/", views.push_detail, name="push"),
    path("pushes/<int:pk>/sign/", views.push_sign, name="push-sign"),
    path("pushes/<int:pk>/feedback/", views.push_feedback, name="push-feedback"),
    path("support/<int:pk>/", views.support_detail, name="support"),
    path("support/<int:pk>/files/<int:file_pk>/", views.support_file, name="support-file"),
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion"),
    path("opinions/<int:pk>/withdraw/", views.opinion_withdraw, name="opinion-withdraw"),
    path("opinions/<int:pk>/files/<int:file_pk>/", views.opinion_file, name="opinion-file"),
    path("cases/<int:case_id>/", views.case_panel, name="case"),
    path("cases/<int:case_id>/opinions/", views.request_opinion, name="case-opinion"),
    path(
        "cases/<int:case_id>/revocation-requests/<int:feedback_id>/",
        views.decide_revocation,
        name="decide-revocation",
    ),
    path("dead-letters/", views.dead_letters, name="dead-letters"),
    path("dead-letters/<int:pk>/replay/", views.replay, name="replay"),
]

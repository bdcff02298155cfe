from django.urls import include, path

from . import views, views_account, views_cases, views_files, views_licences, views_track

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/<str:region_code>/", views.catalogue, name="catalogue"),
    path("catalogue/<str:region_code>/bookable/", views.bookable, name="bookable"),
    path("guide/<int:handling_item_id>/", views.guide, name="guide"),
    path("guide/materials/<int:pk>/<str:kind>/", views_files.material_file, name="material_file"),
    path("reports/", include("oneseal.portal.urls_reports")),
    path("account/signup/", views_account.signup, name="signup"),
    path("account/check-number/", views_account.check_number, name="check_number"),
    path("account/signin/", views_account.SignInView.as_view(), name="signin"),
    path("account/", views_account.account, name="account"),
    path("account/authorisations/<int:pk>/renounce/", views_account.renounce, name="renounce"),
    path("apply/<int:handling_item_id>/", views_cases.apply, name="apply"),
    path("my/cases/", views_cases.my_cases, name="my_cases"),
    path("my/cases/<int:pk>/", views_cases.my_case, name="my_case"),
    path("my/cases/<int:pk>/materials/<int:line>/upload/", views_cases.upload, name="upload"),
    path("my/cases/<int:pk>/materials/<int:line>/supply/", views_cases.supply, name="supply"),
    path("my/cases/<int:pk>/correction/", views_cases.submit_correction, name="submit_correction"),
    path("my/cases/<int:pk>/withdraw/", views_cases.withdraw, name="withdraw"),
    path(
        "my/cases/<int:pk>/revocation-views/", views_cases.revocation_views, name="revocation_views"
    ),
    path("my/licences/", views_licences.my_licences, name="my_licences"),
    path("track/", views_track.track, name="track"),
]

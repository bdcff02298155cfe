from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("一枚印章管审批 · 管理后台")
admin.site.site_title = _("一枚印章管审批")
admin.site.index_title = _("参考数据管理")

urlpatterns = [
    path("api/", include("oneseal.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("oneseal.operations.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("manage/catalogue/", include("oneseal.catalogue.urls")),
    path("documents/", include("oneseal.documents.urls")),
    path("workbench/", include("oneseal.workbench.urls")),
    path("linkage/", include("oneseal.linkage.urls")),
    path("esupervision/", include("oneseal.esupervision.urls")),
    path("appointments/", include("oneseal.appointments.urls")),
    path("ratings/", include("oneseal.ratings.urls")),
    path("hearings/", include("oneseal.hearings.urls")),
    path("projects/", include("oneseal.projects.urls")),
    path("inspections/", include("oneseal.inspections.urls")),
    path("experts/", include("oneseal.experts.urls")),
    path("intermediaries/", include("oneseal.intermediaries.urls")),
    path("transfers/", include("oneseal.transfers.urls")),
    path("handovers/", include("oneseal.handovers.urls")),
    path("delegations/", include("oneseal.delegations.urls")),
    path("my/drafts/", include("oneseal.drafts.urls")),
    path("reuse/", include("oneseal.reuse.urls")),
    path("elicences/", include("oneseal.elicences.urls")),
    path("archives/", include("oneseal.archives.urls")),
    path("search/", include("oneseal.search.urls")),
    path("publications/", include("oneseal.publications.urls")),
    path("notifications/", include("oneseal.notifications.urls")),
    path("", include("oneseal.portal.urls")),
    prefix_default_language=False,
)

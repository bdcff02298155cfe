# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api, api_bundles, api_desk, api_joint

urlpatterns = [
    path("projects", api.Projects.as_view(), name="projects"),
    path("projects/<int:pk>", api.ProjectDetail.as_view(), name="project"),
    path("projects/<int:pk>/stages", api_bundles.ProjectStages.as_view(), name="project-stages"),
    path("projects/<int:pk>/clock", api_bundles.ProjectClock.as_view(), name="project-clock"),
    path("stage-templates", api.StageTemplates.as_view(), name="stage-templates"),
    path("life-events", api_bundles.LifeEvents.as_view(), name="life-events"),
    path(
        "life-events/<int:pk>/applications",
        api_bundles.LifeEventApplications.as_view(),
        name="life-event-applications",
    ),
    path("bundles/<int:pk>", api_bundles.BundleDetail.as_view(), name="bundle"),
    path("stage-applications", api_desk.StageApplications.as_view(), name="stage-applications"),
    path(
        "stage-applications/<int:pk>",
        api_desk.StageApplicationDetail.as_view(),
        name="stage-application",
    ),
    path(
        "projects/<int:pk>/joint-steps",
        api_joint.ProjectJointSteps.as_view(),
        name="project-joint-steps",
    ),
    path("joint-steps/<int:pk>", api_joint.JointStepDetail.as_view(), name="joint-step"),
    path("joint-steps/<int:pk>/cases", api_joint.JointStepCases.as_view(), name="joint-step-cases"),
    path("joint-steps/<int:pk>/ask", api_joint.JointStepAsk.as_view(), name="joint-step-ask"),
    path(
        "joint-steps/<int:pk>/section-result",
        api_joint.JointStepSectionResult.as_view(),
        name="joint-step-section-result",
    ),
    path(
        "joint-steps/<int:pk>/conclude",
        api_joint.JointStepConclude.as_view(),
        name="joint-step-conclude",
    ),
    path(
        "joint-steps/<int:pk>/report", api_joint.JointStepReport.as_view(), name="joint-step-report"
    ),
]

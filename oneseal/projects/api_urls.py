# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api, joint_api

urlpatterns = [
    path("projects", api.Projects.as_view(), name="projects"),
    path("projects/<int:pk>", api.ProjectDetail.as_view(), name="project"),
    path("stage-templates", api.StageTemplates.as_view(), name="stage-templates"),
    path(
        "projects/<int:pk>/joint-steps",
        joint_api.ProjectJointSteps.as_view(),
        name="project-joint-steps",
    ),
    path("joint-steps/<int:pk>", joint_api.JointStepDetail.as_view(), name="joint-step"),
    path("joint-steps/<int:pk>/cases", joint_api.JointStepCases.as_view(), name="joint-step-cases"),
    path("joint-steps/<int:pk>/ask", joint_api.JointStepAsk.as_view(), name="joint-step-ask"),
    path(
        "joint-steps/<int:pk>/section-result",
        joint_api.JointStepSectionResult.as_view(),
        name="joint-step-section-result",
    ),
    path(
        "joint-steps/<int:pk>/conclude",
        joint_api.JointStepConclude.as_view(),
        name="joint-step-conclude",
    ),
    path(
        "joint-steps/<int:pk>/report", joint_api.JointStepReport.as_view(), name="joint-step-report"
    ),
]

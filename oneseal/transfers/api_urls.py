# Included by oneseal.api.v1 inside the "api" namespace.
from django.urls import path

from . import api, api_reform, api_rollout, api_staff, api_tasks

urlpatterns = [
    path("transfers/agreements", api.Agreements.as_view(), name="transfer-agreements"),
    path("transfers/agreements/<int:pk>", api.AgreementDetail.as_view(), name="transfer-agreement"),
    path(
        "transfers/agreements/<int:pk>/sign",
        api.SignAgreement.as_view(),
        name="transfer-agreement-sign",
    ),
    path(
        "transfers/agreements/<int:pk>/seal",
        api.SealAgreement.as_view(),
        name="transfer-agreement-seal",
    ),
    path("transfers/staff/<int:pk>/clear", api.ClearStaff.as_view(), name="transfer-staff-clear"),
    path("transfers/staff-register", api.StaffRegister.as_view(), name="transfer-staff-register"),
    path("transfers/transitions", api.Transitions.as_view(), name="transfer-transitions"),
    path("transfers/reforms/<int:pk>/tasks", api_reform.TaskTable.as_view(), name="reform-tasks"),
    path("transfers/reforms", api_tasks.Reforms.as_view(), name="reforms"),
    path(
        "transfers/reforms/<int:pk>/milestones",
        api_tasks.Milestones.as_view(),
        name="reform-milestones",
    ),
    path(
        "transfers/reform-tasks/<int:pk>/status",
        api_tasks.TaskStatusView.as_view(),
        name="reform-task-status",
    ),
    path("transfers/quotas", api_staff.Quotas.as_view(), name="transfer-quotas"),
    path(
        "transfers/staff-transfers",
        api_staff.StaffTransfers.as_view(),
        name="transfer-staff-transfers",
    ),
    path(
        "transfers/staff/<int:pk>/trainings",
        api_staff.Trainings.as_view(),
        name="transfer-staff-trainings",
    ),
    path(
        "transfers/reform-tasks/<int:pk>/reports",
        api_reform.TaskReport.as_view(),
        name="reform-task-report",
    ),
    path(
        "transfers/rollouts/<int:pk>/dashboard",
        api_reform.Dashboard.as_view(),
        name="rollout-dashboard",
    ),
    path("transfers/rollouts", api_rollout.StartRollout.as_view(), name="rollout-start"),
    path(
        "transfers/rollout-counties/<int:pk>",
        api_rollout.CountySetup.as_view(),
        name="rollout-county",
    ),
    path(
        "transfers/rollout-counties/<int:pk>/filings",
        api_rollout.FileList.as_view(),
        name="rollout-county-file",
    ),
    path(
        "transfers/rollout-counties/<int:pk>/staff/<int:staff>/link",
        api_rollout.AccountLink.as_view(),
        name="rollout-account-link",
    ),
    path(
        "transfers/list-filings/<int:pk>/accept",
        api_rollout.AcceptFiling.as_view(),
        name="list-filing-accept",
    ),
    path(
        "transfers/list-filings/<int:pk>/return",
        api_rollout.ReturnFiling.as_view(),
        name="list-filing-return",
    ),
]

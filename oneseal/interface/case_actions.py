"""The case actions as the interfaces offer them: for each, its name in URLs and forms, the
input serializer that parses its body, and the action in `oneseal.cases.actions` it calls.
The API makes one endpoint of each (`api/cases/views.py`); the workbench's case page parses
its forms with the same inputs, so a page and the API accept the same input."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _l
from rest_framework import serializers

from oneseal.cases import actions
from oneseal.cases.models import CaseMaterial, CaseStep, Delivery
from oneseal.catalogue.models import ReviewStep, SpecialProcedure

from .rest import DATE_FORMAT, choices_of, listed_choices

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise


def required_text(max_length: int, help_text: "StrOrPromise") -> serializers.CharField:
    # Blank passes here so that the action's own message, which names the rule, is the one shown.
    return serializers.CharField(max_length=max_length, allow_blank=True, help_text=help_text)


def optional_text(max_length: int, help_text: "StrOrPromise") -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", help_text=help_text
    )


class LineMapField(serializers.DictField):
    """A JSON object keyed by checklist line ids ("12": …), parsed to {12: …}."""

    default_error_messages = {"not_a_line": _l("键“{value}”应为办件材料编号（整数）")}

    def to_internal_value(self, data: dict[Any, Any]) -> dict[int, Any]:
        parsed = super().to_internal_value(data)
        out = {}
        for key, value in parsed.items():
            try:
                out[int(key)] = value
            except (TypeError, ValueError):
                self.fail("not_a_line", value=key)
        return out


def staff_users() -> "QuerySet[AuthUser]":
    return get_user_model().objects.filter(staff__isnull=False)


class ActionInput(serializers.Serializer):
    # Optional for the API's callers, the same for every action; the pages' forms always send
    # it and are refused without it (`interface.forms.required_version`).
    expected_version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text=_l(
            "调用方看到的办件版本号（lock_version）：办件已被他人改动时返回 409，不作任何改动；"
            "省略时不核对版本"
        ),
    )


class CheckMaterialsInput(ActionInput):
    statuses = LineMapField(
        child=choices_of(
            [c for c in CaseMaterial.Status.choices if c[0] != CaseMaterial.Status.TOLERATED],
            help_text=_l("材料状态"),
        ),
        help_text=_l("{材料清单行编号: 状态}"),
    )
    notes = LineMapField(
        child=serializers.CharField(max_length=300, allow_blank=True),
        required=False,
        default=dict,
        help_text=_l("{材料清单行编号: 说明}"),
    )


class AcceptInput(ActionInput):
    tolerated = LineMapField(
        child=serializers.DateField(
            input_formats=[DATE_FORMAT], error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")}
        ),
        required=False,
        default=dict,
        help_text=_l("容缺受理：{材料清单行编号: 承诺补齐日期 YYYY-MM-DD}"),
    )


class RefuseInput(ActionInput):
    clause = choices_of(
        [
            ("1", _l("第三十二条第一款第（一）项：不需要取得行政许可")),
            ("2", _l("第三十二条第一款第（二）项：不属于本机关职权范围")),
        ],
        help_text=_l("不予受理的依据"),
    )
    reason = required_text(2000, _l("不予受理的理由"))
    competent_body = optional_text(200, _l("有权受理的行政机关（依第（二）项不予受理时必填）"))


class RequestCorrectionInput(ActionInput):
    items = LineMapField(
        child=serializers.CharField(max_length=300, allow_blank=True),
        help_text=_l("一次性告知：{材料清单行编号: 需补正的内容}"),
    )


class ApproveExtensionInput(ActionInput):
    government_approver = optional_text(
        100, _l("联合办理延长十五日时：批准的本级人民政府负责人（第四十二条第二款）")
    )
    approval_document = optional_text(100, _l("联合办理延长十五日时：批准文件或文号"))


class SuspendInput(ActionInput):
    kind = listed_choices(SpecialProcedure.Kind.choices, help_text=_l("特别程序"))
    reason = required_text(2000, _l("中止理由"))
    expected_days = serializers.IntegerField(min_value=1, help_text=_l("预计所需工作日数"))


class ReasonInput(ActionInput):
    reason = required_text(2000, _l("理由"))


class AssignStepInput(ActionInput):
    step = serializers.PrimaryKeyRelatedField(
        queryset=ReviewStep.objects.all(),
        help_text=_l("审批环节编号（steps[].review_step_id）"),
        error_messages={
            "does_not_exist": _l("审批环节 {pk_value} 不存在"),
            "incorrect_type": _l("应为整数编号"),
        },
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=staff_users(),
        help_text=_l("承办人（工作人员账号编号）"),
        error_messages={
            "does_not_exist": _l("工作人员 {pk_value} 不存在"),
            "incorrect_type": _l("应为整数编号"),
        },
    )


class CompleteReviewStepInput(ActionInput):
    opinion = required_text(4000, _l("审查意见"))
    outcome = choices_of(CaseStep.Outcome.choices, help_text=_l("结论"))


class SiteInspectionInput(ActionInput):
    on = serializers.DateField(
        input_formats=[DATE_FORMAT],
        help_text=_l("核查日期 YYYY-MM-DD"),
        error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")},
    )
    place = required_text(300, _l("核查地点"))
    findings = required_text(4000, _l("核查情况"))
    inspectors = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=staff_users(),
        help_text=_l("核查人员（两名以上工作人员账号编号）"),
        error_messages={
            "does_not_exist": _l("工作人员 {pk_value} 不存在"),
            "incorrect_type": _l("应为整数编号"),
        },
    )


def hearing_record_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_l(
            "决定所依据的听证笔录编号：举行过听证的办件必填（《行政许可法》第四十八条第二款）"
        ),
        error_messages={"invalid": _l("应为听证笔录编号（整数）")},
    )


class GrantInput(ActionInput):
    # Which fields a grant needs depends on the handling item's variant; the action says (新办:
    # scope and validity; 变更: the new scope, validity unchanged; 延续: the new validity;
    # 补证: nothing new; 注销: nothing).
    scope = optional_text(2000, _l("许可范围（新办、变更必填；延续不填则不变；补证、注销不填）"))
    valid_from = serializers.DateField(
        input_formats=[DATE_FORMAT],
        required=False,
        allow_null=True,
        default=None,
        help_text=_l("有效期自 YYYY-MM-DD（新办必填；延续不填则自原有效期届满次日起）"),
        error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")},
    )
    valid_until = serializers.DateField(
        input_formats=[DATE_FORMAT],
        required=False,
        allow_null=True,
        default=None,
        help_text=_l("有效期至 YYYY-MM-DD；新办长期有效时不填；延续不填则按办事指南的有效期"),
        error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")},
    )
    hearing_record = hearing_record_field()


class DenyInput(ActionInput):
    reasons = serializers.ListField(
        child=serializers.CharField(max_length=2000, allow_blank=True),
        help_text=_l("不予许可的理由，逐条列明"),
    )
    hearing_record = hearing_record_field()


class DeliverInput(ActionInput):
    channel = choices_of(Delivery.DeliveryChannel.choices, help_text=_l("送达方式"))
    tracking_number = optional_text(60, _l("邮件单号（邮寄送达时必填）"))


class SupplyToleratedInput(ActionInput):
    line = serializers.IntegerField(help_text=_l("容缺材料的清单行编号（materials[].id）"))
    # Optional here so that the action's own message, which names the rule, is the one shown.
    file = serializers.FileField(
        source="upload", required=False, help_text=_l("补齐的材料：PDF、JPG 或 PNG 文件")
    )


class RecordCommitmentInput(ActionInput):
    text = required_text(4000, _l("承诺内容：申请人承诺符合的许可条件"))
    signed_on = serializers.DateField(
        input_formats=[DATE_FORMAT],
        help_text=_l("承诺书签署日期 YYYY-MM-DD"),
        error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")},
    )


class VerifyCommitmentInput(ActionInput):
    truthful = serializers.BooleanField(
        help_text=_l("核查结论：true 承诺属实，false 承诺不实（虚假承诺）")
    )
    findings = required_text(4000, _l("核查情况"))


class ProposeRevocationInput(ActionInput):
    facts = required_text(4000, _l("拟撤销的事实和理由（写入撤销行政许可告知书）"))
    basis = optional_text(300, _l("法律依据；不填为《行政许可法》第六十九条第一款"))
    hearing_right = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_l("直接涉及持证人与他人之间重大利益（第四十七条）的，告知听证权利"),
    )
    views_days = serializers.IntegerField(
        required=False, default=5, help_text=_l("陈述、申辩期限（工作日），5至30")
    )


class DatedInput(ActionInput):
    on = serializers.DateField(
        input_formats=[DATE_FORMAT],
        required=False,
        default=None,
        allow_null=True,
        help_text=_l("日期 YYYY-MM-DD；不填为今天"),
        error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")},
    )


class RevocationViewsInput(ActionInput):
    views = required_text(8000, _l("陈述、申辩意见"))
    hearing_requested = serializers.BooleanField(
        required=False, default=False, help_text=_l("申请听证（仅在告知书告知听证权利时）")
    )


class RevocationHearingInput(ActionInput):
    held_on = serializers.DateField(
        input_formats=[DATE_FORMAT],
        help_text=_l("听证日期 YYYY-MM-DD"),
        error_messages={"invalid": _l("日期格式应为 YYYY-MM-DD")},
    )
    record = required_text(8000, _l("听证笔录摘要"))


class DecideRevocationInput(ActionInput):
    revoke = serializers.BooleanField(help_text=_l("true 决定撤销，false 决定不予撤销"))
    reason = required_text(4000, _l("决定理由：对陈述、申辩意见的复核"))


# --- The table: one entry per action ------------------------------------------------------


@dataclass(frozen=True)
class CaseAction:
    """`call(case, actor=…, **validated body)`; the body's names are the action's keywords."""

    name: str
    input: type[serializers.Serializer]
    call: Callable
    summary: "StrOrPromise"
    description: "StrOrPromise" = ""
    # The action's first statement is its case's lock (`actions._base.lock`), nothing done
    # before it: a caller may leave the region range of its scope for the lock to check
    # (`Case.in_range`; api.cases.views.CaseActionView).
    locks_first: bool = False


ACTIONS = [
    CaseAction(
        "check-materials",
        CheckMaterialsInput,
        actions.check_materials,
        _l("核验材料"),
        _l("逐项记录材料已提交、缺少、需补正或不适用。"),
        locks_first=True,
    ),
    CaseAction(
        "accept",
        AcceptInput,
        actions.accept,
        _l("受理"),
        _l(
            "《行政许可法》第三十二条第一款第（五）项。tolerated 列出可容缺的非核心材料及承诺补齐日期（容缺受理）。"
        ),
        locks_first=True,
    ),
    CaseAction(
        "refuse",
        RefuseInput,
        actions.refuse,
        _l("不予受理"),
        _l("第三十二条第一款第（一）项或第（二）项；第（二）项须告知有权机关。"),
        locks_first=True,
    ),
    CaseAction(
        "request-correction",
        RequestCorrectionInput,
        actions.request_correction,
        _l("一次性告知补正"),
        _l("一次列明全部需补正的材料；收件后5个工作日内。"),
        locks_first=True,
    ),
    CaseAction(
        "submit-correction",
        ActionInput,
        actions.submit_correction,
        _l("提交补正材料"),
        _l("受理审查的5个工作日自补正材料到达之日重新起算。"),
    ),
    CaseAction("assign-step", AssignStepInput, actions.assign_step, _l("分派审批环节")),
    CaseAction(
        "complete-review-step",
        CompleteReviewStepInput,
        actions.complete_review_step,
        _l("完成当前审批环节"),
    ),
    CaseAction(
        "record-site-inspection",
        SiteInspectionInput,
        actions.record_site_inspection,
        _l("记录现场核查"),
        _l("第三十四条第三款：两名以上工作人员。"),
    ),
    CaseAction(
        "suspend",
        SuspendInput,
        actions.suspend,
        _l("中止（特别程序）"),
        _l("第四十五条：特别程序所需时间不计入期限。"),
    ),
    CaseAction("resume", ActionInput, actions.resume, _l("恢复办理")),
    CaseAction(
        "request-extension",
        ReasonInput,
        actions.request_extension,
        _l("申请延期"),
        _l("第四十二条：只能延期一次。"),
    ),
    CaseAction(
        "approve-extension",
        ApproveExtensionInput,
        actions.approve_extension,
        _l("批准延期"),
        _l(
            "第四十二条：经本行政机关负责人批准，延长10个工作日；联合办理经本级人民政府负责人批准，延长15日。"
        ),
    ),
    CaseAction(
        "reject-extension",
        ReasonInput,
        actions.reject_extension,
        gettext_lazy("驳回延期申请"),
        gettext_lazy(
            "本行政机关负责人不批准延期，说明理由；办理期限不变，法定期限届满前可再次申请。"
        ),
    ),
    CaseAction(
        "grant", GrantInput, actions.grant, _l("准予许可"), _l("第三十八条第一款；颁发证照。")
    ),
    CaseAction(
        "deny",
        DenyInput,
        actions.deny,
        _l("不予许可"),
        _l("第三十八条第二款：说明理由，告知申请复议或提起诉讼的权利。"),
    ),
    CaseAction(
        "deliver",
        DeliverInput,
        actions.deliver,
        _l("送达"),
        _l("第四十四条：决定之日起10个工作日内。"),
    ),
    CaseAction("withdraw", ReasonInput, actions.withdraw, _l("撤回申请")),
    CaseAction("terminate", ReasonInput, actions.terminate, _l("终止办理")),
    CaseAction(
        "supply-tolerated-material",
        SupplyToleratedInput,
        actions.supply_tolerated_material,
        _l("补齐容缺材料"),
    ),
    CaseAction(
        "propose-revocation",
        ProposeRevocationInput,
        actions.propose_revocation,
        _l("提出撤销许可"),
        _l(
            "《行政许可法》第六十九条：审查人员或签批领导提出，写明事实、理由和依据；随后出具撤销行政许可告知书。"
        ),
    ),
    CaseAction(
        "notify-revocation",
        DatedInput,
        actions.notify_revocation,
        _l("登记告知书送达"),
        _l("撤销行政许可告知书出具后登记送达日期；陈述、申辩期限自送达次日起按工作日计算。"),
    ),
    CaseAction(
        "submit-revocation-views",
        RevocationViewsInput,
        actions.submit_revocation_views,
        _l("陈述、申辩"),
        _l(
            "第七条：持证人本人网上提出，或窗口工作人员记录持证人书面、口头提出的意见；可申请听证（第四十七条）。"
        ),
    ),
    CaseAction(
        "record-revocation-hearing",
        RevocationHearingInput,
        actions.record_revocation_hearing,
        _l("登记听证"),
    ),
    CaseAction(
        "decide-revocation",
        DecideRevocationInput,
        actions.decide_revocation,
        _l("作出撤销决定"),
        _l(
            "签批领导在收到陈述、申辩意见（申请听证的，听证后）或期限届满后决定撤销或不予撤销；"
            "撤销决定书载明依据和救济途径（复议六十日、诉讼六个月）。"
        ),
    ),
    CaseAction(
        "withdraw-revocation-proposal",
        ReasonInput,
        actions.withdraw_revocation_proposal,
        _l("撤回撤销提议"),
    ),
    CaseAction(
        "record-commitment",
        RecordCommitmentInput,
        actions.record_commitment,
        _l("登记告知承诺书"),
        _l(
            "告知承诺制办理项：申请人书面承诺符合许可条件，由窗口人员登记或申请人本人网上签署；准予许可前须已登记。"
        ),
    ),
    CaseAction(
        "verify-commitment",
        VerifyCommitmentInput,
        actions.verify_commitment,
        _l("告知承诺核查"),
        _l(
            "审查人员或原审批部门的监管人员记录核查结论；承诺不实的，依《行政许可法》第六十九条第二款撤销许可并记入申请人信用记录。"
        ),
    ),
]

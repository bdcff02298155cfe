"""Picking a document a government body issued instead of uploading (免证办)."""

import json

import pytest
import time_machine

from oneseal.audit.models import AuditEvent
from oneseal.cases import actions as case_actions
from oneseal.cases.models import Upload
from oneseal.documents.models import Document
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.reuse import actions, importing, queries, sources
from oneseal.reuse.models import ImportedLicence, MaterialMapping, ReusedMaterial
from oneseal.testing import at, day, revoke_through_procedure

from .conftest import elicence, line_of

LICENCE_LINE = "食品经营许可证（副本）复印件"


def test_the_lines_are_offered_the_applicants_documents_that_stand_for_them(
    sign_case, food_licence, business_licence
):
    offers = queries.offers_for_case(sign_case, day("2025-04-01"))
    by_name = {line.material.name: offers[line.pk] for line in sign_case.materials.all()}
    assert [c.identifier for c in by_name[LICENCE_LINE]] == [food_licence.number]
    assert [c.identifier for c in by_name["营业执照"]] == [business_licence.identifier]
    assert by_name["食品经营许可申请书"] == []


def test_a_licence_is_picked_its_document_attached_and_its_source_recorded(
    sign_case, food_licence, clerk
):
    line = line_of(sign_case, LICENCE_LINE)
    with time_machine.travel(at("2025-04-01 10:00"), tick=False):
        row = actions.pick(line, actor=clerk, kind="licence", source_id=food_licence.pk)
    document = Document.objects.get(case=food_licence.case, kind="licence")
    assert (row.kind, row.source_id, row.identifier) == (
        "licence",
        food_licence.pk,
        food_licence.number,
    )
    assert row.verified_on == day("2025-04-01") and row.verified_by == clerk
    upload = Upload.objects.get(case_material=line)
    assert upload == row.upload
    assert (upload.file.name, upload.sha256) == (document.file.name, document.sha256)
    event = sign_case.events.get(action="attach_file")
    assert event.data["reused"]["identifier"] == food_licence.number
    assert AuditEvent.objects.filter(action="reuse.pick").count() == 1
    # Offered no more for that line once picked.
    assert queries.offers_for_case(sign_case, day("2025-04-01"))[line.pk] == []


def test_an_imported_elicence_without_a_file_is_recorded_with_its_event(
    sign_case, business_licence, own_applicant, applicant, clerk
):
    line = line_of(sign_case, "营业执照")
    row = actions.pick(line, actor=clerk, kind="imported", source_id=business_licence.pk)
    assert row.upload is None and row.issuer == "平罗县市场监督管理局"
    assert not Upload.objects.filter(case_material=line).exists()
    assert sign_case.events.get(action="attach_file").data["reused"]["kind"] == "imported"


def test_someone_elses_licence_cannot_be_picked(
    sign_item, food_licence, clerk, own_applicant, applicant_user
):
    case = case_actions.receive(
        sign_item, actor=clerk, applicant=own_applicant, at=at("2025-04-01 09:00")
    )
    line = line_of(case, LICENCE_LINE)
    for actor in (clerk, applicant_user):
        with pytest.raises(ValidationFailed) as exc:
            actions.pick(line, actor=actor, kind="licence", source_id=food_licence.pk)
        field = f"material-{line.material_id}"
        assert "不属于申请人" in exc.value.fields[field][0]
        assert LICENCE_LINE in exc.value.fields[field][0]
    assert not ReusedMaterial.objects.exists() and not Upload.objects.exists()
    # Nor is it offered.
    assert queries.offers_for_case(case, day("2025-04-01"))[line.pk] == []


def test_only_the_applicant_or_a_clerk_of_the_region_may_pick(
    sign_case, food_licence, far_staff, other_applicant_user, reviewer
):
    line = line_of(sign_case, LICENCE_LINE)
    for actor in (far_staff, other_applicant_user, reviewer):
        with pytest.raises(NotPermitted):
            actions.pick(line, actor=actor, kind="licence", source_id=food_licence.pk)


def test_an_expired_licence_is_refused(sign_case, food_licence, clerk):
    line = line_of(sign_case, LICENCE_LINE)
    with pytest.raises(ValidationFailed) as exc:
        actions.pick(
            line, actor=clerk, kind="licence", source_id=food_licence.pk, on=day("2030-03-03")
        )
    assert "已过期" in exc.value.fields[f"material-{line.material_id}"][0]
    # The last day of validity still counts.
    actions.pick(line, actor=clerk, kind="licence", source_id=food_licence.pk, on=day("2030-03-02"))


def test_a_revoked_or_expired_elicence_is_refused(sign_case, clerk):
    read = importing.read_json(
        json.dumps(
            [
                elicence(identifier="A", status="吊销"),
                elicence(identifier="B", valid_until="2024-12-31"),
                elicence(identifier="C", holder_code="640221198001011237", holder_name="马𠮷祥"),
            ]
        )
    )
    actions.import_licences(read, source="file", system=True)
    line = line_of(sign_case, "营业执照")
    expected = {"A": "已吊销", "B": "2024年12月31日届满", "C": "不属于申请人"}
    for ident, words in expected.items():
        pk = ImportedLicence.objects.get(identifier=ident).pk
        with pytest.raises(ValidationFailed) as exc:
            actions.pick(line, actor=clerk, kind="imported", source_id=pk, on=day("2025-04-01"))
        assert words in exc.value.fields[f"material-{line.material_id}"][0]
    with pytest.raises(ValidationFailed, match="不存在"):
        actions.pick(line, actor=clerk, kind="imported", source_id=999999)
    assert not ReusedMaterial.objects.exists()


def test_the_same_document_is_not_picked_twice_for_a_line(sign_case, business_licence, clerk):
    line = line_of(sign_case, "营业执照")
    actions.pick(line, actor=clerk, kind="imported", source_id=business_licence.pk)
    with pytest.raises(ValidationFailed, match="已复用"):
        actions.pick(line, actor=clerk, kind="imported", source_id=business_licence.pk)


def test_a_document_revoked_after_it_was_picked_is_flagged(
    sign_case, business_licence, food_licence, clerk, signatory, reviewer
):
    line = line_of(sign_case, "营业执照")
    actions.pick(
        line, actor=clerk, kind="imported", source_id=business_licence.pk, on=day("2025-04-01")
    )
    actions.pick(
        line_of(sign_case, LICENCE_LINE),
        actor=clerk,
        kind="licence",
        source_id=food_licence.pk,
        on=day("2025-04-01"),
    )
    assert queries.flagged(sign_case, day("2025-04-02")) == []
    result = actions.import_licences(
        importing.read_json(json.dumps({"licences": [elicence(status="已吊销")]})),
        source="push",
        system=True,
    )
    assert result.revoked == [business_licence.identifier] and result.updated == 1
    revoke_through_procedure(
        food_licence.case,
        proposer=signatory,
        clerk=clerk,
        signatory=signatory,
        proposed_on="2025-04-02",
        notified_on="2025-04-03",
        decided_on="2025-04-14",
    )
    flags = {f.row.identifier: f.problem for f in queries.flagged(sign_case, day("2025-04-15"))}
    assert flags == {
        business_licence.identifier: "证照状态为“已吊销”",
        food_licence.number: "证照状态为“已撤销”",
    }


def test_a_mapping_decides_what_stands_for_a_material(sign_case, business_licence, admin_user):
    line = line_of(sign_case, "营业执照")
    actions.save_mapping(
        MaterialMapping(material_name="营业执照", type_code="OTHER-CODE"), actor=admin_user
    )
    assert queries.offers_for_case(sign_case, day("2025-04-01"))[line.pk] == []
    actions.save_mapping(
        MaterialMapping(material_name=" 营业执照 ", type_code="11100000000013127D001"),
        actor=admin_user,
    )
    offered = queries.offers_for_case(sign_case, day("2025-04-01"))[line.pk]
    assert [c.id for c in offered] == [business_licence.pk]


def test_only_administrators_keep_the_mapping(clerk):
    with pytest.raises(NotPermitted):
        actions.save_mapping(
            MaterialMapping(material_name="营业执照", type_name="营业执照"), actor=clerk
        )
    with pytest.raises(ValidationFailed) as exc:
        actions.save_mapping(MaterialMapping(material_name="营业执照"), system=True)
    assert "type_name" in exc.value.fields


def test_default_matching_by_names():
    from oneseal.reuse.rules import names_match

    assert names_match("营业执照（副本）复印件", "营业执照")
    assert names_match("食品经营许可证", "食品经营许可证")
    assert not names_match("食品经营许可申请书", "食品经营许可证")
    assert not names_match("证", "营业执照")


def test_a_decision_of_this_bureau_is_a_candidate(sign_case, food_licence, applicant):
    found = {c.kind: c for c in sources.owned(applicant, day("2025-04-01")) if not c.problem}
    assert (
        found["decision"].identifier
        == Document.objects.get(case=food_licence.case, kind="grant").number
    )

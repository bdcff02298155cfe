"""Archiving an ended case: the package's files in archival order with their checksums, the
retention the rules give, idempotence, and the cases that cannot be archived yet."""

import hashlib
import io
import json
import zipfile

import pytest
from pypdf import PdfReader

from oneseal.archives import actions, jobs, rules
from oneseal.archives.models import Archive, ArchiveFile, Retention, RetentionRule
from oneseal.audit.models import AuditEvent
from oneseal.cases import actions as case_actions
from oneseal.catalogue.models import Topic
from oneseal.errors import InvalidTransition, NotPermitted, ValidationFailed
from oneseal.testing import at, day


def package_of(archive):
    with archive.package.open("rb") as fh:
        data = fh.read()
    return data, zipfile.ZipFile(io.BytesIO(data))


def test_a_delivered_case_is_archived_in_the_archivists_order_with_checksums(delivered):
    assert jobs.archive_ended_cases(day("2025-10-11")) == {
        "archived": 1,
        "supplemented": 0,
        "waiting": 0,
    }
    archive = Archive.objects.get(case=delivered)
    kinds = list(archive.files.values_list("kind", flat=True))
    # 卷内目录, the results (licence and decision), the application, its material, the
    # procedural notices, the history — each group in its own order.
    assert kinds[0] == "index" and kinds[-1] == "history"
    assert kinds == sorted(kinds, key=lambda k: rules.KIND_ORDER[k])
    titles = [f.title for f in archive.files.all()]
    decisions = [t for t, k in zip(titles, kinds, strict=True) if k == "decision"]
    notices = [t for t, k in zip(titles, kinds, strict=True) if k == "notice"]
    assert any("准予行政许可决定书" in t for t in decisions)
    assert any("行政许可证件" in t for t in decisions)
    assert any("收件凭证" in t for t in notices) and any("受理通知书" in t for t in notices)
    assert "application" in kinds and ArchiveFile.objects.get(
        archive=archive, kind="material"
    ).title.endswith("（申请书.pdf）")

    data, zf = package_of(archive)
    assert hashlib.sha256(data).hexdigest() == archive.package_sha256
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["case"] == delivered.number and manifest["archive"] == archive.number
    for entry in manifest["files"]:
        assert hashlib.sha256(zf.read(entry["name"])).hexdigest() == entry["sha256"]
    assert [e["name"] for e in manifest["files"]] == list(
        archive.files.values_list("name", flat=True)
    )
    # The signed PDFs are stored unchanged: the same bytes as the documents.
    licence = delivered.documents.get(kind="licence")
    with licence.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() in {e["sha256"] for e in manifest["files"]}
    # The history carries the chain up to the head.
    history = json.loads(zf.read(manifest["files"][-1]["name"]))
    assert history["chain_intact"] and history["events"][-1]["hash"] == archive.last_event_hash
    assert [e["seq"] for e in history["events"]] == list(range(1, archive.last_event_seq + 1))
    # The package manifest beside the zip names the zip's own checksum.
    with archive.manifest.open("rb") as fh:
        outer = json.loads(fh.read())
    assert outer["package"]["sha256"] == archive.package_sha256

    # The index is PDF/A-2U and lists every file.
    index = PdfReader(io.BytesIO(zf.read(manifest["files"][0]["name"])))
    xmp = index.xmp_metadata
    assert xmp is not None
    raw = index.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in raw and b"2" in raw and b"pdfaid:conformance" in raw
    assert "/OutputIntents" in index.trailer["/Root"]

    # No rule entered: the fallback 30 years; the year is the year the case ended.
    assert archive.retention == Retention.YEARS_30 and archive.year == 2025
    assert archive.number == "640221-2025-D30-XK-0001"
    assert AuditEvent.objects.filter(action="archives.archive", subject_id=str(archive.pk)).exists()

    # Idempotent: a second pass archives nothing and changes nothing.
    assert jobs.archive_ended_cases(day("2025-10-12")) == {
        "archived": 0,
        "supplemented": 0,
        "waiting": 0,
    }
    assert Archive.objects.count() == 1


def test_cases_still_open_or_owing_a_notice_wait(item, applicant, clerk, seal, bureau):
    open_case = case_actions.receive(
        item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00")
    )
    assert "尚未办结" in actions.archive_blockers(open_case)[0]
    with pytest.raises(InvalidTransition):
        actions.archive_case(open_case, system=True)
    # A refusal ends the case; its notice is the decision of the package.
    refused = case_actions.refuse(
        case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 10:00")),
        actor=clerk,
        clause="2",
        reason="申请事项不属于本机关职权范围",
        competent_body="平罗县自然资源局",
        on=day("2025-03-04"),
    )
    assert jobs.archive_ended_cases(day("2025-03-05")) == {
        "archived": 1,
        "supplemented": 0,
        "waiting": 0,
    }
    archive = Archive.objects.get(case=refused)
    assert archive.files.filter(kind="decision", title__contains="不予受理决定书").exists()
    with pytest.raises(InvalidTransition, match="已归档"):
        actions.archive_case(refused, system=True)


def test_a_withdrawal_whose_notice_cannot_be_signed_waits_for_it(item, applicant, clerk):
    # No seal yet: the withdrawal's decision is queued, so the case is not archived until it is.
    case = case_actions.receive(item, actor=clerk, applicant=applicant, at=at("2025-03-03 09:00"))
    case_actions.withdraw(case, actor=clerk, reason="申请人书面申请撤回", on=day("2025-03-04"))
    case.refresh_from_db()
    assert any("尚有文书未出具" in b for b in actions.archive_blockers(case))
    assert jobs.archive_ended_cases(day("2025-03-05")) == {
        "archived": 0,
        "supplemented": 0,
        "waiting": 1,
    }
    assert not Archive.objects.exists()


def test_only_the_system_or_an_archivist_of_the_region_archives(
    delivered, clerk, far_archivist, archivist
):
    with pytest.raises(NotPermitted):
        actions.archive_case(delivered, actor=clerk)
    with pytest.raises(NotPermitted):
        actions.archive_case(delivered, actor=far_archivist)
    assert actions.archive_case(delivered, actor=archivist).case == delivered


# --- retention -------------------------------------------------------------------------------


def test_an_items_rule_wins_over_its_topics_which_wins_over_the_default(delivered, root, item):
    version = item.item_version
    topic = Topic.objects.create(name="工程建设")
    version.topic = topic
    version.save(update_fields=["topic"])
    actions.save_retention_rule(
        RetentionRule(scope="default", period=Retention.YEARS_10), actor=root
    )
    actions.save_retention_rule(
        RetentionRule(scope="topic", topic=topic, period=Retention.PERMANENT, basis="工程建设项目"),
        actor=root,
    )
    period, basis = rules.retention_for(
        actions.current_rules(), item_id=version.item_id, topic_id=topic.pk
    )
    assert period == Retention.PERMANENT and "工程建设" in basis
    actions.save_retention_rule(
        RetentionRule(scope="item", item=version.item, period=Retention.YEARS_30), actor=root
    )
    archive = actions.archive_case(delivered, system=True)
    assert archive.retention == Retention.YEARS_30 and "事项规则" in archive.retention_basis
    assert archive.number.startswith("640221-2025-D30-")
    # Another item of the same topic is kept permanently; one without a topic, 10 years.
    assert rules.retention_for(actions.current_rules(), item_id=-1, topic_id=topic.pk)[0] == (
        Retention.PERMANENT
    )
    assert rules.retention_for(actions.current_rules(), item_id=-1, topic_id=None)[0] == (
        Retention.YEARS_10
    )


def test_who_may_keep_the_retention_table(item, root, archivist, far_archivist, clerk):
    the_item = item.item_version.item
    with pytest.raises(NotPermitted):
        actions.save_retention_rule(
            RetentionRule(scope="item", item=the_item, period="10y"), actor=far_archivist
        )
    with pytest.raises(NotPermitted):
        actions.save_retention_rule(RetentionRule(scope="default", period="10y"), actor=archivist)
    with pytest.raises(NotPermitted):
        actions.save_retention_rule(
            RetentionRule(scope="item", item=the_item, period="10y"), actor=clerk
        )
    rule = actions.save_retention_rule(
        RetentionRule(scope="item", item=the_item, period="10y"), actor=archivist
    )
    with pytest.raises(ValidationFailed) as error:
        actions.save_retention_rule(
            RetentionRule(scope="item", item=the_item, period="permanent"), actor=archivist
        )
    assert "item" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        actions.save_retention_rule(RetentionRule(scope="item", period="10y"), actor=root)
    assert "item" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        actions.save_retention_rule(RetentionRule(scope="default", period="5y"), actor=root)
    assert "period" in error.value.fields
    actions.delete_retention_rule(rule, actor=archivist)
    assert not RetentionRule.objects.exists()
    assert AuditEvent.objects.filter(action="archives.delete_retention_rule").count() == 1

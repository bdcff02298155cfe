import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from oneseal.audit.models import AuditEvent
from oneseal.errors import NotPermitted, ValidationFailed
from oneseal.esupervision import actions
from oneseal.esupervision.models import ConflictDeclaration, ReformBaseline

pytestmark = pytest.mark.django_db

NUMBER = "640221198001011237"


def test_staff_declare_a_relative_by_a_checked_number(clerk):
    declaration = actions.declare_conflict(
        actor=clerk,
        relative_name="马𠮷祥",
        relation="sibling",
        number="６４０２２１１９８００１０１１２３７",
    )
    assert declaration.number == NUMBER and declaration.staff.user == clerk
    assert AuditEvent.objects.filter(action="esupervision.declare_conflict").exists()
    with pytest.raises(ValidationFailed) as caught:
        actions.declare_conflict(
            actor=clerk, relative_name="马𠮷祥", relation="sibling", number=NUMBER
        )
    assert "number" in caught.value.fields


def test_a_bad_declaration_names_every_field_and_stores_nothing(clerk):
    with pytest.raises(ValidationFailed) as caught:
        actions.declare_conflict(
            actor=clerk, relative_name=" ", relation="cousin", number="640221198001011238"
        )
    assert set(caught.value.fields) == {"relative_name", "relation", "number"}
    assert not ConflictDeclaration.objects.exists()


def test_only_staff_declare_and_only_their_own_declarations_are_withdrawn(
    clerk, applicant_user, make_staff, county
):
    with pytest.raises(NotPermitted):
        actions.declare_conflict(
            actor=applicant_user, relative_name="甲", relation="spouse", number=NUMBER
        )
    declaration = actions.declare_conflict(
        actor=clerk, relative_name="甲", relation="spouse", number=NUMBER
    )
    colleague = make_staff("colleague", county, "clerk")
    with pytest.raises(NotPermitted):
        actions.withdraw_declaration(declaration, actor=colleague)
    actions.withdraw_declaration(declaration, actor=clerk)
    declaration.refresh_from_db()
    assert declaration.withdrawn_on is not None


def test_the_declaration_page(client, clerk, applicant_user, make_staff, county):
    client.force_login(clerk)
    url = reverse("esupervision:declarations")
    bad = client.post(url, {"relative_name": "甲", "relation": "spouse", "number": "123"})
    assert bad.status_code == 400 and "居民身份证号码" in bad.content.decode()
    assert (
        client.post(
            url, {"relative_name": "甲", "relation": "spouse", "number": NUMBER}
        ).status_code
        == 302
    )
    declaration = ConflictDeclaration.objects.get()
    colleague = make_staff("colleague", county, "clerk")
    client.force_login(colleague)
    assert NUMBER not in client.get(url).content.decode()
    assert (
        client.post(reverse("esupervision:withdraw-declaration", args=[declaration.pk])).status_code
        == 404
    )
    client.force_login(applicant_user)
    assert client.get(url).status_code == 403


def test_a_catalogue_administrator_enters_a_baseline(item, admin_user, clerk, client):
    baseline = actions.set_baseline(
        item.item_version.item, actor=admin_user, materials="8", steps=6, days=20
    )
    assert (baseline.materials, baseline.steps, baseline.days) == (8, 6, 20)
    with pytest.raises(ValidationFailed) as caught:
        actions.set_baseline(
            item.item_version.item, actor=admin_user, materials="八", steps=0, days=20
        )
    assert "materials" in caught.value.fields
    baseline.refresh_from_db()
    assert baseline.materials == 8
    with pytest.raises(NotPermitted):
        actions.set_baseline(item.item_version.item, actor=clerk, materials=1, steps=1, days=1)
    client.force_login(admin_user)
    response = client.post(
        reverse("esupervision:baselines"),
        {"item": item.item_version.item_id, "materials": "7", "steps": "5", "days": "15"},
    )
    assert response.status_code == 302
    assert ReformBaseline.objects.get().materials == 7
    client.force_login(clerk)
    assert client.get(reverse("esupervision:baselines")).status_code == 403


def _sheet(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_baselines_import_all_or_nothing(item, admin_user, catalogue):
    code = item.item_version.item.basic_code
    header = ["事项基本编码", "改革前材料", "改革前环节", "改革前时限", "数据来源"]
    with pytest.raises(ValidationFailed) as caught:
        actions.import_baselines(
            catalogue,
            actor=admin_user,
            filename="基数.xlsx",
            content=_sheet([header, [code, 8, 6, 20, "2019年"], ["640221-XK-999", 1, 1, 1, ""]]),
        )
    # Problems name the sheet's Chinese heading, never the field behind it.
    assert caught.value.reasons == ["第3行 基本编码：本目录中没有基本编码为“640221-XK-999”的事项"]
    with pytest.raises(ValidationFailed) as caught:
        actions.import_baselines(
            catalogue,
            actor=admin_user,
            filename="基数.xlsx",
            content=_sheet([header, [code, "八", 6, 20, ""]]),
        )
    assert caught.value.reasons[0].startswith("第2行 改革前材料：")
    with pytest.raises(ValidationFailed) as caught:
        actions.import_baselines(
            catalogue,
            actor=admin_user,
            filename="基数.csv",
            content=b"basic_code,materials\n",
        )
    assert str(caught.value.message) == "第一行缺少列：改革前环节、改革前时限"
    assert not ReformBaseline.objects.exists()
    n = actions.import_baselines(
        catalogue,
        actor=admin_user,
        filename="基数.csv",
        content=f"basic_code,materials,steps,days\n{code},8,6,20\n".encode(),
    )
    assert n == 1 and ReformBaseline.objects.get().steps == 6

"""The renewal lead time page (延续申请期限): catalogue administrators of the region see the 延续
handling items with their period, and set or clear the item's own period through
`set_renewal_lead_time`; clerks and another region's administrators are refused."""

import pytest
from django.urls import reverse

from oneseal.audit.models import AuditEvent
from oneseal.cases.actions.licences import renewal_lead
from oneseal.cases.models import RenewalLeadTime
from oneseal.organisation.models import Role

URL = "workbench:lead-times"


@pytest.fixture
def renewal(make_item):
    return make_item(variant="renewal", name="食品经营许可（延续）")


def set_url(hi) -> str:
    return reverse("workbench:lead-time-set", args=[hi.item_version.item_id])


def test_a_catalogue_admin_sees_the_renewal_items_with_the_default_and_sets_one(
    client, admin_user, renewal, make_item
):
    new = make_item()  # a 新办 item has no renewal period to set
    client.force_login(admin_user)
    home = client.get(reverse("workbench:home")).content.decode()
    assert 'id="nav-lead-times"' in home
    page = client.get(reverse(URL)).content.decode()
    item_id = renewal.item_version.item_id
    assert f'id="item-{item_id}"' in page and f'id="item-{new.item_version.item_id}"' not in page
    assert (
        "有效期届满30日前提出延续申请（《中华人民共和国行政许可法》第五十条第一款，默认）" in page
    )
    assert "食品经营许可（延续）" in page

    r = client.post(set_url(renewal), {"days": "60", "basis": "《某某条例》第二十条"})
    assert r.status_code == 302 and r["Location"].endswith(f"#item-{item_id}")
    assert renewal_lead(renewal) == (60, "《某某条例》第二十条")
    page = client.get(reverse(URL)).content.decode()
    assert "有效期届满60日前提出延续申请（依据：《某某条例》第二十条）" in page
    assert "已保存延续申请期限" in page and f'id="clear-{item_id}"' in page
    assert AuditEvent.objects.filter(action="cases.renewal_lead_time").count() == 1

    r = client.post(set_url(renewal), {"clear": "1"})
    assert r.status_code == 302 and not RenewalLeadTime.objects.exists()
    assert renewal_lead(renewal)[0] == 30
    assert AuditEvent.objects.filter(action="cases.renewal_lead_time").count() == 2


def test_bad_input_is_named_by_field_and_nothing_stored_is_lost(client, admin_user, renewal):
    client.force_login(admin_user)
    client.post(set_url(renewal), {"days": "60", "basis": "《某某条例》第二十条"})
    r = client.post(set_url(renewal), {"days": "四十", "basis": ""})
    assert r.status_code == 400
    page = r.content.decode()
    assert 'id="days-error"' in page and "天数须为1至366之间的整数" in page
    assert 'id="basis-error"' in page and "请填写规定该期限的法律依据" in page
    assert 'value="四十"' in page  # what was typed is shown again
    r = client.post(set_url(renewal), {"days": "400", "basis": "《某某条例》第二十条"})
    assert r.status_code == 400 and "天数须为1至366之间的整数" in r.content.decode()
    assert renewal_lead(renewal) == (60, "《某某条例》第二十条")


def test_a_clerk_and_another_regions_admin_are_refused(
    client, clerk, make_staff, other_county, renewal
):
    client.force_login(clerk)
    assert 'id="nav-lead-times"' not in client.get(reverse("workbench:home")).content.decode()
    assert client.get(reverse(URL)).status_code == 403
    r = client.post(set_url(renewal), {"days": "60", "basis": "《某某条例》第二十条"})
    assert r.status_code == 403

    far = make_staff("faradmin", other_county, Role.CATALOGUE_ADMIN)
    client.force_login(far)
    page = client.get(reverse(URL)).content.decode()
    assert f'id="item-{renewal.item_version.item_id}"' not in page and 'id="no-renewals"' in page
    r = client.post(set_url(renewal), {"days": "60", "basis": "《某某条例》第二十条"})
    assert r.status_code == 403
    assert not RenewalLeadTime.objects.exists()
    assert not AuditEvent.objects.filter(action="cases.renewal_lead_time").exists()


def test_an_applicant_is_refused(client, applicant_user):
    client.force_login(applicant_user)
    assert client.get(reverse(URL)).status_code == 403

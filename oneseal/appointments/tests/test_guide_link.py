"""The service guide offers "预约办理" where a window group of an active hall serves the item,
as 我的预约 tells citizens; nowhere else."""

from django.urls import reverse

from oneseal.appointments import actions


def test_the_guide_offers_booking_only_where_a_window_group_serves_the_item(
    client, handling_item, hall, clerk, department
):
    guide = reverse("portal:guide", args=[handling_item.pk])
    book = reverse("appointments:book", args=[handling_item.pk])
    assert book not in client.get(guide).content.decode()  # a hall, but no window serves it
    group = actions.save_group(
        hall, actor=clerk, name="市场准入", capacity=2, departments=[department]
    )
    page = client.get(guide).content.decode()
    assert f'href="{book}"' in page and "预约办理" in page
    actions.save_group(
        hall,
        actor=clerk,
        group=group,
        name="市场准入",
        capacity=2,
        departments=[department],
        is_active=False,
    )
    assert book not in client.get(guide).content.decode()

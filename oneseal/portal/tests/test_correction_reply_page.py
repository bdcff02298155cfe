"""The portal's page and the correction reply's check tell a reply to a correction notice by
the same rule (cases.queries.correction_reply): a file whose event comes after the notice's,
not one uploaded at or after the notice's time, which is kept to the second."""

import pytest
import time_machine
from django.utils import timezone

from oneseal.cases import actions
from oneseal.cases.models import Case, Channel
from oneseal.testing import online_files

from .conftest import client_for, pdf

pytestmark = pytest.mark.django_db

REPLIED = "已上传补正文件："


def listed_line(body: str, line) -> str:
    return body.split(f'id="line-{line.pk}"', 1)[1].split("</div>", 1)[0]


def test_a_file_sent_in_the_notices_second_but_before_it_is_no_reply_on_the_page_either(
    person, new_item, clerk
):
    applicant = person.applicants.get()
    # Within one second: the application with its files, then the notice, then a new file.
    with time_machine.travel(timezone.now().replace(microsecond=400_000), tick=False):
        case = actions.receive(
            new_item,
            actor=person,
            applicant=applicant,
            channel=Channel.ONLINE,
            uploads=online_files(new_item, applicant),
        )
        line = case.materials.select_related("material").get(material__name="食品经营许可申请书")
        sent_with_application = line.uploads.get()
        case = actions.request_correction(case, actor=clerk, items={line.pk: "申请书未签字"})
        notice = case.events.get(action="request_correction")
        assert sent_with_application.uploaded_at >= notice.at  # the time alone would count it

        client = client_for(person)
        url = f"/my/cases/{case.pk}/"
        assert actions.correction_files_missing(case) == [line.material.name]
        assert REPLIED not in listed_line(client.get(url).content.decode(), line)

        client.post(f"{url}materials/{line.pk}/upload/", {"file": pdf("签字版.pdf")})
        case = Case.objects.get(pk=case.pk)
        assert actions.correction_files_missing(case) == []
        shown = listed_line(client.get(url).content.decode(), line)
        assert f"{REPLIED}签字版.pdf</p>" in shown
        assert sent_with_application.original_name not in shown

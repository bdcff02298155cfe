"""Every page the README lists answers: fetched by a user who uses it (the department
supervisor for the linkage pages, an expert and an intermediary for their own pages, a
superuser for the rest), following redirects, never a 404."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_pages() -> list[str]:
    """The paths in backticks of the README's "Pages" and "API" bullets, without placeholders."""
    text = README.read_text(encoding="utf-8")
    bullets = re.findall(r"^- (?:Pages|API):.*?(?=^- |\Z)", text, flags=re.M | re.S)
    paths = re.findall(r"`(/[^`\s]*)`", "".join(bullets))
    return sorted({p for p in paths if not re.search(r"[<{…]", p)})


def test_the_readme_lists_the_pages():
    pages = readme_pages()
    assert "/linkage/" in pages and "/workbench/" in pages and "/api/schema/" in pages


@pytest.fixture
def users(admin_user, supervisor, reviewer, county):
    from django.contrib.auth import get_user_model

    from oneseal.applicants.rules import credit_check_char
    from oneseal.experts import actions as experts
    from oneseal.intermediaries import actions as intermediaries
    from oneseal.testing import id_number

    accounts = get_user_model().objects
    expert = experts.register_expert(
        actor=reviewer,
        region=county,
        name="王专家",
        id_number=id_number("640221", "19700101", "101"),
        fields=[experts.create_field(system=True, code="food", name="食品安全")],
        title="高级工程师",
        employer_name="宁夏某设计院",
        employer_credit_code="",
        phone="13900000000",
    )
    expert.user = accounts.create_user(username="expert1", password="pw-expert1")
    expert.save(update_fields=["user"])
    first17 = "91640221MA0000201"
    agency = intermediaries.register_intermediary(
        actor=admin_user,
        name="宁夏某检测有限公司",
        credit_code=first17 + credit_check_char(first17),
        region=county,
    )
    agency.user = accounts.create_user(username="agency1", password="pw-agency1")
    agency.save(update_fields=["user"])
    return {
        "": admin_user,
        "/linkage/": supervisor,
        "/experts/my/": expert.user,
        "/intermediaries/my/": agency.user,
    }


@pytest.mark.parametrize("path", readme_pages())
def test_each_page_of_the_readme_answers(client, users, path):
    user = next((u for prefix, u in users.items() if prefix and path.startswith(prefix)), None)
    client.force_login(user or users[""])
    response = client.get(path, follow=True)
    assert response.status_code != 404, (path, response.redirect_chain)


def portal_pages() -> list[str]:
    """The README's portal group ("portal `/` (…), workbench"), without its asides for staff."""
    text = README.read_text(encoding="utf-8")
    group = text[text.index("portal `/` (") : text.index("), workbench")]
    group = re.sub(r"\([^()]*\)", "", group.removeprefix("portal `/` ("))
    return ["/", *re.findall(r"`(/[^`\s]*)`", group)]


@pytest.mark.parametrize("path", portal_pages())
def test_each_portal_page_of_the_readme_answers_an_applicant(client, applicant_user, path):
    client.force_login(applicant_user)
    assert client.get(path, follow=True).status_code == 200, path

"""The file a demo applicant sends for a material (`cases._material_pdf`): a PDF of its own
for each material, naming the material and the applicant, rare characters included. No
database: the demo county is not built for these."""

from oneseal.demo import cases as demo_cases
from oneseal.documents.tests.conftest import pdf_text


def test_each_material_gets_its_own_pdf_naming_it_and_the_applicant():
    form = demo_cases._material_pdf("食品经营许可申请书", "平罗县𠮷祥餐饮有限公司")
    rules = demo_cases._material_pdf("食品安全管理制度", "平罗县𠮷祥餐饮有限公司")
    assert form.startswith(b"%PDF-") and rules.startswith(b"%PDF-")
    assert form != rules
    assert "食品经营许可申请书" in pdf_text(form) and "平罗县𠮷祥餐饮有限公司" in pdf_text(form)
    assert "食品安全管理制度" in pdf_text(rules)
    assert len(form) < 40_000  # a subset of a few characters, not the font

"""Arabic in the PDFs the participant takes home, laid out by the full bidirectional algorithm per paragraph
(core.rtl): brackets stay paired around a Latin name, a Latin name inside Arabic keeps its word order, and
numbers read left to right. Checked in the text extracted from the agreement and the code letter."""

import io
import unicodedata

import pytest
from pypdf import PdfReader

from connectivity import services as connectivity_services
from core.rtl import paragraph_levels, reorder, visual, visual_lines
from loans import documents
from organizations.models import Organization
from tests.connectivity.factories import EligibilityCodeFactory, PackFactory
from tests.factories import ParticipantFactory
from tests.loans.factories import CohortFactory

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def _brackets_paired(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize(
    ("logical", "expected_run"),
    [
        ("Wijkhuis De Schakel (demo)", "Wijkhuis De Schakel (demo)"),
        ("المستعير: Wijkhuis De Schakel (demo) شكرا", "Wijkhuis De Schakel (demo)"),
        ("دورة (Tablet initiation) في 2027", "(Tablet initiation)"),
        ("رقم 12345 من 2027", "12345"),
    ],
)
def test_a_latin_run_keeps_its_order_and_its_brackets(logical, expected_run):
    line = visual(logical)
    assert expected_run in line
    assert _brackets_paired(line), line


def test_bad_input_an_empty_or_blank_paragraph_gives_an_empty_line():
    assert visual("") == ""
    assert visual_lines("   ", "Helvetica", 10, 100) == [""]
    assert paragraph_levels("") == []


def test_the_levels_are_resolved_once_per_paragraph_and_wrapped_lines_keep_them():
    """A bracket pair split over two lines still resolves as a pair: its levels come from the whole paragraph.
    Read right to left, the first line ends "… (Wijkhuis De" and the next starts "Schakel demo) …"; drawn left to
    right with mirrored glyphs, as a browser shows it: "Wijkhuis De)" and "(Schakel demo"."""
    text = "نص عربي طويل جدا هنا (Wijkhuis De Schakel demo) ثم نص آخر"
    lines = visual_lines(text, "Helvetica", 10, 110)
    assert len(lines) > 1
    assert any(line.startswith("Wijkhuis De)") for line in lines), lines
    assert any("(Schakel demo" in line for line in lines), lines
    assert reorder(text, paragraph_levels(text), 1).count("(") == 1


@pytest.fixture
def demo_org(org_a):
    Organization.objects.filter(pk=org_a.pk).update(name="Wijkhuis De Schakel (demo)")
    org_a.refresh_from_db()
    return org_a


def test_the_arabic_agreement_keeps_the_brackets_of_the_organisation_and_course(lend, demo_org, participant_a):
    participant_a.preferred_language = "ar"
    participant_a.save()
    course = CohortFactory(organization=demo_org, name="Tablets (beginners)")
    loan = lend(cohort=course)
    text = _text(documents.agreement_pdf(loan))
    assert "Wijkhuis De Schakel (demo)" in text
    assert "(Wijkhuis De Schakel (demo" not in text
    assert "Marc Dubois" in text  # a Latin name inside Arabic, its words in order


def test_the_arabic_code_letter_keeps_the_brackets_of_the_organisation(demo_org, staff_of_org_a):
    person = ParticipantFactory(organization=demo_org, display_name="Amina El Idrissi", preferred_language="ar")
    code = EligibilityCodeFactory(batch__organization=demo_org, pack=PackFactory(modem_included=False))
    code.pack.programme = code.programme
    code.pack.save()
    connectivity_services.code_assign(
        code=code, participant=person, eligibility_basis="cpas_client", household_ref="Rue Haute 1", by=staff_of_org_a
    )
    text = _text(connectivity_services.code_letter(code=code, by=staff_of_org_a))
    assert "Wijkhuis De Schakel (demo)" in text
    assert "(Wijkhuis De Schakel (demo" not in text

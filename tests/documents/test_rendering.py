"""The PDFs themselves: A4, the CJK font embedded, and the text read back exactly (issue 4 §1)."""

import datetime
import io
import subprocess

import pytest
from pypdf import PdfReader

from documents.models import Document, DocumentKind, DocumentState
from documents.rendering import render_pdf
from documents.services import document_render, documents_render
from tests.cases.steps import forward
from tests.factories import UserFactory

from .conftest import assign, extend, render_all, reply

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

A4_POINTS = (595, 842)


def read(document) -> tuple[PdfReader, str]:
    with document.file.open("rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    # Extraction may break a long line anywhere: compare without line breaks.
    return reader, "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def embedded_fonts(reader: PdfReader) -> set[str]:
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_the_forwarding_letter_reads_back_with_the_case_the_people_and_the_instruction(forwarded):
    letter, notice = render_all(forwarded)

    reader, text = read(letter)
    assert letter.state == DocumentState.READY and letter.size > 0
    assert "信访事项转送单" in text
    assert "吴江区信访局" in text
    assert letter.number in text
    assert forwarded.number in text
    assert "住建局" in text
    assert "王秀英" in text
    assert "住宅面临拆迁，安置政策只给40平方米" in text
    assert "请研究处理" in text
    assert tuple(round(value) for value in reader.pages[0].mediabox[2:]) == A4_POINTS
    # One Chinese typeface throughout, the page footer included: no Japanese glyph variants.
    assert embedded_fonts(reader) and all("Noto-Serif-CJK-SC" in font for font in embedded_fonts(reader))


def test_the_notice_tells_the_petitioner_where_her_case_went_and_her_tracking_code(forwarded):
    _, notice = render_all(forwarded)

    _, text = read(notice)
    assert "信访事项受理告知书" in text
    assert "王秀英：" in text
    assert "转送住建局办理" in text
    assert forwarded.tracking_code in text


def test_the_assignment_letter_names_the_report_due_date(make_case, leader, department):
    case = assign(make_case(), leader, department, report_due=datetime.date(2026, 12, 31))

    letter = render_all(case)[0]

    _, text = read(letter)
    assert "信访事项交办单" in text
    assert "2026年12月31日前将办理结果报告我局" in text


def test_the_reply_letter_carries_the_decision_its_basis_and_the_right_to_review(accepted, department_user):
    reply(accepted, department_user, text="经核实，按政策给予安置补偿。")
    letter = accepted.documents.get(kind=DocumentKind.REPLY_LETTER)

    document_render(document_id=letter.pk)
    letter.refresh_from_db()

    _, text = read(letter)
    assert "信访事项答复意见书" in text
    assert "处理意见：支持" in text
    assert "经核实，按政策给予安置补偿。" in text
    assert "希望政府给予帮助" in text
    assert "30日内" in text and "复查" in text


def test_the_extension_notice_gives_the_reason_and_the_new_date(accepted, department_user, leader):
    extend(accepted, department_user, leader, days=15, reason="需要现场勘查")
    notice = accepted.documents.get(kind=DocumentKind.EXTENSION_NOTICE)
    due = accepted.clocks.get(kind="handling").due_on

    document_render(document_id=notice.pk)
    notice.refresh_from_db()

    _, text = read(notice)
    assert "信访事项延期告知书" in text
    assert "因需要现场勘查" in text
    assert "延长15日" in text
    assert f"{due.year}年{due.month}月{due.day}日前办结" in text


def test_the_accusers_name_never_reaches_the_letter_to_the_department(
    make_case, leader, department, reference
):
    reference["category"].is_accusation = True
    reference["category"].save()
    case = forward(make_case(), leader, department)

    letter = render_all(case)[0]

    _, text = read(letter)
    assert "王秀英" not in text
    assert "信访人信息不予转送" in text


def test_rendering_twice_keeps_the_first_pdf(forwarded):
    letter = render_all(forwarded)[0]
    first_file = letter.file.name

    assert document_render(document_id=letter.pk) is False

    letter.refresh_from_db()
    assert letter.file.name == first_file


def test_a_letter_that_cannot_be_rendered_fails_alone_and_the_rest_of_its_batch_is_rendered(
    make_case, leader, department
):
    # given the letters of two forwarded cases in one batch, as the document relay sends them,
    # the first of which has no template (a kind a newer release wrote, say)
    forward(make_case(), leader, department)
    forward(make_case(), leader, department)
    batch = list(Document.objects.order_by("pk").values_list("pk", flat=True))
    broken, *others = batch
    Document.objects.filter(pk=broken).update(kind="unknown")

    # when the letters worker renders the batch
    rendered = documents_render(document_ids=batch)

    # then only that letter is failed, for an administrator to look at; the others are ready
    states = dict(Document.objects.values_list("pk", "state"))
    assert rendered == len(others) == 3
    assert states == {broken: DocumentState.FAILED} | dict.fromkeys(others, DocumentState.READY)
    assert "KeyError" in Document.objects.get(pk=broken).last_error


def test_text_that_looks_like_html_is_printed_not_interpreted(make_case, leader, department):
    case = forward(make_case(request='<img src="http://example.com/x.png">补偿<b>款</b>'), leader, department)

    _, notice = render_all(case)

    _, text = read(notice)
    assert '<img src="http://example.com/x.png">补偿<b>款</b>' in text


# --- on paper ---------------------------------------------------------------------------------

A4_WIDTH = 595.28
TEXT_RIGHT_EDGE = A4_WIDTH - 26 * 72 / 25.4  # base.html: @page margin-right 26mm
WECHAT_LINK = "https://mp.weixin.qq.com/s?__biz=MzA3NjY1NTUxMQ==&mid=2650123456&idx=1&sn=3f6b1c2e9d7a4b5c8e0f1a2b3c4d5e6f"


def printed_words(document, tmp_path) -> list[tuple[float, str]]:
    """(right edge, word) of what poppler finds on the paper: text off the page is not there."""
    path = tmp_path / "letter.pdf"
    with document.file.open("rb") as pdf:
        path.write_bytes(pdf.read())
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
    words = []
    for line in out.stdout.splitlines():
        if "<word" in line:
            right = float(line.split('xMax="')[1].split('"')[0])
            words.append((right, line.split(">")[1].split("<")[0]))
    return words


def test_a_link_in_the_facts_stays_within_the_letters_margins(make_case, leader, department, tmp_path):
    # given facts citing an article's link, which has no place to break
    case = forward(make_case(facts=f"拆迁公告见{WECHAT_LINK}，安置面积只有40平方米"), leader, department)

    words = printed_words(render_all(case)[0], tmp_path)

    # then all of it is printed, inside the right margin
    assert [(round(right), word) for right, word in words if right > TEXT_RIGHT_EDGE] == []
    assert "3c4d5e6f，安置面积只有40平方米" in "".join(word for _right, word in words)


def test_the_signature_never_stands_alone_on_the_last_page(accepted, department_user):
    # given reply letters of one to two pages
    reply(accepted, department_user)
    letter = accepted.documents.get(kind=DocumentKind.REPLY_LETTER)
    alone = {}
    for sentences in range(100, 201, 10):
        content = dict(letter.content, text="经调查核实，" * sentences)
        pdf = render_pdf(Document(kind=letter.kind, content=content, number=letter.number))
        last_page = PdfReader(io.BytesIO(pdf)).pages[-1].extract_text().replace("\n", "")
        # then the last page has more than the department's name and the date
        if "第三十五条" not in last_page:
            alone[len(content["text"])] = last_page
    assert alone == {}


def test_the_assignment_letter_gives_the_department_the_15_days_the_petitioner_is_promised(
    make_case, leader, department
):
    case = assign(
        make_case(), leader, department, report_due=datetime.date.today() + datetime.timedelta(days=30)
    )
    letter, notice = render_all(case)

    assert "住建局将自收到之日起15日内告知你（们）是否受理" in read(notice)[1]
    assert "自收到之日起15日内告知信访人是否受理（第二十三条）" in read(letter)[1]


def test_the_instruction_is_signed_with_the_leaders_name_never_a_login(make_case, department):
    nameless = UserFactory(username="jzhang", role="leader", first_name="", last_name="")
    named = UserFactory(username="lsun", role="leader", first_name="明", last_name="孙")

    unsigned = read(render_all(forward(make_case(), nameless, department))[0])[1]
    signed = read(render_all(forward(make_case(), named, department))[0])[1]

    assert "jzhang" not in unsigned
    assert "孙明" in signed

"""Documents that look right: every script a name is written in comes back out of the PDFs,
charts label hidden figures and never overlap their own labels, wide tables scroll inside
their box, and the HTML shows user text literally."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime
from itertools import combinations
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from bot.agreements.document import ThirdContract
from bot.agreements.document import to_pdf as contract_pdf
from bot.dialogue.brief_document import render as render_brief
from bot.dialogue.brief_document import to_html as brief_html
from bot.documents import charts
from bot.documents.fonts import printable
from bot.documents.pdf import Page
from bot.documents.svg import to_svg
from bot.reports import hr, hr_output
from bot.reports import works_council as wc
from bot.reports.aggregates import HIDDEN, Figure
from dialogs.brief import (
    BriefAgreement,
    BriefConversation,
    BriefTopic,
    Chart,
    ChartPoint,
    FollowUpRound,
    ReviewBrief,
)
from dialogs.digest_texts import DIALOGUE_CATALOG
from dialogs.messages import Locale, PersonRef
from dialogs.report_texts import REPORT_CATALOG
from dialogs.texts import MONTH_ABBREVIATIONS
from tests.support.console import browser_page, require_chromium

NAMES = {
    "turkish": "Şükrü Öztürk",
    "polish": "Łukasz Wróbel",
    "vietnamese": "Nguyễn Thị Ánh",
    "greek": "Αλέξης Παπαδόπουλος",
    "cyrillic": "Дмитрий Иванов",
    "hebrew": "נועה כהן",
    "arabic": "ليلى حداد",
    "emoji": "Zoë 🎉 Smith",
}
NOW = datetime(2027, 11, 20, 10, 0, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _comparable(text: str) -> str:
    # Shaped Arabic is drawn with presentation forms (the joined letter shapes), which a PDF
    # reader hands back as they are: NFKC folds them into the plain letters. Whitespace is
    # dropped because lines wrap and right-to-left runs may come back with their spaces
    # moved.
    return "".join(unicodedata.normalize("NFKC", text).split())


def assert_drawn(name: str, document: Callable[[str], bytes]) -> None:
    """The name as a reader copies it out of the PDF: each character as written, or (for one
    the font lacks, such as an emoji) its name in brackets; never a question mark (the same
    document for a plain ASCII name has exactly as many as this one)."""
    expected = _comparable(printable(name))
    found = _comparable(_pdf_text(document(name)))
    # A right-to-left name may be extracted in visual order, so either reading counts.
    assert expected in found or expected[::-1] in found, (name, found)
    assert found.count("?") == _comparable(_pdf_text(document("Bram"))).count("?")


def _reader(name: str, locale: Locale = "en") -> PersonRef:
    return PersonRef(1, "someone@example.org", name, locale, "Europe/Amsterdam")


def _brief(name: str, *, locale: Locale = "en", months: int = 11) -> ReviewBrief:
    points = tuple(
        ChartPoint(datetime(2027, m, 3, 9, 0, tzinfo=UTC), 1 + m % 5, m % 4 == 0)
        for m in range(1, months + 1)
    )
    chart = Chart("workload.demands_level", f"How is it going, {name}?", "low", "high", points)
    return ReviewBrief(
        copy="employee",
        reader=_reader(name, locale),
        employee_name=name,
        employee_email="someone@example.org",
        manager_name=name,
        review_start=date(2027, 12, 1),
        period_start=date(2026, 12, 1),
        period_end=date(2027, 11, 20),
        generated_at=NOW,
        charts=(chart,) * 5,
        shared_answers=(),
        private_answers=(),
        agreements=(
            BriefAgreement(
                1,
                "pay",
                f"{name} follows a course",
                "signed",
                False,
                (FollowUpRound("2027-03", "on_track", "partly", True),),
            ),
        ),
        topics=(BriefTopic(f"Talk with {name}", NOW, None),),
        conversations=(BriefConversation(NOW, f"Lunch with {name}"),),
        drafter="employee",
    )


def _overview(items: list[tuple[str, str, Figure]], locale_minimum: int = 5) -> wc.Overview:
    return wc.Overview(
        year=2027,
        generated_at=NOW,
        minimum=locale_minimum,
        text_minimum=10,
        items=tuple(wc.OverviewItem("content", g, k, f) for g, k, f in items),
    )


def _shown(count: int) -> Figure:
    return Figure(value=float(count), count=count, people=count, suppressed=False)


# ---- every script ---------------------------------------------------------------------------


@pytest.mark.parametrize("script", list(NAMES))
def test_the_review_brief_pdf_draws_every_script(script: str) -> None:
    assert_drawn(NAMES[script], lambda name: render_brief(_brief(name), "pdf"))


@pytest.mark.parametrize("script", list(NAMES))
def test_the_agreement_export_draws_every_script(script: str) -> None:
    assert_drawn(NAMES[script], lambda name: contract_pdf(ThirdContract(_reader(name), NOW, ())))


@pytest.mark.parametrize("script", list(NAMES))
def test_the_works_council_pdf_draws_every_script(script: str) -> None:
    # An overview names no person: a category it has no label for reads as stored, which
    # puts the script in a chart label and a table line.
    assert_drawn(
        NAMES[script],
        lambda name: wc.render_pdf(_overview([("categories", name, _shown(7))]), "en"),
    )


def test_a_character_no_font_has_is_written_by_its_name() -> None:
    assert printable("Zoë 🎉") == "Zoë [party popper]"
    assert printable("👍🏽") == "[thumbs up sign][emoji modifier fitzpatrick type-4]"


# ---- charts ---------------------------------------------------------------------------------


def _overlaps(drawing: charts.Drawing) -> list[tuple[str, str]]:
    boxes = [(t.text, t.box()) for t in drawing.texts()]
    found = []
    for (a, (l1, t1, r1, b1)), (b, (l2, t2, r2, b2)) in combinations(boxes, 2):
        if l1 < r2 and l2 < r1 and t1 < b2 and t2 < b1:
            found.append((a, b))
    return found


def _outside(drawing: charts.Drawing) -> list[str]:
    return [
        t.text
        for t in drawing.texts()
        if t.box()[0] < 0 or t.box()[2] > drawing.width or t.box()[1] < 0
    ]


def _drawings(width: float) -> list[charts.Drawing]:
    months = [charts.Period(m, 1 + i % 5, f"{i}") for i, m in enumerate(MONTH_ABBREVIATIONS["nl"])]
    hidden = [charts.Period(m, None, "fewer than 5", hidden=True) for m in ("Q1", "Q2")]
    long_label = "Training, development and a great many other things besides " * 3
    bars = [charts.Bar(long_label, 12, "12"), charts.Bar("Pay", None, "fewer than 5")]
    moments = [charts.Moment(datetime(2027, m, 3, tzinfo=UTC), 3, False, "") for m in range(1, 13)]
    return [
        charts.period_chart("m", months, low=1, high=5, hidden_words="x", width=width),
        charts.period_chart(
            "q",
            [*hidden, *months[:2]],
            low=0,
            high=100,
            unit="%",
            hidden_words="fewer than 5",
            width=width,
        ),
        charts.bar_chart("b", bars, width=width),
        charts.time_chart(
            "t",
            moments,
            first=date(2026, 1, 15),
            last=date(2027, 12, 31),
            month_names=MONTH_ABBREVIATIONS["en"],
            width=width,
        ),
    ]


@pytest.mark.parametrize("width", [320.0, 480.0, 640.0, 900.0])
def test_chart_labels_never_overlap_nor_leave_the_chart(width: float) -> None:
    for drawing in _drawings(width):
        assert not _overlaps(drawing), (drawing.title, _overlaps(drawing))
        assert not _outside(drawing), (drawing.title, _outside(drawing))
        # Each time axis keeps at least its first and some later tick.
        ticks = [t for t in drawing.texts() if t.role == "tick" and t.anchor == "middle"]
        assert drawing.kind == "bars" or len(ticks) >= 2


def test_a_long_bar_label_wraps_and_ends_in_an_ellipsis() -> None:
    label = "Training, development and a great many other things besides " * 3
    drawing = charts.bar_chart("b", [charts.Bar(label, 3, "3")])
    lines = [t.text for t in drawing.texts() if t.role == "label"]
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert label.startswith(lines[0])


def _axis(first: date, last: date, locale: Locale) -> list[str]:
    one = [charts.Moment(datetime(2027, 11, 3, tzinfo=UTC), 4, False, "3 November 2027: 4")]
    names = MONTH_ABBREVIATIONS[locale]
    drawing = charts.time_chart("t", one, first=first, last=last, month_names=names)
    assert drawing.desc == "3 November 2027: 4"
    return [t.text for t in drawing.texts() if t.role == "tick" and t.anchor == "middle"]


def test_a_time_chart_spans_the_year_with_month_ticks() -> None:
    # Every month fits at the default width; the year is named under January.
    months = [*MONTH_ABBREVIATIONS["en"][-1:], *MONTH_ABBREVIATIONS["en"][:-1]]
    assert _axis(date(2026, 12, 1), date(2027, 11, 30), "en") == [*months, "2027"]
    # A year that starts in spring names both years, the first under its first month.
    ticks = _axis(date(2027, 4, 1), date(2028, 3, 31), "nl")
    assert ticks[0] == "apr" and ticks[-2:] == ["2027", "2028"]


@pytest.mark.parametrize(("locale", "words"), [("en", "fewer than 5"), ("nl", "minder dan 5")])
def test_a_hidden_figure_is_a_labelled_gap_in_the_svg(locale: Locale, words: str) -> None:
    overview = _overview(
        [("categories", "pay", HIDDEN), ("categories", "working_hours", _shown(9))],
        locale_minimum=5,
    )
    page = wc.render_html(overview, locale)
    svg = ElementTree.fromstring(re.findall(r"<svg.*?</svg>", page, flags=re.DOTALL)[0])
    hidden = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-hidden"]
    assert hidden == [words]
    assert [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "chart-gap"]
    assert words in svg.findtext(f"{SVG}desc", "")
    period = charts.period_chart(
        "p",
        [charts.Period("Jan", 3, "3"), charts.Period("Feb", None, words, hidden=True)],
        low=1,
        high=5,
        hidden_words=words,
    )
    assert words in [t.text for t in period.texts() if t.role in ("hidden", "legend")]
    assert f">{words}</text>" in to_svg(period)


# ---- HTML -----------------------------------------------------------------------------------


def _hr_figures() -> hr.HrFigures:
    periods = tuple(f"2027-{m:02d}" for m in range(1, 13))
    rows = []
    for dept in (None, "Operations and Maintenance", "<b>Sales</b>"):
        for period in periods:
            figure = HIDDEN if dept == "<b>Sales</b>" else Figure(0.8, 8, 10, False)
            rows.append(hr.HrRow("participation", dept, "workload", period, figure))
    return hr.HrFigures(
        year=2027,
        period="month",
        department=None,
        generated_at=NOW,
        minimum=5,
        departments=("Operations and Maintenance", "<b>Sales</b>"),
        themes=("workload",),
        periods=periods,
        rows=tuple(rows),
        theme_titles={"workload": ("Werkbelasting", "Workload")},
    )


def test_every_hr_table_scrolls_inside_its_box_and_names_are_escaped() -> None:
    page = hr_output.render_html(_hr_figures(), "en")
    tables = page.count("<table")
    assert tables >= 1 and page.count('<div class="table-scroll">\n<table') == tables
    assert ".table-scroll { overflow-x: auto;" in page
    assert "<b>Sales</b>" not in page and "&lt;b&gt;Sales&lt;/b&gt;" in page
    # Months by name in the table head, the 13 columns the issue was about.
    assert '<th scope="col">Jan</th>' in page and '<th scope="col">Dec</th>' in page
    assert "2027-01" not in page


async def test_the_hr_page_fits_700_pixels() -> None:
    require_chromium()
    async with browser_page() as page:
        # The page is self-contained: the browser asks nothing of the outside world.
        await page.set_viewport_size({"width": 700, "height": 900})
        await page.set_content(hr_output.render_html(_hr_figures(), "nl"))
        widths = await page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1] == 700
        # The table itself is wider than its box: the box scrolls, the page does not.
        box = await page.evaluate(
            "(() => { const b = document.querySelector('.table-scroll');"
            " return [b.scrollWidth, b.clientWidth]; })()"
        )
        assert box[0] > box[1]


def test_the_overview_names_topics_instead_of_ids() -> None:
    overview = _overview(
        [
            ("topics", "effort_balance", _shown(40)),
            ("topics", "private_situation", _shown(12)),
            ("topics", "focus_time", _shown(7)),
        ]
    )
    for locale, names in (
        ("en", ("Effort and what is asked", "Private situation")),
        ("nl", ("Inzet en wat gevraagd wordt", "Privésituatie")),
    ):
        page = wc.render_html(overview, locale)
        text = _pdf_text(wc.render_pdf(overview, locale))
        for name in (*names, "Focus time"):
            assert name in page and name in text
        for ident in ("effort_balance", "private_situation", "focus_time"):
            assert ident not in page and ident not in text


def test_user_text_in_the_brief_html_is_escaped() -> None:
    name = "<script>alert('x')</script> & Şükrü"
    page = brief_html(_brief(name))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Şükrü" in page
    for svg in re.findall(r"<svg.*?</svg>", page, flags=re.DOTALL):
        root = ElementTree.fromstring(svg)
        assert root.findtext(f"{SVG}title") == f"How is it going, {name}?"
        assert "2027: " in root.findtext(f"{SVG}desc", "")


# ---- PDF pages ------------------------------------------------------------------------------


def test_a_chart_title_stays_with_its_chart() -> None:
    page = Page("t")
    while page.room() > 30:
        page.paragraph("Filler line")
    bars = [charts.Bar(name, n, str(n)) for n, name in enumerate(("Pay", "Hours", "Place"), 1)]
    drawing = charts.bar_chart("b", bars * 3)
    assert page.chart_height(drawing) > page.room()
    page.chart(drawing, "Agreements by category")
    first, second = (p.extract_text() for p in PdfReader(io.BytesIO(bytes(page.output()))).pages)
    assert "Agreements by category" not in first
    assert second.index("Agreements by category") < second.index("Pay")


def test_brief_pdf_follow_ups_read_as_months() -> None:
    text = _pdf_text(render_brief(_brief("Bram", locale="nl"), "pdf"))
    assert "maart 2027" in text and "2027-03" not in text


def test_every_text_a_document_template_asks_for_exists() -> None:
    templates = Path(__file__).resolve().parent.parent / "bot" / "documents" / "templates"
    key = re.compile(r'\bt\(\s*"([a-z_.]+)"')
    for name, catalog in (("report.html", REPORT_CATALOG), ("brief.html", DIALOGUE_CATALOG)):
        used = set(key.findall((templates / name).read_text()))
        assert used and used <= set(catalog), (name, used - set(catalog))

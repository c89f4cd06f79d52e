"""The weekly review as files: one self-contained HTML report and its numbers as CSV (issue 15).

`python -m bot.review --week 2026-W48 --municipality kalundborg --out reports/` writes the same
report the staff page /admin/reports shows (bot.analytics.report), without links or forms.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from bot.admin.routes.guides import TOPIC_LABELS
from bot.admin.web import HERE, templates
from bot.analytics.formatting import percent, signed
from bot.analytics.groups import GROUP_STATES
from bot.analytics.report import WeeklyReport, csv_files
from bot.analytics.weeks import describe_week

# The page's own style sheets, inlined so the file opens anywhere (mail, a shared drive) as it looks.
STYLE_SHEETS = (HERE / "static" / "admin.css", HERE / "static" / "reports.css")


def render_file(report: WeeklyReport) -> str:
    """The report as one HTML document with its style and plots inside (no link leaves the file)."""
    # Our own style sheets, trusted as they are: escaped, "a > b" would break their selectors.
    style = Markup("\n".join(path.read_text(encoding="utf-8") for path in STYLE_SHEETS))  # noqa: S704
    return templates.env.get_template("report_file.html").render(
        report=report,
        style=style,
        links=False,
        prefix="",
        topics=TOPIC_LABELS,
        state_labels=GROUP_STATES,
        percent=percent,
        signed=signed,
        week_title=describe_week(report.week),
        csrf_field="",
        csrf_token="",
    )


def file_stem(report: WeeklyReport) -> str:
    topic = f"-{report.topic}" if report.topic else ""
    return f"{report.municipality}-{report.week}{topic}"


def write_report(report: WeeklyReport, out: Path) -> list[Path]:
    """Write ``<municipality>-<week>.html`` and its CSV files into ``out``; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    stem = file_stem(report)
    written = [out / f"{stem}.html"]
    written[0].write_text(render_file(report), encoding="utf-8")
    for name, text in csv_files(report).items():
        path = out / f"{stem}-{name}"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written

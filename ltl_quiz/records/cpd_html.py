"""The CPD record as one printable HTML page, from the Jinja2 template ``templates/cpd.html.j2``.

CPD records get printed and filed, so the print stylesheet matters as much as the screen one:
A4 with margins, entries that run on from page to page and break between their sections (never
a whole entry pushed to a new page, which left page 1 holding only the header), headings kept
with what follows them, and page numbers in the bottom margin where the browser supports
``@page`` margin boxes (Chromium does).
"""

from __future__ import annotations

from ltl_quiz.records.cpd import NO_ANSWER, ROLE_LABEL, UNCOVERED, CpdRecord, hours, no_difference

CSS = """
@page { size: A4; margin: 16mm 15mm 18mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt Arial, Helvetica, sans-serif; color: #555; } }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; line-height: 1.45; margin: 0; background: #f3f4f6; }
main { max-width: 820px; margin: 24px auto; background: #fff; padding: 32px 40px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
header { border-bottom: 4px solid #1f3864; padding-bottom: 12px; margin-bottom: 8px; }
h1 { font-size: 26px; margin: 0 0 8px; color: #1f3864; }
h2 { font-size: 20px; margin: 28px 0 6px; color: #1f3864; }
h3 { font-size: 15px; margin: 18px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: #3d4b5c; }
.entry + .entry { border-top: 1px solid #c9ced6; margin-top: 28px; }
.sub { font-weight: bold; margin: 10px 0 2px; }
ul.points { font-size: 14px; margin-top: 0; }
ul.covered li::marker { content: "✓  "; color: #2e7d32; }
ul.missed li::marker { content: "→  "; color: #b26a00; }
dl.facts { display: grid; grid-template-columns: 150px 1fr; gap: 2px 12px; margin: 8px 0; }
dl.facts dt { font-weight: bold; color: #3d4b5c; }
dl.facts dd { margin: 0; }
blockquote { margin: 6px 0 8px; padding: 8px 12px; border-left: 4px solid #8faadc; background: #f4f7fc; white-space: pre-wrap; }
.empty { font-style: italic; color: #555; margin: 4px 0 8px; }
.note { padding: 8px 12px; background: #fff4ce; border-left: 4px solid #c99a00; }
.critical { color: #a4262c; font-weight: bold; }
.points { font-size: 14px; color: #333; margin: 2px 0; }
ul { margin: 4px 0 8px; padding-left: 22px; }
li { margin: 3px 0; }
.different li { margin-bottom: 8px; }
.why { color: #3d4b5c; }
footer, .source { font-size: 12px; color: #555; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { box-shadow: none; margin: 0; padding: 0; max-width: none; }
  h1, h2, h3, .sub, .question, p.points { break-after: avoid-page; page-break-after: avoid; }
  .keep, li, blockquote, dl.facts, .note { break-inside: avoid-page; page-break-inside: avoid; }
  .part { break-inside: auto; }
  .entry + .entry { margin-top: 18px; }
  a { color: inherit; text-decoration: none; }
}
"""


def to_html(record: CpdRecord) -> str:
    from ltl_quiz.templating import page

    return page(
        "cpd.html.j2", CSS, record=record, hours=hours, no_answer=NO_ANSWER, no_difference=no_difference, role_label=ROLE_LABEL, uncovered=UNCOVERED
    )

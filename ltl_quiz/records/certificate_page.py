"""A certificate as one printable HTML page (A4 landscape), and as PDF through WeasyPrint.

Every stated field is an element marked ``data-field``, so ``ltl-quiz verify --certificate``
reads back exactly what the page says. A certificate with no expiry prints no empty "Valid until"
row: its empty ``expires`` field is a hidden element, still there for verify to read. PDF needs WeasyPrint (``pip install 'ltl-quiz[pdf]'``);
without it, print the HTML page from any browser.
"""

from __future__ import annotations

from pathlib import Path

from ltl_quiz.errors import InputError
from ltl_quiz.records.certificate_code import CertificateFields

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Certificate of {{ "attendance" if f.attendance else "completion" }}: {{ f.name }}</title>
<style>
@page { size: A4 landscape; margin: 12mm; }
html, body { margin: 0; }
body { font-family: Georgia, serif; color: #111; text-align: center; font-size: 11pt; }
.frame { border: 3px double #333; padding: 6mm 12mm; break-inside: avoid; }
p { margin: 1.5mm 0; }
h1 { font-size: 24pt; margin: 0 0 3mm; letter-spacing: .05em; }
.name { font-size: 20pt; font-weight: bold; }
.case { font-size: 14pt; font-style: italic; }
table { margin: 3mm auto; border-collapse: collapse; text-align: left; font-size: 10.5pt; }
th { padding: 1mm 4mm; font-weight: normal; color: #444; }
td { padding: 1mm 4mm; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: 16pt; letter-spacing: .15em; }
.small { font-size: 9pt; color: #444; word-break: break-all; }
</style></head><body><div class="frame">
<h1>Certificate of {{ "attendance" if f.attendance else "completion" }}</h1>
<p>This certifies that</p>
<p class="name"><span data-field="name">{{ f.name }}</span></p>
<p>staff number <span data-field="staff_number">{{ f.staff_number }}</span></p>
{% if f.attendance %}<p>attended a {{ f.mode }} group session on the case study</p>{% else %}<p>completed the case study</p>{% endif %}
<p class="case"><span data-field="title">{{ f.title }}</span></p>
<p>from the IOPC's <i>Learning the Lessons</i>, issue 39</p>
<table>
<tr><th>Case</th><td data-field="case">{{ f.case }}</td><th>Track</th><td data-field="track">{{ f.track }}</td></tr>
{% if f.attendance %}<tr><th>Session on</th><td data-field="date">{{ f.date }}</td><th>Mode</th><td data-field="mode">{{ f.mode }}</td></tr>
<tr><th>Led by</th><td data-field="trainer">{{ f.trainer }}</td><th>Result</th><td>attendance: no score, no verdict</td></tr>
{% else %}<tr><th>Completed on</th><td data-field="date">{{ f.date }}</td><th>Mode</th><td data-field="mode">{{ f.mode }}</td></tr>
<tr><th>Score</th><td data-field="score">{{ f.score }}</td><th>Verdict</th><td data-field="verdict">{{ f.verdict }}</td></tr>
{% endif %}
{% if f.expires %}<tr><th>Valid until</th><td data-field="expires">{{ f.expires }}</td><th>Scenario version</th><td data-field="scenario_version">{{ f.scenario_version }}</td></tr>
{% else %}<tr><th>Scenario version</th><td data-field="scenario_version">{{ f.scenario_version }}</td></tr>
{% endif %}
</table>
{% if not f.expires %}<span data-field="expires" hidden></span>{% endif %}
<p>Verification code</p>
<p class="code">{{ code }}</p>
<p class="small">Check it with <code>ltl-quiz verify {{ code }}</code> at any terminal pointed at the force's results store.</p>
<p class="small">Scenario sha256 <span data-field="scenario_sha256">{{ f.scenario_sha256 }}</span> · attempt <span data-field="attempt">{{ f.attempt }}</span></p>
</div></body></html>
"""


def to_html(fields: CertificateFields, code: str) -> str:
    import jinja2

    return jinja2.Environment(autoescape=True).from_string(TEMPLATE).render(f=fields, code=code)


def write(fields: CertificateFields, code: str, out: Path) -> None:
    """Write the certificate atomically as HTML or PDF, chosen by the file's suffix."""
    from ltl_quiz.atomic import atomic_writer

    page = to_html(fields, code)
    suffix = out.suffix.lower()
    if suffix in (".html", ".htm"):
        with atomic_writer(out) as handle:
            handle.write(page)
        return
    if suffix != ".pdf":
        raise InputError(f"--out {out}: write the certificate to a .html or .pdf file")
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        raise InputError(
            "PDF certificates need WeasyPrint: pip install 'ltl-quiz[pdf]' (or write .html and print it from a browser)"
        ) from None
    pdf = HTML(string=page).write_pdf()
    with atomic_writer(out, "wb", encoding=None) as handle:
        handle.write(pdf)

"""The HTML pages (learning report, CPD record and summary, compliance) are Jinja2 templates with
autoescaping on, each extending one layout (``templates/page.html.j2``) through one call, ``page``.

Autoescaping makes every value from the store or a scenario file text unless a template says
otherwise, so a learner's ``<img onerror=...>`` can never become markup, as string concatenation
allowed whenever one ``escape`` call was forgotten. Jinja2 is imported here only, and this module
only by the commands that write HTML, so ``ltl-quiz --help`` starts as fast as before.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    from ltl_quiz.text import counted

    environment = Environment(
        loader=PackageLoader("ltl_quiz", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True, default_for_string=True),
        undefined=StrictUndefined,  # a misspelt name in a template fails the test suite, not a CPD lead's page
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.globals["counted"] = counted  # every count on a page says "1 attempt", never "1 attempts"
    return environment


def render_page(template: str, **values: Any) -> str:
    """``template`` (a file in ltl_quiz/templates) filled with ``values``, every value escaped."""
    return _environment().get_template(template).render(**values)


def page(template: str, css: str, **values: Any) -> str:
    """One self-contained HTML page: ``template`` (which extends ``page.html.j2``) filled with
    ``values``, every value escaped, and its stylesheet ``css`` (ours, never user text) inlined whole."""
    return render_page(template, css=markup(css), **values)


def markup(text: str) -> Any:
    """Text we built ourselves (an SVG chart whose every value is already escaped), to insert as it is."""
    from markupsafe import Markup

    return Markup(text)

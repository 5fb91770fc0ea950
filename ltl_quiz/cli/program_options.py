"""The options of the whole program (``--scenarios``, ``--db``, ``--plain/--rich``,
``--follow-links``), which commands take too: apart from ``options`` so that ``ltl-quiz --help``
builds only these (start-up speed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ScenariosOpt = Annotated[
    Path | None, typer.Option("--scenarios", help="Folder of scenario files (or LTL_QUIZ_SCENARIOS).", show_default=False)
]
DbOpt = Annotated[str | None, typer.Option("--db", help="Results store URL, any SQLAlchemy URL (or LTL_QUIZ_DB).", show_default=False)]
PlainOpt = Annotated[
    bool | None,
    typer.Option(
        "--plain/--rich",
        help="Plain output: no colour, no boxes, numbered choices. Default: plain when NO_COLOR is set or output is not a terminal.",
        show_default=False,
    ),
]
FollowLinksOpt = Annotated[
    bool, typer.Option("--follow-links", help="Also use scenario files that are symbolic links to outside the scenarios folder.")
]

"""Compliance for CPD leads (issue 15): who must complete which case by when, and who has.

``rule`` holds the one definition of what satisfies an assignment; ``standing`` turns it into
complete / due / overdue / expiring; ``report`` aggregates standings. All three are pure functions
over plain rows, so the same code serves the terminal, the spreadsheets and the tests.
"""

"""Group sessions: a trainer takes a room through one case study, on one screen or live.

The rules (join codes, rosters, the room's path, distributions and majorities, quick entry, the
participants' records, the session's record as data) are pure modules here, and so is
``orchestration``, which applies them to the rows ``ltl_quiz.store.sessions`` reads and writes; what each ``session`` command does is ``ltl_quiz.app.sessions``; the
screens are ``ltl_quiz.ui.sessions``. Nothing here imports a terminal library or ``ltl_quiz.ui``.
"""

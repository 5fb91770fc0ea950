"""Group sessions: a trainer takes a room through one case study, on one screen or live.

The rules (join codes, rosters, the room's path, distributions and majorities, quick entry, the
participants' records) are pure modules here, and so is ``orchestration``, which applies them to the rows
``ltl_quiz.store.sessions`` reads and writes (the store never imports this package); the
terminal screens are the ``ui_*`` modules; ``actions`` is what each ``session`` command calls.
"""

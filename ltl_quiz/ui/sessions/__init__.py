"""The group sessions' screens: the trainer's (facilitated and live host), the learner's live screen,
the session view they draw with, the keyboard that waits and watches, and the session record for people.

The rules they follow are the pure modules of ``ltl_quiz.sessions``; what each ``session`` command
does is ``ltl_quiz.app.sessions``.
"""

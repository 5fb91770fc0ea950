"""So that ``python -m ltl_quiz`` works exactly like the ``ltl-quiz`` script."""

from ltl_quiz.cli import main

main()

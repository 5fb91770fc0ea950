"""What ltl-quiz says about people's learning: the learning report with its statistics, the CPD
record and the shareable CPD summary, and certificates anyone can verify.

Each is built as data by pure functions over what the store returns; the Markdown, HTML and JSON
renderings sit beside the data, and the terminal renderings in ``ltl_quiz.ui``.
"""

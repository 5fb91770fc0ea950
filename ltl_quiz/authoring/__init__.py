"""Tools for scenario authors: a skeleton to start from, a JSON Schema for editors, the map of a
scenario, and test plans and random walks that check every path before learners take it.

Everything here is a library call that returns text or data; ``cli.py`` only prints it.
"""

"""The engine: the attempt state machine over a scenario, and the dry run of an answers file through it.

Pure: no terminal, no database, no clock. It may import the scenario core and the base utilities.
"""

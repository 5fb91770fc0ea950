"""The content core: the scenario model, reading and checking case files, and the analysis of their paths.

Pure: no terminal, no database. It may import only the base utilities (errors, files, atomic, text).
"""

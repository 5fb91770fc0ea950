"""The application layer: what each command does, given locations and options, returning result
objects (``.lines()`` for people, ``.as_dict()`` for ``--json``). It never imports the terminal UI:
screens it needs are passed in, typed by Protocols."""

"""The terminal UI: rich output and questionary prompts live only here."""

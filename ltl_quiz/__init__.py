"""ltl-quiz: scenario-based training from the IOPC's Learning the Lessons, issue 39."""

__version__ = "0.1.0"

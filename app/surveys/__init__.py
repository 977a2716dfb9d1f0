"""Surveys: questionnaires with sections, codes, responses and answers."""

"""Surveys: questionnaires with sections, codes, responses and answers.

At the root: the models, codes, shared lookups, every URL (``routes``), the beat
task and the ``flask survey`` commands. By the work they serve: ``answering`` (the
public, online), ``builder`` (staff build a survey), ``paper`` (staff type in
questionnaires returned on paper).
"""

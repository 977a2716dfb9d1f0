"""Abwägung services, one module per part of the work.

- :mod:`.queries` — which contributions are listed (comments and survey open
  answers) and the workspace filters;
- :mod:`.workspace` — one page of the workspace table, progress, save-and-next;
- :mod:`.assessing` — saving one assessment (with its version guard), bulk tagging;
- :mod:`.linking` — linking assessments to the goal version that takes them up;
- :mod:`.tag_list` — the process's topic tags;
- :mod:`.visibility` — what the public sees.

Functions add and flush and record the audit event of each change; the caller
(a view) commits.
"""

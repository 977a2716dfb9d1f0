"""Content translation: a per-process report of missing translations and an editor
that shows the default language beside the translation."""

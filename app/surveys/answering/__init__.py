"""Answering a survey online: the gate (who may answer), responses (start, resume,
submit), the validation of a page, the stored answers, this browser's cookie, and
the public pages."""

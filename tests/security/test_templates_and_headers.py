"""Security headers, and the template rules a strict CSP needs."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

TEMPLATES = sorted(Path(__file__).resolve().parents[2].glob("app/**/templates/**/*.html"))


def test_pages_send_a_strict_content_security_policy(client: FlaskClient) -> None:
    csp = client.get("/de/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_kern_stylesheet_is_served_from_node_modules(client: FlaskClient) -> None:
    response = client.get("/vendor/kern/kern.min.css")
    assert response.status_code == 200
    assert b".kern-btn" in response.data
    assert client.get("/vendor/unknown/x.css").status_code == 404


def test_templates_have_no_inline_scripts_styles_or_handlers() -> None:
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    style_attr = re.compile(r"\sstyle\s*=", re.IGNORECASE)
    style_tag = re.compile(r"<style\b", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [
        str(path)
        for path in TEMPLATES
        for pattern in (inline_script, style_attr, style_tag, handler)
        if pattern.search(path.read_text())
    ]
    assert TEMPLATES and offenders == []


def test_every_post_form_carries_a_csrf_token() -> None:
    form = re.compile(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)
    missing = [
        str(path)
        for path in TEMPLATES
        for body in form.findall(path.read_text())
        # vote_fields: the cached comment's vote form gets this visitor's token per
        # request (app/comments/fragments.py; tests/comments/test_fragments.py).
        if not any(carrier in body for carrier in ("csrf_token", "hidden_tag()", "vote_fields"))
    ]
    assert missing == []

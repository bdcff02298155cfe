"""The Content-Security-Policy (django-csp) allows scripts and styles from our own files only, so
no template may carry an inline script, a style attribute or element, or an htmx attribute that
htmx evaluates as code (the browser tests fail on any violation the console reports)."""

import re
from pathlib import Path

from django.test import Client

ROOT = Path(__file__).resolve().parents[1]


def test_every_page_carries_the_policy(db):
    policy = Client().get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_no_template_needs_inline_script_or_style():
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        text = template.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"\sstyle=",
            r"<style",
            r"\shx-on",
            r"\son[a-z]+=",
            r"javascript:",
            r'hx-trigger="[^"]*\[',
            r"hx-vals=['\"]js:",
        ):
            if re.search(pattern, text):
                offenders.append(f"{template.relative_to(ROOT)}: {pattern}")
    assert not offenders, offenders

"""The API documentation page: Redoc rendered from our own static files (bureaus run on
intranets without a CDN), reading the schema at /api/schema/."""

import re

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db]


def test_the_documentation_page_loads_redoc_from_our_own_static_files():
    page = Client().get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert scripts and all(src.startswith("/static/") for src in scripts), scripts
    assert "/api/schema/" in html
    # Nothing from outside: no fonts, scripts or styles from another host.
    assert not re.findall(r'(?:src|href)="https?://', html)
    # The script it names is really there.
    assert Client().get(scripts[0]).status_code == 200

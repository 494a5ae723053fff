"""Names and texts holding HTML are shown as text everywhere: an organisation is named ``<script>alert(1)</script>``."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import XSS

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.mark.parametrize(
    "url",
    [
        "/organisations?q=script",  # the list (found by its name)
        "/organisations/org:xss",  # its own page: name, description, tie evidence
        "/organisations/org:ces-kwilcz",  # a partner's page: the name as the other end, the evidence
        "/analyses/metrics?top=0&run=1",  # an analysis table
        "/analyses/community-members",  # another one
        "/organisations?municipality=teryt:3014022",  # the list filtered by municipality
        "/partnerships/partnership:lokalne-kwilcz",  # a candidate member (tied to CES Kwilcz, a member)
    ],
)
def test_script_names_render_as_text(viewer: FlaskClient, url: str) -> None:
    html = viewer.get(url).get_data(as_text=True)
    assert ESCAPED in html
    assert XSS not in html


def test_the_map_frame_keeps_the_name_out_of_markup(viewer: FlaskClient) -> None:
    html = viewer.get("/map/frame?ego=org:xss").get_data(as_text=True)
    assert XSS not in html
    assert "alert(1)" in html  # the name is there, as escaped data


def test_search_text_is_escaped_in_the_form(viewer: FlaskClient) -> None:
    html = viewer.get("/organisations", query_string={"q": '"><img src=x onerror=alert(1)>'}).get_data(as_text=True)
    assert "<img src=x" not in html and "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_analysis_parameters_are_escaped_in_the_form_and_errors(viewer: FlaskClient) -> None:
    html = viewer.get("/analyses/metrics", query_string={"kinds": XSS, "run": "1"}).get_data(as_text=True)
    assert XSS not in html and ESCAPED in html

"""The reference page: from the OpenAPI document, without scripts, with working links."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.api.conftest import OpenData


def test_reference_lists_every_operation_with_a_working_example(
    client: FlaskClient, opendata: OpenData
) -> None:
    page = client.get("/de/open-data")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script" not in html and "style=" not in html
    assert "Offene Daten" in html and "Alle Fassungen" in html
    for operation in ("getProcess", "getGoalRevisions", "listProcessRevisions", "getDataPackage"):
        assert f'id="{operation}"' in html
    examples = re.findall(r'href="(/api/v1/[^"]+)"', html)
    assert "/api/v1/processes/hf12/goals/12/revisions" in examples
    for url in set(examples):
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url


def test_reference_links_the_data_package_of_each_process(
    client: FlaskClient, opendata: OpenData
) -> None:
    html = client.get("/en/open-data").get_data(as_text=True)
    assert 'href="/api/v1/processes/hf12/datapackage.zip"' in html
    assert "Data package of Efficient administration (ZIP)" in html

"""The public pages: start page, process page, goal page, in German and English."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.factories import make_goal, make_process


def test_root_redirects_by_accept_language(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,de;q=0.5"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/")


def test_root_defaults_to_german(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Language": "fr"})
    assert response.headers["Location"].endswith("/de/")


def test_chosen_language_is_remembered(client: FlaskClient) -> None:
    client.get("/en/")
    response = client.get("/", headers={"Accept-Language": "de"})
    assert response.headers["Location"].endswith("/en/")


def test_home_lists_published_processes_only(app, client: FlaskClient) -> None:
    make_process("visible")
    make_process("draft", published=False)
    page = client.get("/de/").get_data(as_text=True)
    assert "/de/p/visible/" in page
    assert "/de/p/draft/" not in page


def test_home_without_processes_says_so(client: FlaskClient) -> None:
    page = client.get("/en/").get_data(as_text=True)
    assert "There are no published participation processes yet." in page


def test_process_page_shows_tree_with_codes_and_phase(app, client: FlaskClient) -> None:
    process = make_process()
    parent = make_goal(process, "12.1", "Verwaltung entwickeln")
    make_goal(process, "12.1.1", "Organisationskultur stärken", parent=parent)
    page = client.get("/de/p/hf12/").get_data(as_text=True)
    assert "12.1.1" in page and "Organisationskultur stärken" in page
    assert "Beteiligung" in page  # the running phase, in German
    assert "2 Ziele" in page  # counts read from the stored aggregate


def test_goal_page_shows_text_easy_language_and_revision(app, client: FlaskClient) -> None:
    process = make_process()
    make_goal(
        process,
        "12.2.2",
        "Digitale Angebote ausbauen",
        body="Wir digitalisieren.",
        easy="Mehr Dinge gehen im Internet.",
    )
    page = client.get("/de/p/hf12/goals/12.2.2").get_data(as_text=True)
    assert "Digitale Angebote ausbauen" in page
    assert "Mehr Dinge gehen im Internet." in page
    assert "Fassung 1 vom" in page


def test_untranslated_content_is_marked_with_its_language(app, client: FlaskClient) -> None:
    process = make_process()
    make_goal(process, "1", "Nur deutsch")
    page = client.get("/en/p/hf12/goals/1").get_data(as_text=True)
    assert '<span lang="de" dir="ltr">Nur deutsch</span>' in page
    assert '<html lang="en" dir="ltr">' in page


def test_unknown_process_goal_and_language_give_404(app, client: FlaskClient) -> None:
    make_process()
    response = client.get("/en/p/nope/")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert client.get("/de/p/hf12/goals/9.9").status_code == 404
    assert client.get("/xx/").status_code == 404


def test_unpublished_process_is_hidden_from_the_public(app, client: FlaskClient) -> None:
    make_process("draft", published=False)
    assert client.get("/de/p/draft/").status_code == 404

from django.test import RequestFactory
from django.views.defaults import server_error


def test_it_renders_the_500_page_without_a_database_or_context():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Oups, un souci de notre côté</h1>" in html
    assert '<h2 lang="en">Sorry, something went wrong on our side</h2>' in html
    assert '<link rel="stylesheet" href="/static/css/comptoir.css">' in html

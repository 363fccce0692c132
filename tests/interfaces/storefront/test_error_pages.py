from django.test import RequestFactory
from django.views.defaults import server_error


def test_it_renders_the_500_page_without_a_database_or_context():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Oups, un souci de notre côté</h1>" in html
    assert '<h2 lang="en">Sorry, something went wrong on our side</h2>' in html
    assert '<link rel="stylesheet" href="/static/css/comptoir.css">' in html
    # No template comment shown as text.
    assert "{#" not in html
    assert "#}" not in html


def test_it_renders_the_500_page_even_without_a_static_manifest(settings, tmp_path):
    from django.contrib.staticfiles.storage import staticfiles_storage

    settings.STATIC_ROOT = tmp_path  # no manifest in it
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    staticfiles_storage._setup()  # type: ignore[attr-defined]

    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert '<link rel="stylesheet" href="/static/css/comptoir.css">' in response.content.decode()

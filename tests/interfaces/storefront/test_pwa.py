import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from comptoir.interfaces.storefront.pwa import PRECACHED_STATIC


def static_file(name: str) -> str:
    path = finders.find(name)
    assert isinstance(path, str), name
    return path


def test_it_serves_the_web_manifest(client: Client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert response["Cache-Control"] == "max-age=86400"
    manifest = json.loads(response.content)
    assert manifest == {
        "name": "Comptoir",
        "short_name": "Comptoir",
        "description": "Commandez chez les commerçants indépendants près de chez vous.",
        "lang": "fr",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": "#1f5c45",
        "background_color": "#faf7f2",
        "icons": [
            {
                "src": "/static/icons/icon-192.png",
                "sizes": "192x192",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": "/static/icons/icon-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": "/static/icons/icon-maskable-192.png",
                "sizes": "192x192",
                "type": "image/png",
                "purpose": "maskable",
            },
            {
                "src": "/static/icons/icon-maskable-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }


def test_it_describes_the_app_in_the_manifest_language_whatever_the_visitor_speaks(client):
    french = json.loads(client.get("/manifest.webmanifest").content)
    english = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="en").content)
    assert english["description"] == french["description"]
    assert english["lang"] == "fr"


@pytest.mark.parametrize(("name", "size"), [
    ("icon-192.png", 192),
    ("icon-512.png", 512),
    ("icon-maskable-192.png", 192),
    ("icon-maskable-512.png", 512),
    ("apple-touch-icon.png", 180),
])  # fmt: skip
def test_it_ships_square_png_icons_of_the_announced_size(name, size):
    from PIL import Image

    with Image.open(static_file(f"icons/{name}")) as image:
        assert image.format == "PNG"
        assert image.size == (size, size)


def test_it_draws_maskable_icons_full_bleed():
    from PIL import Image

    with Image.open(static_file("icons/icon-maskable-512.png")) as image:
        assert image.convert("RGBA").getpixel((0, 0)) == (0xFA, 0xF7, 0xF2, 255)


def test_it_links_the_manifest_and_icons_from_every_page(client, db):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in html
    assert '<meta name="theme-color" content="#1f5c45">' in html
    assert '<script src="/static/js/app.js" data-service-worker="/sw.js" defer></script>' in html


def test_it_serves_the_service_worker_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"


def test_it_precaches_the_offline_page_and_core_static_files(client):
    script = client.get("/sw.js").content.decode()
    assert 'const OFFLINE_URL = "/offline/";' in script
    assert (
        "const PRECACHE = [\n"
        '  "/offline/",\n'
        '  "/static/css/comptoir.css",\n'
        '  "/static/vendor/htmx/htmx-2.0.11.min.js",\n'
        '  "/static/js/app.js",\n'
        '  "/static/js/quantity.js",\n'
        '  "/static/icons/comptoir.svg",\n'
        "];" in script
    )
    # Plain names (development) may change content: network first for them.
    assert "const STATIC_NAMES_ARE_HASHED = false;" in script


def test_it_precaches_the_hashed_static_names_in_production(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    paths = {name: name.replace(".", ".0123456789ab.", 1) for name in PRECACHED_STATIC}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"version": "1.1", "paths": paths}))

    script = client.get("/sw.js").content.decode()

    assert '  "/static/css/comptoir.0123456789ab.css",\n' in script
    assert '  "/static/vendor/htmx/htmx-2.0123456789ab.0.11.min.js",\n' in script
    assert "const STATIC_NAMES_ARE_HASHED = true;" in script


def test_it_changes_the_worker_version_when_a_static_file_changes(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    versions = []
    for digest in ("aaaaaaaaaaaa", "bbbbbbbbbbbb"):
        settings.STATIC_ROOT = tmp_path / digest  # a new root: a fresh storage reads it
        settings.STATIC_ROOT.mkdir()
        paths = {name: name.replace(".", f".{digest}.", 1) for name in PRECACHED_STATIC}
        (settings.STATIC_ROOT / "staticfiles.json").write_text(
            json.dumps({"version": "1.1", "paths": paths})
        )
        script = client.get("/sw.js").content.decode()
        versions.append(next(line for line in script.splitlines() if "VERSION =" in line))
    assert versions[0] != versions[1]


def test_it_keeps_personal_and_live_pages_out_of_the_worker(client):
    script = client.get("/sw.js").content.decode()
    assert 'if (request.method !== "GET") return;' in script
    assert r"const NEVER_HANDLED = /^\/(operator|live|api|i18n|media)(\/|$)|^\/sw\.js$/;" in script
    assert r"const PERSONAL = /\/(basket|checkout|account|orders?)(\/|$)/;" in script
    assert "const PRIVATE_RESPONSE = /no-store|private/i;" in script


def test_it_serves_the_offline_page_in_french_and_english(client):
    response = client.get("/offline/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "<h1>Vous êtes hors connexion</h1>" in html
    assert '<h2 lang="en">You are offline</h2>' in html
    assert (
        '<a class="button" href=""><span>Réessayer · <span lang="en">Try again</span></span></a>'
        in html
    )


def test_it_keeps_the_offline_page_free_of_tokens_and_queries(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        html = client.get("/offline/").content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert 'class="language"' not in html


@pytest.mark.parametrize("url", ["/manifest.webmanifest", "/sw.js", "/offline/"])
def test_it_refuses_to_post_to_the_app_files(client, url):
    assert client.post(url).status_code == 405

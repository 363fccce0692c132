from __future__ import annotations

from PIL import Image

from comptoir.demo.data import TRADES
from comptoir.demo.photos import initials, photos_ensure, product_photo_name, shop_photo_name


def test_it_draws_every_photo_once(tmp_path):
    bakery = TRADES[0]

    drawn = photos_ensure((bakery,), media_root=tmp_path)
    again = photos_ensure((bakery,), media_root=tmp_path)

    assert (drawn, again) == (len(bakery.kinds) + 1, 0)


def test_it_draws_a_jpeg_per_kind_and_a_cover_per_trade(tmp_path):
    florist = TRADES[9]
    photos_ensure((florist,), media_root=tmp_path)

    with Image.open(tmp_path / product_photo_name(florist, florist.kinds[0])) as photo:
        assert (photo.format, photo.size) == ("JPEG", (640, 480))
    with Image.open(tmp_path / shop_photo_name(florist)) as cover:
        assert (cover.format, cover.size) == ("JPEG", (1200, 600))


def test_it_names_photos_after_the_kind_with_ligatures_spelled_out():
    butcher = TRADES[3]
    entrecote = next(k for k in butcher.kinds if k.name.startswith("Entrecôte"))
    assert product_photo_name(butcher, entrecote) == (
        "demo/products/butcher/entrecote-de-boeuf-normand.jpg"
    )


def test_it_takes_initials_from_the_significant_words():
    assert initials("Croissant au beurre") == "CB"
    assert initials("Pont-l'évêque AOP") == "PE"
    assert initials("Boîte de 6 macarons") == "BM"

"""The approximate geocoder: postcode centres, the shipped Rouen areas, loading more."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comptoir.domain.fulfilment.geocode import (
    SHIPPED_AREAS,
    Location,
    PostcodeCentroids,
    locate,
    postcode_areas_load,
)
from comptoir.domain.fulfilment.models import PostcodeArea

pytestmark = pytest.mark.django_db


def test_the_rouen_area_ships_with_comptoir():
    assert PostcodeArea.objects.filter(country="FR").count() == 21
    centre = PostcodeArea.objects.get(country="FR", postal_code="76000")
    assert (centre.name, centre.latitude, centre.longitude) == (
        "Rouen (rive droite)",
        Decimal("49.443200"),
        Decimal("1.099300"),
    )


def test_it_places_a_postcode_at_its_centre_and_says_it_is_approximate():
    location = locate(line1="12 rue Verte", postal_code=" 76 100", locality="Rouen")

    assert location == Location(
        latitude=Decimal("49.428000"), longitude=Decimal("1.087000"), approximate=True
    )


@pytest.mark.parametrize("postal_code", ["", "75001", "7600", "76000X"])
def test_it_cannot_place_an_unknown_or_empty_postcode(postal_code):
    assert locate(line1="1 rue X", postal_code=postal_code, locality="Rouen") is None


def test_postcodes_are_per_country():
    assert locate(line1="", postal_code="76000", locality="", country="BE") is None


def test_the_geocoder_is_pluggable(settings):
    settings.GEOCODER = "tests.domain.fulfilment.test_geocode.EverywhereAtTheCathedral"

    location = locate(line1="3 rue du Change", postal_code="99999", locality="Nowhere")

    assert location == Location(
        latitude=Decimal("49.440300"), longitude=Decimal("1.094900"), approximate=False
    )


class EverywhereAtTheCathedral:
    def locate(self, *, line1, postal_code, locality, country):
        return Location(
            latitude=Decimal("49.440300"), longitude=Decimal("1.094900"), approximate=False
        )


def test_loading_a_file_twice_keeps_one_row_per_postcode(tmp_path):
    areas = tmp_path / "areas.csv"
    areas.write_text(
        "country,postal_code,name,latitude,longitude\n"
        "fr,27000,Évreux,49.024000,1.151000\n"
        "FR,76000,Rouen (centre),49.443000,1.099000\n",
        encoding="utf-8",
    )

    assert postcode_areas_load(path=areas) == 2
    assert postcode_areas_load(path=areas) == 2

    assert PostcodeArea.objects.filter(postal_code="27000").count() == 1
    assert PostcodeCentroids().locate(
        line1="", postal_code="27000", locality="", country="FR"
    ) == Location(Decimal("49.024000"), Decimal("1.151000"), approximate=True)
    assert PostcodeArea.objects.get(postal_code="76000").name == "Rouen (centre)"


def test_the_command_loads_the_shipped_file_by_default():
    PostcodeArea.objects.all().delete()
    out = StringIO()

    call_command("postcode_areas_load", stdout=out)

    assert PostcodeArea.objects.count() == 21
    assert out.getvalue() == f"21 postcode areas loaded from {SHIPPED_AREAS}.\n"


def test_the_command_refuses_a_bad_file_and_loads_nothing(tmp_path):
    areas = tmp_path / "areas.csv"
    areas.write_text(
        "country,postal_code,name,latitude,longitude\n"
        "FR,27000,Évreux,49.024000,1.151000\n"
        "FR,27100,Val-de-Reuil,north,1.2\n",
        encoding="utf-8",
    )

    with pytest.raises(
        CommandError, match=r"not a postcode file \(InvalidOperation.*\); nothing was loaded\.$"
    ):
        call_command("postcode_areas_load", str(areas))

    assert not PostcodeArea.objects.filter(postal_code="27000").exists()


def test_the_command_says_when_the_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("postcode_areas_load", str(tmp_path / "none.csv"))

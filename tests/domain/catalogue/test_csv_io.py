"""CSV import/export: Excel FR and UTF-8 files, a preview with plain-word errors, all or nothing."""

import time
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.csv_io import (
    Action,
    CsvUnreadable,
    ImportHasErrors,
    ImportNotWaiting,
    catalogue_export_csv,
    catalogue_import_apply,
    catalogue_import_confirm,
    catalogue_import_prepare,
    catalogue_import_run,
    import_rows_done,
    plan_import,
)
from comptoir.domain.catalogue.csv_io.cells import decode, parse_decimal
from comptoir.domain.catalogue.models import CatalogueImport, Category, ImportStatus, Product
from tests.factories import make_category, make_product, make_shop

pytestmark = pytest.mark.django_db

HEADER = (
    "reference;name;category;description;price;unit;vat_rate;allergens;stock;"
    "lead_time_minutes;daily_quota;preorder_on;on_sale"
)


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def names(shop) -> list[str]:
    return sorted(Product.objects.filter(shop=shop).values_list("name", flat=True))


# --- Reading the file ---------------------------------------------------------


def test_it_reads_an_excel_fr_file_in_windows_1252_with_semicolons_and_commas(shop):
    data = csv_text(
        "BUCHE;Bûche pâtissière;Fêtes;Crème, marrons;32,50;piece;5,5;Œufs|Lait;12;2880;20;"
        "24/12/2026;oui"
    ).encode("cp1252")

    plan = plan_import(shop=shop, data=data)

    assert plan.errors == []
    [row] = plan.rows
    assert row.action == Action.CREATE
    assert row.name == "Bûche pâtissière"
    assert row.category == "Fêtes"
    assert row.values == {
        "reference": "BUCHE",
        "name": "Bûche pâtissière",
        "description": "Crème, marrons",
        "price": Decimal("32.50"),
        "unit": "piece",
        "vat_rate": Decimal("5.50"),
        "allergens": Allergen.EGGS | Allergen.MILK,
        "stock": 12,
        "lead_time_minutes": 2880,
        "daily_quota": 20,
        "preorder_on": date(2026, 12, 24),
        "is_active": True,
    }
    assert plan.new_categories == ["Fêtes"]


def test_it_reads_utf8_with_a_bom_and_commas(shop):
    data = ('\ufeffname,price,allergens\r\n"Pain d\'épices","4.20",gluten|eggs\r\n').encode()

    plan = plan_import(shop=shop, data=data)

    assert plan.errors == []
    assert plan.rows[0].values == {
        "name": "Pain d'épices",
        "price": Decimal("4.20"),
        "allergens": Allergen.GLUTEN | Allergen.EGGS,
        "vat_rate": Decimal("5.50"),  # none given: suggested for a bakery
    }


def test_it_reads_utf8_without_a_bom():
    assert decode("Crème brûlée".encode()) == "Crème brûlée"
    assert decode("Crème brûlée".encode("cp1252")) == "Crème brûlée"
    assert decode("\ufeffŒuf".encode()) == "Œuf"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("3,50", "3.50"), ("3.5", "3.5"), ("1 234,50 €", "1234.50"), ("1.234,50", "1234.50"),
     ("1,234.50", "1234.50"), ("5,5 %", "5.5"), ("\u00a012", "12")],
)  # fmt: skip
def test_it_reads_french_and_english_numbers(raw, value):
    assert parse_decimal(raw) == Decimal(value)


def test_it_accepts_french_column_names(shop):
    data = "Référence;Nom;Catégorie;Prix;TVA;Allergènes\nR1;Baguette;Pains;1,30;5,5;Gluten\n"

    plan = plan_import(shop=shop, data=data)

    assert plan.columns == ["reference", "name", "category", "price", "vat_rate", "allergens"]
    assert plan.errors == []


def test_it_refuses_unknown_columns_with_the_list_of_known_ones(shop):
    with translation.override("fr"), pytest.raises(CsvUnreadable) as refused:
        plan_import(shop=shop, data="name;prix unitaire;couleur\nBaguette;1;rouge\n")

    assert "prix unitaire, couleur" in str(refused.value)
    assert "reference, name, category" in str(refused.value)


def test_it_refuses_a_binary_file(shop):
    with pytest.raises(CsvUnreadable):
        plan_import(shop=shop, data=b"PK\x03\x04\x00\x00\x00\x08xlsx")


def test_it_refuses_an_empty_file_or_a_header_alone(shop):
    with pytest.raises(CsvUnreadable):
        plan_import(shop=shop, data=b"")
    with pytest.raises(CsvUnreadable):
        plan_import(shop=shop, data=b"name;price\r\n")


# --- Row errors in plain French -----------------------------------------------


def test_it_lists_every_row_error_in_plain_words_with_its_line(shop):
    data = csv_text(
        ";Baguette;;;1,30;;;;;;;;",
        ";Croissant;;;1,10;;;;;;;;",
        ";Tarte;;;3,5O;;;;;;;;",
        ";Éclair;;;2;sac;7;noix de coco;-2;;0;31/02/2026;peut-être",
        ";;;;;;;;;;;;",
        "X1;;;;;;;;;;;;",
    )

    with translation.override("en"):
        plan = plan_import(shop=shop, data=data)

    units = "piece, kg, 100g, l, bottle, dozen, bunch, pack, slice, person"
    assert plan.errors == [
        "Line 4: the price “3,5O” is not a number.",
        f"Line 5: the unit “sac” is unknown ({units}).",
        "Line 5: the VAT rate “7” is not a French rate (2.1, 5.5, 10 or 20).",
        "Line 5: the allergen “noix de coco” is unknown.",
        "Line 5: the stock “-2” is not a whole number of 0 or more.",
        "Line 5: the daily quota “0” is not a whole number of 1 or more.",
        "Line 5: the pre-order date “31/02/2026” is not a date (24/12/2026).",
        "Line 5: “peut-être” in on_sale is neither yes nor no.",
        "Line 7: the name is missing.",
        "Line 7: the price is missing.",
    ]
    assert not plan.is_valid
    assert [row.action for row in plan.rows[:2]] == [Action.CREATE, Action.CREATE]


def test_it_names_the_line_and_the_bad_price_in_english_too(shop):
    with translation.override("en"):
        plan = plan_import(shop=shop, data="name;price\nBaguette;1,30\nCroissant;abc\n")

    assert plan.errors == ["Line 3: the price “abc” is not a number."]


def test_it_asks_a_name_and_a_price_for_a_new_product(shop):
    with translation.override("en"):
        plan = plan_import(shop=shop, data="reference;price\nNEW;2\n")

    assert plan.errors == ["Line 2: a new product needs a name."]


def test_it_refuses_one_reference_twice_in_a_file(shop):
    with translation.override("en"):
        plan = plan_import(shop=shop, data="reference;name;price\nR1;A;1\nR1;B;2\n")

    assert plan.errors == ["Line 3: the reference “R1” is already on line 2."]


def test_it_refuses_a_name_shared_by_two_products_without_reference(shop):
    make_product(shop, name="Baguette")
    make_product(shop, name="Baguette")

    with translation.override("en"):
        plan = plan_import(shop=shop, data="name;price\nBaguette;1,30\n")

    assert plan.errors == ["Line 2: several products are named “Baguette”: add a reference."]


# --- Matching: update by reference, else by name, else create ---------------


def test_it_updates_by_reference_and_says_what_changes(shop):
    product = make_product(shop, name="Baguette", reference="BAG", price=Decimal("1.20"), stock=3)

    plan = plan_import(shop=shop, data="reference;name;price;stock\nBAG;Baguette;1,30;3\n")

    [row] = plan.rows
    assert (row.action, row.product, row.changes) == (Action.UPDATE, product, ["price"])


def test_it_sees_an_unchanged_row(shop):
    category = make_category(shop, name="Pains")
    make_product(shop, name="Baguette", reference="BAG", price=Decimal("1.30"), category=category)

    plan = plan_import(shop=shop, data="reference;name;category;price\nBAG;Baguette;pains;1,3\n")

    assert plan.rows[0].action == Action.UNCHANGED


def test_it_matches_by_name_when_the_reference_is_new_and_sets_it(shop):
    product = make_product(shop, name="Baguette", reference="")

    plan = plan_import(shop=shop, data="reference;name;price\nBAG;baguette;1,30\n")

    [row] = plan.rows
    assert (row.action, row.product) == (Action.UPDATE, product)
    assert "reference" in row.changes


def test_it_creates_what_matches_nothing_with_the_suggested_vat(shop):
    plan = plan_import(shop=shop, data="name;category;price\nBallotin;Chocolats;18\n")

    [row] = plan.rows
    assert row.action == Action.CREATE
    assert row.values["vat_rate"] == Decimal("20.00")


# --- Writing: all or nothing -------------------------------------------------


def test_it_writes_creates_and_updates_and_new_categories(shop):
    make_category(shop, name="Pains")
    baguette = make_product(shop, name="Baguette", reference="BAG", price=Decimal("1.20"))
    plan = plan_import(
        shop=shop,
        data=csv_text(
            "BAG;Baguette;Pains;;1,30;piece;5,5;gluten;;;;;oui",
            "CRO;Croissant;Viennoiseries;Pur beurre;1,10;piece;;gluten|lait;30;;;;oui",
            "CRO2;Croissant;Viennoiseries;;1,10;piece;;;;;;;non",
        ),
    )
    assert plan.errors == []

    counts = catalogue_import_apply(shop=shop, plan=plan)

    assert (counts.created, counts.updated, counts.unchanged) == (2, 1, 0)
    baguette.refresh_from_db()
    assert baguette.category is not None
    assert (baguette.price, baguette.stock, baguette.category.name) == (
        Decimal("1.30"),
        None,
        "Pains",
    )
    croissant = Product.objects.get(shop=shop, reference="CRO")
    assert croissant.slug == "croissant"
    assert croissant.allergens == Allergen.GLUTEN | Allergen.MILK
    assert croissant.vat_rate == Decimal("5.50")
    assert croissant.city_id == shop.city_id
    assert Product.objects.get(shop=shop, reference="CRO2").slug == "croissant-2"
    assert Product.objects.get(shop=shop, reference="CRO2").is_active is False
    assert sorted(Category.objects.filter(shop=shop).values_list("name", flat=True)) == [
        "Pains",
        "Viennoiseries",
    ]


def test_it_writes_nothing_when_a_row_has_an_error(shop):
    make_product(shop, name="Baguette", reference="BAG", price=Decimal("1.20"))
    plan = plan_import(shop=shop, data="reference;name;price\nBAG;Baguette;1,30\nNEW;Tarte;3,5O\n")

    with pytest.raises(ImportHasErrors):
        catalogue_import_apply(shop=shop, plan=plan)

    assert Product.objects.get(reference="BAG").price == Decimal("1.20")
    assert names(shop) == ["Baguette"]


def test_it_leaves_columns_absent_from_the_file_alone(shop):
    product = make_product(
        shop, name="Baguette", reference="BAG", stock=7, allergens=Allergen.GLUTEN
    )

    catalogue_import_apply(shop=shop, plan=plan_import(shop=shop, data="reference;price\nBAG;2\n"))

    product.refresh_from_db()
    assert (product.price, product.stock, product.allergens) == (
        Decimal("2.00"),
        7,
        Allergen.GLUTEN,
    )


def test_it_never_touches_another_shops_products(shop):
    other = make_product(make_shop(shop.city), name="Baguette", reference="BAG")

    plan = plan_import(shop=shop, data="reference;name;price\nBAG;Baguette;9\n")
    catalogue_import_apply(shop=shop, plan=plan)

    assert plan.rows[0].action == Action.CREATE
    assert Product.objects.get(pk=other.pk).price == Decimal("1.30")
    assert Product.objects.filter(shop=shop, reference="BAG").count() == 1


# --- Export and round trip ----------------------------------------------------


def test_export_is_excel_fr_friendly(shop):
    category = make_category(shop, name="Fêtes")
    make_product(
        shop,
        name="Bûche",
        reference="BUCHE",
        category=category,
        price=Decimal("32.50"),
        vat_rate=Decimal("5.50"),
        allergens=Allergen.EGGS | Allergen.MILK,
        stock=None,
        lead_time_minutes=2880,
        daily_quota=20,
        preorder_on=date(2026, 12, 24),
    )

    with translation.override("en"):
        text = catalogue_export_csv(shop=shop)

    assert text.startswith("\ufeff" + HEADER + "\r\n")
    assert (
        text.splitlines()[1]
        == "BUCHE;Bûche;Fêtes;;32,50;piece;5,5;Eggs|Milk;;2880;20;2026-12-24;yes"
    )


def test_an_exported_file_imports_back_unchanged(shop):
    category = make_category(shop, name="Pains")
    make_product(
        shop, name="Baguette", reference="BAG", category=category, allergens=Allergen.GLUTEN
    )
    make_product(shop, name="Pain de mie", reference="", stock=None, is_active=False)
    make_product(
        shop, name="Bûche", reference="B;1", description='Deux lignes\n"et" des guillemets',
        vat_rate=Decimal("20.00"), preorder_on=date(2026, 12, 24), lead_time_minutes=60,
    )  # fmt: skip

    for language in ("fr", "en"):
        with translation.override(language):
            data = catalogue_export_csv(shop=shop).encode("utf-8")
        plan = plan_import(shop=shop, data=data)
        assert plan.errors == []
        assert [row.action for row in plan.rows] == [Action.UNCHANGED] * 3


def test_a_round_trip_through_windows_1252_changes_nothing_either(shop):
    make_product(shop, name="Crème brûlée", reference="CB", allergens=Allergen.EGGS | Allergen.MILK)

    with translation.override("fr"):
        data = catalogue_export_csv(shop=shop).lstrip("\ufeff").encode("cp1252")

    assert [row.action for row in plan_import(shop=shop, data=data).rows] == [Action.UNCHANGED]


# --- Large files and the import job -------------------------------------------


def big_file(rows: int) -> bytes:
    lines = [HEADER]
    lines += [
        f"REF-{n:05d};Produit {n};Rayon {n % 20};;{n % 50},{n % 100:02d};piece;;gluten;{n % 30}"
        ";;;;oui"
        for n in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def test_a_5000_row_file_is_previewed_quickly_and_imported(shop):
    data = big_file(5000)

    started = time.perf_counter()
    plan = plan_import(shop=shop, data=data)
    preview_seconds = time.perf_counter() - started

    assert plan.errors == []
    assert plan.count(Action.CREATE) == 5000
    assert preview_seconds < 10  # generous: the point is "not minutes"

    seen: list[int] = []
    counts = catalogue_import_apply(shop=shop, plan=plan, progress=seen.append)

    assert counts.created == 5000
    assert Product.objects.filter(shop=shop).count() == 5000
    assert Category.objects.filter(shop=shop).count() == 20
    assert seen[0] == 100
    assert seen[-1] == 5000
    assert len(seen) == 50

    again = plan_import(shop=shop, data=data)
    assert again.count(Action.UNCHANGED) == 5000


def test_the_job_goes_from_preview_to_done_through_the_worker(
    shop, django_capture_on_commit_callbacks
):
    job, plan = catalogue_import_prepare(
        shop=shop, user=None, filename="produits.csv", data=b"name;price\nBaguette;1,30\nPain;2\n"
    )
    assert (job.status, job.rows_total, len(plan.rows)) == (ImportStatus.PREVIEW, 2, 2)
    assert Product.objects.count() == 0  # the preview writes no product

    with django_capture_on_commit_callbacks(execute=True):
        catalogue_import_confirm(job=job)

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 0, 0)
    assert import_rows_done(job) == 2
    assert names(shop) == ["Baguette", "Pain"]
    with pytest.raises(ImportNotWaiting):
        catalogue_import_confirm(job=job)


def test_the_job_fails_whole_when_the_catalogue_changed_since_the_preview(shop):
    job, _ = catalogue_import_prepare(
        shop=shop, user=None, filename="f.csv", data=b"name;price\nBaguette;1,30\nTarte;3\n"
    )
    make_product(shop, name="Tarte")
    make_product(shop, name="tarte")  # now ambiguous
    CatalogueImport.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)

    with translation.override("en"):
        job = catalogue_import_run(import_id=job.pk)

    assert job.status == ImportStatus.FAILED
    assert job.error.splitlines() == [
        "Nothing was imported: 1 lines have errors.",
        "Line 3: several products are named “Tarte”: add a reference.",
    ]
    assert not Product.objects.filter(name="Baguette").exists()


def test_the_job_runs_once_even_if_delivered_twice(shop):
    job, _ = catalogue_import_prepare(
        shop=shop, user=None, filename="f.csv", data=b"name;price\nA;1\n"
    )
    CatalogueImport.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)

    catalogue_import_run(import_id=job.pk)
    catalogue_import_run(import_id=job.pk)

    assert Product.objects.filter(shop=shop, name="A").count() == 1


def test_an_imported_product_never_takes_the_slug_of_the_shops_terms_page(shop):
    plan = plan_import(shop=shop, data=csv_text("TRM;Terms;;;1,30;piece;5,5;;;;;;oui"))
    assert plan.errors == []

    catalogue_import_apply(shop=shop, plan=plan)

    assert Product.objects.get(shop=shop, reference="TRM").slug == "terms-2"

"""Fill the reference database: `categories` x `per_category` products, with bulk_create."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from bench.apps.reference_page.models import Category, Product

WORDS = (  # noqa: SIM905 - a word list
    "pain levain seigle baguette croissant brioche tarte fraise pomme poire comté "
    "beurre crème yaourt saumon poulet canard jambon saucisse carotte poireau tomate "
    "miel confiture chocolat café thé vin cidre farine noix noisette amande citron "
    "orange"
).split()


def fill(*, categories: int, per_category: int, seed: int = 7) -> int:
    """Create the rows (the tables empty); the number of products."""
    rng = random.Random(seed)
    with transaction.atomic():
        Category.objects.bulk_create(
            Category(name=f"rayon {i}", slug=f"rayon-{i}") for i in range(categories)
        )
    ids = list(Category.objects.order_by("pk").values_list("pk", flat=True))
    units = list(Product.Unit.values)
    batch: list[Product] = []
    for category_id in ids:
        for position in range(per_category):
            words = rng.sample(WORDS, 3)
            batch.append(
                Product(
                    category_id=category_id,
                    name=" ".join(words),
                    slug=f"{slugify(' '.join(words))}-{position}",
                    price=Decimal(rng.randrange(50, 5000)) / 100,
                    unit=rng.choice(units),
                    description=" ".join(rng.choices(WORDS, k=rng.randrange(8, 30))),
                    stock=rng.choice([None, 0, 5, 12, 40]),
                    position=position,
                )
            )
        if len(batch) >= 5000:
            Product.objects.bulk_create(batch)
            batch = []
    Product.objects.bulk_create(batch)
    return len(ids) * per_category

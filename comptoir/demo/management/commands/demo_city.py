"""`manage.py demo_city`: build a deterministic demo city (Rouen by default)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comptoir.demo.accounts import format_demo_logins
from comptoir.demo.data import CITIES
from comptoir.demo.generate import DemoError, demo_city_generate


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Fill a city with demo shops, products, photos and logins (same seed, same data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", default="rouen", choices=sorted(CITIES))
        parser.add_argument("--shops", type=_positive, default=64)
        parser.add_argument("--products-per-shop", type=_positive, default=25)
        parser.add_argument("--seed", type=int, default=1)
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the city already has shops."
        )
        mode.add_argument("--reset", action="store_true", help="Delete the city's shops first.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_city_generate(
                city_slug=options["city"],
                shops=options["shops"],
                products_per_shop=options["products_per_shop"],
                seed=options["seed"],
                reset=options["reset"],
                if_empty=options["if_empty"],
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if result.skipped:
            self.stdout.write(f"{result.city.name} already has shops: demo data left as it is.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.city.name}: {result.shops} shops, {result.products} products "
                f"({result.photos_drawn} photos drawn) in {result.seconds:.1f} s."
            )
        )
        if not options["if_empty"]:  # with --if-empty (make run) the launcher prints them
            self.stdout.write(format_demo_logins())

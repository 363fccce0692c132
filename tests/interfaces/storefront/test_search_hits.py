"""The search's hits and the opening badge, written in Python (templatetags/product_cards.py).

Both replace templates (a loop in search_results.html, the include
_opening_badge.html): each is held to what that template wrote, branch by
branch, in French and in English.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.models import Product, Unit
from comptoir.domain.shops.hours import OpeningStatus, OpensOn
from comptoir.interfaces.storefront.templatetags.product_cards import opening_badge
from tests.factories import make_product, make_shop

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
TUESDAY_9 = datetime(2026, 3, 10, 9, 0, tzinfo=PARIS)

# _opening_badge.html as it was, before the tag replaced it.
OLD_BADGE = Template(
    """{% load i18n l10n tz storefront %}{% localtime off %}{% spaceless %}
{% if status.is_open %}
<span class="badge badge--open">{% blocktranslate with time=status.closes_at|clock %}Open now · until {{ time }}{% endblocktranslate %}</span>
{% elif not status.opens_at %}
<span class="badge badge--closed">{% translate "Closed" %}</span>
{% elif status.opens_on == "today" %}
<span class="badge badge--closed">{% blocktranslate with time=status.opens_at|clock %}Closed · opens today at {{ time }}{% endblocktranslate %}</span>
{% elif status.opens_on == "tomorrow" %}
<span class="badge badge--closed">{% blocktranslate with time=status.opens_at|clock %}Closed · opens tomorrow at {{ time }}{% endblocktranslate %}</span>
{% elif status.opens_on == "weekday" %}
<span class="badge badge--closed">{% blocktranslate with day=status.opens_at|date:"l" time=status.opens_at|clock %}Closed · opens {{ day }} at {{ time }}{% endblocktranslate %}</span>
{% else %}
<span class="badge badge--closed">{% blocktranslate with day=status.opens_at|date:"j F" time=status.opens_at|clock %}Closed · opens on {{ day }} at {{ time }}{% endblocktranslate %}</span>
{% endif %}
{% endspaceless %}{% endlocaltime %}"""  # noqa: E501 - the template as it was
)

STATUSES = {
    "open": OpeningStatus(is_open=True, closes_at=TUESDAY_9.replace(hour=19, minute=30)),
    "closed for good": OpeningStatus(is_open=False),
    "today": OpeningStatus(
        is_open=False, opens_at=TUESDAY_9.replace(hour=14), opens_on=OpensOn.TODAY
    ),
    "tomorrow": OpeningStatus(
        is_open=False, opens_at=TUESDAY_9 + timedelta(days=1), opens_on=OpensOn.TOMORROW
    ),
    "weekday": OpeningStatus(
        is_open=False, opens_at=TUESDAY_9 + timedelta(days=4), opens_on=OpensOn.WEEKDAY
    ),
    "date": OpeningStatus(
        is_open=False, opens_at=TUESDAY_9 + timedelta(days=12), opens_on=OpensOn.DATE
    ),
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", list(STATUSES))
def test_the_badge_is_what_the_template_wrote(name, language, settings):
    settings.TIME_ZONE = "UTC"  # the shop's local times are written as they are, unconverted
    status = STATUSES[name]
    with translation.override(language), timezone.override("UTC"):
        expected = OLD_BADGE.render(Context({"status": status})).strip()
        assert opening_badge(status) == expected
    assert expected.startswith('<span class="badge badge--')


def test_the_badge_says_when_the_shop_opens_in_french():
    with translation.override("fr"):
        assert opening_badge(STATUSES["weekday"]) == (
            '<span class="badge badge--closed">Fermé · ouvre samedi à 9:00</span>'
        )
        assert opening_badge(STATUSES["date"]) == (
            '<span class="badge badge--closed">Fermé · ouvre le 22 mars à 9:00</span>'
        )


# The loop of search_results.html as it was, before the tag replaced it.
OLD_HITS = Template(
    """{% load i18n storefront %}{% for hit in products %}{% with product=hit.product shop=hit.product.shop %}
    <li class="product search-hit{% if product.is_sold_out %} product--sold-out{% endif %}">
      {% if product.photo %}
      <img class="product__photo" src="{{ product.photo.url }}" alt="" width="160" height="160" loading="lazy" decoding="async">
      {% endif %}
      <div class="product__body">
        <h3 class="product__name"><a class="search-hit__link" href="{% url 'storefront:product_detail' city_slug=city.slug shop_slug=shop.slug product_slug=product.slug %}">{{ product.name }}</a></h3>
        <p class="search-hit__shop"><a href="{% url 'storefront:shop_detail' city_slug=city.slug shop_slug=shop.slug %}">{{ shop.name }}</a> {{ hit.badge }}</p>
        <p class="product__price"><span class="product__amount">{{ product.price|money:city.currency }}</span>
          <span class="product__unit">{% if product.unit == "person" %}{{ product.get_unit_display }}{% else %}/ {{ product.get_unit_display }}{% endif %}</span>
          {% if product.is_sold_out %}<span class="badge badge--sold-out">{% if product.is_sold_out_today %}{% translate "Sold out today" %}{% else %}{% translate "Sold out" %}{% endif %}</span>{% endif %}
        </p>
        {% with allergens=product.allergens.members %}{% if allergens %}
        <p class="product__allergens"><span class="product__allergens-label">{% translate "Allergens:" %}</span> {% for allergen in allergens %}{{ allergen.label }}{% if not forloop.last %}, {% endif %}{% endfor %}</p>
        {% endif %}{% endwith %}
      </div>
    </li>
    {% endwith %}{% endfor %}"""  # noqa: E501 - the template as it was
)
HITS = Template("{% load product_cards %}{% search_hits products %}")


@dataclass(frozen=True)
class Hit:
    product: Product
    status: OpeningStatus

    @property
    def badge(self) -> str:
        return opening_badge(self.status)


def same_markup(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_hits_are_what_the_template_loop_wrote(city, language):
    bakery = make_shop(city, name="L'Épi <d'or>", slug="epi-d-or")
    cheese = make_shop(city, name="Fromages & Cie", slug="fromages")
    products = [
        make_product(bakery, name="Pain « maison »", slug="pain", price=Decimal("1.30")),
        make_product(
            bakery,
            name="Brioche <b>",
            slug="brioche",
            allergens=Allergen.GLUTEN | Allergen.EGGS | Allergen.MILK,
            stock=0,
        ),
        make_product(cheese, name="Plateau", slug="plateau", unit=Unit.PERSON),
        make_product(
            cheese,
            name="Comté",
            slug="comte",
            unit=Unit.KG,
            sold_out_until=timezone.now() + timedelta(hours=3),
            photo="products/comte.jpg",
        ),
    ]
    hits = [
        Hit(product, STATUSES[name])
        for product, name in zip(
            products, ["open", "today", "weekday", "closed for good"], strict=True
        )
    ]
    context = {"city": city, "products": hits}
    with translation.override(language):
        expected = OLD_HITS.render(Context(context))
        written = HITS.render(Context(context))

    assert same_markup(written) == same_markup(expected)
    assert written.count('<li class="product search-hit') == 4
    assert written.count("product--sold-out") == 2
    assert "L&#x27;Épi &lt;d&#x27;or&gt;" in written
    assert f'href="/{city.slug}/epi-d-or/pain/"' in written
    assert 'src="/media/products/comte.jpg"' in written

"""Chocolate makers and caterers."""

from __future__ import annotations

from comptoir.demo.data.specs import INTERMEDIATE, STANDARD, Shelf, TradeSpec, hours, kind
from comptoir.domain.catalogue.models import Unit
from comptoir.domain.shops.models import Trade

KG, G100, DOZ, PACK, SLICE, PERS = (
    Unit.KG,
    Unit.HUNDRED_GRAMS,
    Unit.DOZEN,
    Unit.PACK,
    Unit.SLICE,
    Unit.PERSON,
)
VIENNOISERIE = "gluten milk eggs"

CHOCOLATE = TradeSpec(
    trade=Trade.CHOCOLATE,
    name_patterns=(
        "Chocolaterie {place}",
        "Chocolats {family}",
        "Maison {family}, chocolatier",
        "Le Cacaotier {place}",
    ),
    taglines=(
        "Chocolats de fèves à la tablette",
        "Ganaches fines et pralinés à l'ancienne",
        "Les Paillettes de Rouen, notre spécialité",
    ),
    descriptions=(
        "Nous torréfions nos fèves de cacao dans l'atelier derrière la boutique et "
        "façonnons bonbons, tablettes et moulages de saison.",
        "Chocolatier depuis 1952, la maison perpétue les spécialités rouennaises et "
        "invente chaque saison de nouvelles ganaches.",
    ),
    shelves=(
        Shelf(
            "Tablettes",
            (
                # Dark chocolate tablets take the reduced rate, milk and white the standard one.
                kind("Tablette noir 70 % Pérou", "6.50", "Pure origine, 100 g.", allergens="soy"),
                kind(
                    "Tablette noir 85 %", "6.80", "Intense et peu sucrée, 100 g.", allergens="soy"
                ),
                kind(
                    "Tablette lait caramel",
                    "6.20",
                    "Chocolat au lait et éclats de caramel, 100 g.",
                    vat=STANDARD,
                    allergens="milk soy",
                ),
                kind(
                    "Tablette blanc vanille",
                    "6.20",
                    "Chocolat blanc et vanille Bourbon, 100 g.",
                    vat=STANDARD,
                    allergens="milk soy",
                ),
                kind(
                    "Tablette noir noisettes entières",
                    "7.40",
                    "Noisettes du Piémont, 120 g.",
                    allergens="nuts soy",
                ),
            ),
        ),
        Shelf(
            "Bonbons de chocolat",
            (
                kind(
                    "Ballotin de pralinés (250 g)",
                    "21.00",
                    "Assortiment de pralinés maison.",
                    unit=PACK,
                    allergens="milk nuts soy",
                ),
                kind(
                    "Ballotin de ganaches (250 g)",
                    "22.00",
                    "Ganaches noir et lait.",
                    unit=PACK,
                    allergens="milk soy",
                ),
                kind(
                    "Truffes au cacao",
                    "8.50",
                    "Ganache roulée dans le cacao, au 100 g.",
                    unit=G100,
                    allergens="milk soy",
                ),
                kind(
                    "Paillettes de Rouen",
                    "9.20",
                    "Praliné croustillant enrobé, au 100 g.",
                    unit=G100,
                    allergens="milk nuts soy gluten",
                ),
                kind(
                    "Mendiants",
                    "7.90",
                    "Chocolat noir, fruits secs, au 100 g.",
                    unit=G100,
                    allergens="nuts soy",
                ),
                kind(
                    "Orangettes",
                    "8.80",
                    "Écorces d'orange confites enrobées, au 100 g.",
                    unit=G100,
                    allergens="soy",
                ),
                kind(
                    "Rochers praliné",
                    "7.60",
                    "Amandes grillées et praliné, au 100 g.",
                    unit=G100,
                    allergens="milk nuts soy",
                ),
                kind(
                    "Coffret dégustation 24 pièces",
                    "29.00",
                    "Le tour de la maison.",
                    unit=PACK,
                    allergens="milk nuts soy",
                ),
            ),
        ),
        Shelf(
            "Confiseries",
            (
                # Confectionery is taxed at the standard rate.
                kind(
                    "Caramels au beurre salé",
                    "5.80",
                    "Au 100 g.",
                    unit=G100,
                    vat=STANDARD,
                    allergens="milk",
                ),
                kind("Guimauves vanille", "4.90", "Au 100 g.", unit=G100, vat=STANDARD),
                kind(
                    "Pâtes de fruits",
                    "6.20",
                    "Pomme, poire, cassis, au 100 g.",
                    unit=G100,
                    vat=STANDARD,
                ),
                kind(
                    "Nougat de Montélimar",
                    "6.90",
                    "Amandes et miel de lavande, au 100 g.",
                    unit=G100,
                    vat=STANDARD,
                    allergens="nuts eggs",
                ),
                kind(
                    "Sucres d'orge de Rouen",
                    "4.50",
                    "Bâtonnets au sucre d'orge, au 100 g.",
                    unit=G100,
                    vat=STANDARD,
                ),
                kind("Calissons", "7.50", "Au 100 g.", unit=G100, vat=STANDARD, allergens="nuts"),
            ),
        ),
        Shelf(
            "Pâtes à tartiner et boissons",
            (
                kind(
                    "Pâte à tartiner noisette 250 g",
                    "8.90",
                    "Sans huile de palme.",
                    allergens="milk nuts",
                ),
                kind("Chocolat en poudre 250 g", "7.50", "Pour un chocolat chaud à l'ancienne."),
                kind("Fèves de cacao grillées 100 g", "5.40", "À croquer ou à infuser."),
                kind(
                    "Moulage de saison",
                    "14.00",
                    "Œufs, poules ou sapins selon la saison.",
                    vat=STANDARD,
                    allergens="milk soy",
                    made=True,
                ),
            ),
        ),
    ),
    weeks=(
        hours("1-5 10:00-19:00; 6 10:00-13:00"),
        hours("1-5 10:00-12:30 14:00-19:00; 6 10:00-19:00"),
    ),
    colour=(92, 58, 42),
    accent=(235, 200, 150),
    variants=(("édition limitée", "1.25"), ("grand format", "1.90"), ("bio", "1.15")),
    lead_minutes=(15, 30),
    delivery_share=0.4,
    weight=1.0,
    stock_range=(5, 50),
)

CATERER = TradeSpec(
    trade=Trade.CATERER,
    name_patterns=(
        "Traiteur {family}",
        "Les Saveurs {place}",
        "Maison {family}, traiteur",
        "La Table {place}",
    ),
    taglines=(
        "Plats du jour à emporter",
        "Cuisine normande de tradition",
        "Buffets et plateaux sur commande",
    ),
    descriptions=(
        "Plats mijotés, salades composées et desserts faits maison : tout est cuisiné "
        "le matin même dans notre laboratoire.",
        "Pour vos déjeuners comme pour vos réceptions, nous préparons une cuisine de "
        "produits frais du marché.",
    ),
    shelves=(
        Shelf(
            "Plats du jour",
            (
                # Ready-to-eat dishes: intermediate rate.
                kind(
                    "Bœuf bourguignon",
                    "12.50",
                    "Carottes et pommes de terre, une part.",
                    vat=INTERMEDIATE,
                    allergens="celery sulphites",
                ),
                kind(
                    "Blanquette de veau",
                    "13.20",
                    "Riz pilaf, une part.",
                    vat=INTERMEDIATE,
                    allergens="milk gluten celery",
                ),
                kind(
                    "Poulet vallée d'Auge",
                    "12.80",
                    "Crème, cidre et champignons.",
                    vat=INTERMEDIATE,
                    allergens="milk sulphites",
                ),
                kind(
                    "Lasagnes maison",
                    "10.90",
                    "Bœuf, tomate, béchamel.",
                    vat=INTERMEDIATE,
                    allergens="gluten milk eggs celery",
                ),
                kind(
                    "Parmentier de canard",
                    "12.40",
                    "Confit de canard et purée.",
                    vat=INTERMEDIATE,
                    allergens="milk",
                ),
                kind(
                    "Dos de cabillaud, beurre blanc",
                    "14.50",
                    "Légumes de saison.",
                    vat=INTERMEDIATE,
                    allergens="fish milk",
                ),
                kind(
                    "Canard à la rouennaise",
                    "17.50",
                    "Spécialité de la ville, sauce au sang.",
                    vat=INTERMEDIATE,
                    allergens="sulphites celery",
                ),
                kind(
                    "Risotto aux champignons",
                    "11.20",
                    "Parmesan et persil.",
                    vat=INTERMEDIATE,
                    allergens="milk celery sulphites",
                ),
                kind(
                    "Couscous royal",
                    "13.90",
                    "Merguez, poulet, agneau.",
                    vat=INTERMEDIATE,
                    allergens="gluten celery",
                ),
            ),
        ),
        Shelf(
            "Entrées et salades",
            (
                kind(
                    "Salade piémontaise",
                    "3.20",
                    "Au 100 g.",
                    unit=G100,
                    vat=INTERMEDIATE,
                    allergens="eggs mustard",
                ),
                kind(
                    "Taboulé libanais",
                    "2.60",
                    "Au 100 g.",
                    unit=G100,
                    vat=INTERMEDIATE,
                    allergens="gluten",
                ),
                kind(
                    "Céleri rémoulade",
                    "2.40",
                    "Au 100 g.",
                    unit=G100,
                    vat=INTERMEDIATE,
                    allergens="celery eggs mustard",
                ),
                kind(
                    "Œufs mimosa", "1.60", "À la pièce.", vat=INTERMEDIATE, allergens="eggs mustard"
                ),
                kind("Terrine de campagne", "2.90", "Au 100 g.", unit=G100, allergens="eggs"),
                kind("Foie gras de canard mi-cuit", "12.90", "Au 100 g.", unit=G100),
                kind(
                    "Saumon fumé maison",
                    "7.80",
                    "Tranché main, au 100 g.",
                    unit=G100,
                    allergens="fish",
                ),
                kind(
                    "Bouchées à la reine",
                    "5.90",
                    "Ris de veau et champignons.",
                    vat=INTERMEDIATE,
                    allergens="gluten milk eggs",
                ),
            ),
        ),
        Shelf(
            "Réceptions",
            (
                kind(
                    "Plateau de 24 canapés",
                    "36.00",
                    "Assortiment froid, 48 h à l'avance.",
                    unit=PACK,
                    vat=INTERMEDIATE,
                    allergens="gluten milk eggs fish",
                    made=True,
                ),
                kind(
                    "Buffet campagnard",
                    "19.50",
                    "Par personne, dès 10 personnes.",
                    unit=PERS,
                    vat=INTERMEDIATE,
                    allergens="gluten milk eggs mustard",
                    made=True,
                ),
                kind(
                    "Plateau repas",
                    "18.00",
                    "Entrée, plat, fromage, dessert.",
                    vat=INTERMEDIATE,
                    allergens="gluten milk eggs",
                    made=True,
                ),
                kind(
                    "Pièce cocktail (par personne)",
                    "14.00",
                    "Douze pièces salées et sucrées.",
                    unit=PERS,
                    vat=INTERMEDIATE,
                    allergens="gluten milk eggs nuts",
                    made=True,
                ),
            ),
        ),
        Shelf(
            "Desserts",
            (
                kind(
                    "Teurgoule",
                    "4.20",
                    "Riz au lait à la cannelle, comme en Normandie.",
                    vat=INTERMEDIATE,
                    allergens="milk",
                ),
                kind(
                    "Mousse au chocolat",
                    "3.80",
                    "En verrine.",
                    vat=INTERMEDIATE,
                    allergens="milk eggs",
                ),
                kind(
                    "Crème brûlée",
                    "3.90",
                    "Vanille Bourbon.",
                    vat=INTERMEDIATE,
                    allergens="milk eggs",
                ),
                kind(
                    "Tiramisu",
                    "4.20",
                    "Mascarpone et café.",
                    vat=INTERMEDIATE,
                    allergens="gluten milk eggs",
                ),
            ),
        ),
    ),
    weeks=(
        hours("1-5 09:00-14:00 16:00-19:30; 6 09:00-13:30"),
        hours("1-6 08:30-19:30"),
    ),
    colour=(201, 118, 72),
    accent=(255, 240, 220),
    variants=(
        ("format familial", "3.40"),
        ("version végétarienne", "0.90"),
        ("à partager", "2.00"),
    ),
    lead_minutes=(30, 60, 120),
    delivery_share=0.6,
    weight=1.2,
    stock_range=(3, 20),
)

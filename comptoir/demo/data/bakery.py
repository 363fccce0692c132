"""Bakers and pastry cooks."""

from __future__ import annotations

from comptoir.demo.data.specs import INTERMEDIATE, Shelf, TradeSpec, hours, kind
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

BAKERY = TradeSpec(
    trade=Trade.BAKERY,
    name_patterns=(
        "Boulangerie {place}",
        "Boulangerie {family}",
        "Au Fournil {place}",
        "Maison {family}",
        "Le Pain {place}",
        "La Mie {place}",
    ),
    taglines=(
        "Pains au levain cuits au feu de bois",
        "Farines normandes, levain naturel",
        "Le pain du quartier depuis 1987",
        "Baguettes tradition toute la journée",
        "Viennoiseries pur beurre d'Isigny",
    ),
    descriptions=(
        "Une boulangerie de quartier où le pain lève lentement : levain naturel, "
        "farines de meuniers normands et cuisson sur sole.",
        "Notre équipe pétrit chaque nuit des pains de tradition et des viennoiseries "
        "au beurre AOP. Commandez avant 10 h pour le retrait de midi.",
        "Artisan boulanger depuis trois générations, nous travaillons des blés anciens "
        "et des farines bio de la vallée de la Seine.",
    ),
    shelves=(
        Shelf(
            "Pains",
            (
                kind(
                    "Baguette tradition",
                    "1.30",
                    "Pâte fermentée 24 h, croûte craquante, mie alvéolée.",
                    allergens="gluten",
                ),
                kind(
                    "Baguette classique",
                    "1.10",
                    "La baguette de tous les jours.",
                    allergens="gluten",
                ),
                kind(
                    "Pain de campagne",
                    "3.60",
                    "Levain naturel et farine de seigle, 600 g.",
                    allergens="gluten",
                ),
                kind(
                    "Pain complet",
                    "3.20",
                    "Farine complète T150, riche en fibres.",
                    allergens="gluten",
                ),
                kind(
                    "Pain aux céréales",
                    "3.80",
                    "Graines de lin, tournesol, sésame et pavot.",
                    allergens="gluten sesame",
                ),
                kind(
                    "Pain de seigle",
                    "3.90",
                    "Seigle à 70 %, parfait avec les fruits de mer.",
                    allergens="gluten",
                ),
                kind(
                    "Pain au levain au kilo",
                    "6.80",
                    "Grosse miche coupée à la demande.",
                    unit=KG,
                    allergens="gluten",
                ),
                kind(
                    "Pain aux noix",
                    "4.50",
                    "Cerneaux de noix du Périgord.",
                    allergens="gluten nuts",
                ),
                kind(
                    "Fougasse aux olives",
                    "3.50",
                    "Huile d'olive et olives noires.",
                    allergens="gluten",
                ),
                kind(
                    "Pain de mie",
                    "3.40",
                    "Mie filante pour les tartines et croque-monsieur.",
                    allergens="gluten milk",
                ),
                kind(
                    "Brioche tressée",
                    "6.50",
                    "Brioche pur beurre à partager.",
                    allergens=VIENNOISERIE,
                ),
            ),
        ),
        Shelf(
            "Viennoiseries",
            (
                kind(
                    "Croissant au beurre",
                    "1.20",
                    "Beurre AOP Charentes-Poitou, feuilletage maison.",
                    allergens=VIENNOISERIE,
                ),
                kind(
                    "Pain au chocolat",
                    "1.35",
                    "Deux barres de chocolat noir.",
                    allergens=VIENNOISERIE + " soy",
                ),
                kind(
                    "Pain aux raisins",
                    "1.70",
                    "Crème pâtissière et raisins macérés.",
                    allergens=VIENNOISERIE,
                ),
                kind(
                    "Chausson aux pommes",
                    "1.90",
                    "Compote de pommes de Normandie.",
                    allergens=VIENNOISERIE,
                ),
                kind(
                    "Brioche au sucre",
                    "1.50",
                    "Petite brioche parsemée de sucre perlé.",
                    allergens=VIENNOISERIE,
                ),
                kind(
                    "Croissant aux amandes",
                    "2.20",
                    "Frangipane et amandes effilées.",
                    allergens=VIENNOISERIE + " nuts",
                ),
                kind(
                    "Kouign-amann",
                    "2.60",
                    "Feuilleté caramélisé au beurre salé.",
                    allergens=VIENNOISERIE,
                ),
                kind(
                    "Sachet de chouquettes",
                    "2.80",
                    "Douze chouquettes au sucre perlé.",
                    unit=PACK,
                    allergens="gluten milk eggs",
                ),
            ),
        ),
        Shelf(
            "Pâtisseries",
            (
                kind(
                    "Éclair au chocolat",
                    "3.20",
                    "Pâte à choux et crème au chocolat noir.",
                    allergens="gluten milk eggs",
                ),
                kind(
                    "Tarte aux pommes normande",
                    "3.40",
                    "Pommes, crème et calvados.",
                    allergens="gluten milk eggs",
                ),
                kind(
                    "Flan pâtissier",
                    "2.90",
                    "Flan vanille cuit dans notre four.",
                    allergens="gluten milk eggs",
                ),
                kind(
                    "Paris-Brest",
                    "4.20",
                    "Crème mousseline pralinée.",
                    allergens="gluten milk eggs nuts",
                ),
                kind(
                    "Mille-feuille",
                    "3.80",
                    "Feuilletage caramélisé et crème vanille.",
                    allergens="gluten milk eggs",
                ),
                kind(
                    "Tarte au citron meringuée",
                    "3.60",
                    "Crémeux citron et meringue italienne.",
                    allergens="gluten milk eggs",
                ),
                kind(
                    "Fraisier (6 parts)",
                    "24.00",
                    "Sur commande, 48 h à l'avance.",
                    allergens="gluten milk eggs",
                    made=True,
                ),
            ),
        ),
        Shelf(
            "Snacking",
            (
                kind(
                    "Sandwich jambon-beurre",
                    "4.50",
                    "Baguette tradition, jambon blanc, beurre demi-sel.",
                    vat=INTERMEDIATE,
                    allergens="gluten milk",
                ),
                kind(
                    "Sandwich poulet-crudités",
                    "5.20",
                    "Poulet rôti, salade, tomate, mayonnaise.",
                    vat=INTERMEDIATE,
                    allergens="gluten eggs mustard",
                ),
                kind(
                    "Quiche lorraine",
                    "4.20",
                    "Lardons fumés et crème fraîche.",
                    vat=INTERMEDIATE,
                    allergens="gluten milk eggs",
                ),
                kind(
                    "Croque-monsieur",
                    "4.80",
                    "Béchamel et emmental.",
                    vat=INTERMEDIATE,
                    allergens="gluten milk",
                ),
                kind(
                    "Formule déjeuner",
                    "9.50",
                    "Sandwich, boisson et dessert du jour.",
                    vat=INTERMEDIATE,
                    allergens="gluten milk eggs",
                    made=True,
                ),
            ),
        ),
    ),
    weeks=(
        hours("1-5 07:00-13:00 15:30-19:30; 6 07:00-13:00"),
        hours("0-1 06:45-19:45; 3-5 06:45-19:45; 6 07:00-12:30"),
        hours("1-6 07:00-19:30; 0 07:00-13:00"),
    ),
    colour=(214, 168, 104),
    accent=(122, 74, 30),
    variants=(
        ("bio", "1.15"),
        ("grand format", "1.80"),
        ("au levain", "1.10"),
        ("aux graines", "1.12"),
    ),
    lead_minutes=(10, 15, 20, 30),
    delivery_share=0.15,
    weight=3.0,
    stock_range=(10, 60),
)

PASTRY = TradeSpec(
    trade=Trade.PASTRY,
    name_patterns=(
        "Pâtisserie {place}",
        "Pâtisserie {family}",
        "Les Douceurs {place}",
        "Maison {family}",
        "L'Atelier Sucré {place}",
    ),
    taglines=(
        "Entremets de saison et macarons",
        "La pâtisserie française, sans raccourci",
        "Gâteaux d'anniversaire sur commande",
        "Fruits de Normandie, beurre d'Isigny",
    ),
    descriptions=(
        "Nos chefs pâtissiers composent chaque semaine des entremets au rythme des "
        "fruits de saison, à emporter ou à commander pour vos fêtes.",
        "Une vitrine de classiques revisités : Paris-Brest, Saint-Honoré, tartes fines "
        "et macarons colorés, préparés le matin même.",
    ),
    shelves=(
        Shelf(
            "Individuels",
            (
                kind(
                    "Éclair au café",
                    "3.80",
                    "Crème au café arabica et fondant.",
                    allergens="gluten milk eggs",
                ),
                kind(
                    "Religieuse au chocolat",
                    "4.20",
                    "Deux choux et crème au chocolat.",
                    allergens="gluten milk eggs",
                ),
                kind(
                    "Saint-Honoré individuel",
                    "5.20",
                    "Choux caramélisés et chantilly vanille.",
                    allergens="gluten milk eggs",
                ),
                kind(
                    "Tartelette aux fraises",
                    "4.80",
                    "Fraises de Plougastel et crème légère.",
                    allergens="gluten milk eggs",
                ),
                kind(
                    "Opéra",
                    "4.60",
                    "Biscuit joconde, café et ganache.",
                    allergens="gluten milk eggs nuts",
                ),
                kind(
                    "Baba au rhum",
                    "4.50",
                    "Imbibé au rhum ambré, chantilly.",
                    allergens="gluten milk eggs",
                ),
                kind(
                    "Tarte Tatin",
                    "4.40",
                    "Pommes caramélisées, pâte brisée.",
                    allergens="gluten milk",
                ),
                kind(
                    "Mont-blanc",
                    "5.40",
                    "Meringue, crème de marrons, chantilly.",
                    allergens="milk eggs",
                ),
                kind(
                    "Chou praliné noisette",
                    "3.90",
                    "Craquelin et praliné maison.",
                    allergens="gluten milk eggs nuts",
                ),
                kind(
                    "Cheesecake aux fruits rouges",
                    "4.90",
                    "Fromage frais et coulis de framboises.",
                    allergens="gluten milk eggs",
                ),
            ),
        ),
        Shelf(
            "Entremets",
            (
                kind(
                    "Fraisier (6 parts)",
                    "32.00",
                    "Sur commande, 48 h à l'avance.",
                    allergens="gluten milk eggs nuts",
                    made=True,
                ),
                kind(
                    "Forêt-noire (6 parts)",
                    "30.00",
                    "Griottes, chocolat et chantilly.",
                    allergens="gluten milk eggs",
                    made=True,
                ),
                kind(
                    "Entremets trois chocolats (8 parts)",
                    "38.00",
                    "Mousses noir, lait et ivoire.",
                    allergens="gluten milk eggs soy",
                    made=True,
                ),
                kind(
                    "Tarte aux pommes (6 parts)",
                    "21.00",
                    "Pommes de Normandie, crème vanille.",
                    allergens="gluten milk eggs",
                    made=True,
                ),
                kind(
                    "Saint-Honoré (8 parts)",
                    "42.00",
                    "Le grand classique des dimanches.",
                    allergens="gluten milk eggs",
                    made=True,
                ),
                kind(
                    "Pièce montée (par personne)",
                    "6.50",
                    "Choux caramélisés, sur commande une semaine à l'avance.",
                    unit=PERS,
                    allergens="gluten milk eggs",
                    made=True,
                ),
            ),
        ),
        Shelf(
            "Macarons et gâteaux secs",
            (
                kind(
                    "Boîte de 6 macarons",
                    "9.80",
                    "Vanille, chocolat, framboise, pistache, café, citron.",
                    unit=PACK,
                    allergens="milk eggs nuts",
                ),
                kind(
                    "Boîte de 12 macarons",
                    "18.50",
                    "Assortiment de saison.",
                    unit=PACK,
                    allergens="milk eggs nuts",
                ),
                kind(
                    "Financiers",
                    "2.40",
                    "Beurre noisette et amandes, au 100 g.",
                    unit=G100,
                    allergens="gluten milk eggs nuts",
                ),
                kind(
                    "Madeleines au miel",
                    "2.10",
                    "Miel de Normandie, au 100 g.",
                    unit=G100,
                    allergens="gluten milk eggs",
                ),
                kind(
                    "Sablés normands",
                    "2.60",
                    "Beurre salé, au 100 g.",
                    unit=G100,
                    allergens="gluten milk eggs",
                ),
                kind(
                    "Canelés bordelais",
                    "1.90",
                    "Rhum et vanille, à la pièce.",
                    allergens="gluten milk eggs",
                ),
            ),
        ),
        Shelf(
            "Glaces",
            (
                kind(
                    "Pot de glace vanille 500 ml",
                    "8.50",
                    "Vanille de Madagascar.",
                    allergens="milk eggs",
                ),
                kind("Sorbet framboise 500 ml", "8.00", "Framboises entières.", allergens=""),
                kind(
                    "Vacherin glacé (6 parts)",
                    "34.00",
                    "Meringue, glace et sorbet.",
                    allergens="milk eggs",
                    made=True,
                ),
            ),
        ),
    ),
    weeks=(
        hours("1-5 09:00-19:00; 6 08:30-13:30"),
        hours("2-5 09:30-13:00 14:30-19:30; 6 09:00-13:00"),
    ),
    colour=(242, 182, 196),
    accent=(143, 45, 86),
    variants=(("au chocolat", "1.10"), ("édition de saison", "1.20"), ("format familial", "2.50")),
    lead_minutes=(20, 30, 60, 120),
    delivery_share=0.25,
    weight=2.0,
    stock_range=(2, 24),
)

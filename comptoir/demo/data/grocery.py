"""Delicatessens, organic grocers, coffee and tea merchants, wine merchants."""

from __future__ import annotations

from comptoir.demo.data.specs import STANDARD, Shelf, TradeSpec, hours, kind
from comptoir.domain.catalogue.models import Unit
from comptoir.domain.shops.models import Trade

KG, G100, PACK, BOTTLE, LITRE = Unit.KG, Unit.HUNDRED_GRAMS, Unit.PACK, Unit.BOTTLE, Unit.LITRE

DELICATESSEN = TradeSpec(
    trade=Trade.DELICATESSEN,
    name_patterns=(
        "Épicerie fine {place}",
        "Épicerie {family}",
        "Le Comptoir {place}",
        "Les Délices {place}",
    ),
    taglines=(
        "Le meilleur de Normandie en bocaux",
        "Huiles, épices et conserves d'artisans",
        "Coffrets cadeaux gourmands",
    ),
    descriptions=(
        "Une épicerie de découvertes : conserves de la mer, huiles d'olive de "
        "moulins, épices du monde et spécialités normandes.",
        "Nous sélectionnons de petits producteurs pour composer vos paniers garnis "
        "et coffrets d'entreprise.",
    ),
    shelves=(
        Shelf(
            "Conserves et terrines",
            (
                kind("Sardines millésimées", "8.50", "Boîte de 115 g.", allergens="fish"),
                kind("Rillettes de canard au foie gras", "7.90", "Bocal de 180 g."),
                kind("Foie gras de canard entier", "29.00", "Bocal de 180 g."),
                kind(
                    "Soupe de poissons de Dieppe",
                    "6.90",
                    "Bocal de 780 ml.",
                    allergens="fish crustaceans celery",
                ),
                kind("Confit de canard", "18.50", "Quatre cuisses.", unit=PACK),
                kind(
                    "Caviar d'Aquitaine 30 g",
                    "69.00",
                    "Baerii, élevage français.",
                    vat=STANDARD,
                    allergens="fish",
                ),
            ),
        ),
        Shelf(
            "Huiles, vinaigres et condiments",
            (
                kind(
                    "Huile d'olive vierge extra", "16.90", "Moulin de Provence, 50 cl.", unit=BOTTLE
                ),
                kind(
                    "Vinaigre de cidre",
                    "5.40",
                    "Vieilli en fût, 50 cl.",
                    unit=BOTTLE,
                    allergens="sulphites",
                ),
                kind("Moutarde à l'ancienne", "4.20", "Pot de 200 g.", allergens="mustard"),
                kind("Fleur de sel de Guérande", "6.80", "Pot de 125 g."),
                kind("Piment d'Espelette AOP", "8.50", "En poudre, 40 g."),
                kind("Poivre de Kampot", "9.90", "Noir, 50 g."),
                kind(
                    "Huile de noix",
                    "11.50",
                    "Pression à froid, 25 cl.",
                    unit=BOTTLE,
                    allergens="nuts",
                ),
            ),
        ),
        Shelf(
            "Sucré",
            (
                kind("Confiture de lait", "6.20", "Pot de 250 g.", allergens="milk"),
                kind("Gelée de pommes au calvados", "5.90", "Pot de 220 g.", allergens="sulphites"),
                kind("Miel de fleurs de Normandie", "9.50", "Pot de 500 g."),
                kind(
                    "Caramel au beurre salé à tartiner", "6.90", "Pot de 220 g.", allergens="milk"
                ),
                kind("Sablés de Rouen", "5.80", "Boîte de 150 g.", allergens="gluten milk eggs"),
                kind("Bonbons de Rouen", "6.50", "Sucres cuits, boîte de 200 g.", vat=STANDARD),
            ),
        ),
        Shelf(
            "Boissons",
            (
                kind("Calvados Pays d'Auge 6 ans", "42.00", "70 cl.", unit=BOTTLE, vat=STANDARD),
                kind(
                    "Pommeau de Normandie",
                    "17.50",
                    "75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Cidre brut AOP",
                    "5.50",
                    "75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Poiré Domfront AOP",
                    "6.90",
                    "75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind("Jus de pomme pétillant", "4.20", "75 cl, sans alcool.", unit=BOTTLE),
                kind(
                    "Coffret gourmand normand",
                    "45.00",
                    "Composé à la demande.",
                    unit=PACK,
                    vat=STANDARD,
                    allergens="milk gluten sulphites",
                    made=True,
                ),
            ),
        ),
    ),
    weeks=(
        hours("1-5 10:00-13:00 14:30-19:30; 6 10:00-19:00"),
        hours("1-5 09:30-19:30; 6 10:00-13:00"),
    ),
    colour=(132, 92, 150),
    accent=(252, 232, 180),
    variants=(("bio", "1.20"), ("grand format", "1.80"), ("édition limitée", "1.30")),
    lead_minutes=(15, 30),
    delivery_share=0.45,
    weight=1.2,
    stock_range=(3, 36),
)

ORGANIC = TradeSpec(
    trade=Trade.ORGANIC,
    name_patterns=(
        "Bio {place}",
        "L'Épicerie Vrac {place}",
        "La Ruche {place}",
        "Bio & Local {family}",
    ),
    taglines=(
        "Vrac, bio et local",
        "Zéro déchet, apportez vos bocaux",
        "Producteurs bio de Normandie",
    ),
    descriptions=(
        "Une épicerie bio en vrac : légumineuses, céréales, produits d'entretien et "
        "cosmétiques solides, à remplir dans vos contenants.",
        "Coopérative de quartier, nous travaillons avec des producteurs bio de "
        "Seine-Maritime et de l'Eure.",
    ),
    shelves=(
        Shelf(
            "Vrac",
            (
                kind("Lentilles vertes du Puy", "5.90", "AOP, en vrac.", unit=KG),
                kind("Pois chiches", "4.80", "En vrac.", unit=KG),
                kind("Riz basmati complet", "5.50", "En vrac.", unit=KG),
                kind("Flocons d'avoine", "3.40", "En vrac.", unit=KG, allergens="gluten"),
                kind("Muesli aux fruits", "8.90", "En vrac.", unit=KG, allergens="gluten nuts"),
                kind("Amandes décortiquées", "2.90", "Au 100 g.", unit=G100, allergens="nuts"),
                kind("Pâtes complètes", "4.20", "Penne, en vrac.", unit=KG, allergens="gluten"),
                kind("Farine de sarrasin", "4.60", "Pour les galettes.", unit=KG),
            ),
        ),
        Shelf(
            "Frais",
            (
                kind("Tofu nature", "3.20", "Bloc de 250 g.", allergens="soy"),
                kind("Œufs bio", "4.90", "Boîte de 6.", unit=PACK, allergens="eggs"),
                kind("Yaourt brebis", "3.90", "Pack de 4.", unit=PACK, allergens="milk"),
                kind("Houmous maison", "3.50", "Pot de 200 g.", allergens="sesame"),
                kind("Pain d'épeautre", "5.20", "Au levain.", allergens="gluten"),
                kind("Légumes de saison", "3.50", "Au kilo, selon arrivage.", unit=KG),
            ),
        ),
        Shelf(
            "Boissons",
            (
                kind("Jus de pomme bio", "3.20", "Un litre.", unit=BOTTLE),
                kind("Kombucha gingembre", "3.90", "33 cl.", unit=BOTTLE),
                kind("Boisson avoine", "2.60", "Un litre.", unit=LITRE, allergens="gluten"),
                kind(
                    "Vin rouge bio sans sulfites ajoutés",
                    "11.50",
                    "75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                ),
                kind(
                    "Bière blonde artisanale",
                    "3.20",
                    "33 cl, brasserie rouennaise.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="gluten",
                ),
            ),
        ),
        Shelf(
            "Hygiène et maison",
            (
                kind("Savon de Marseille", "4.50", "Cube de 300 g.", vat=STANDARD),
                kind("Shampoing solide", "8.90", "Aux orties.", vat=STANDARD),
                kind("Lessive liquide", "4.90", "En vrac, au litre.", unit=LITRE, vat=STANDARD),
                kind("Bicarbonate de soude", "3.90", "Au kilo.", unit=KG, vat=STANDARD),
                kind("Brosse à dents en bambou", "3.50", "Poils souples.", vat=STANDARD),
            ),
        ),
    ),
    weeks=(
        hours("1-5 09:30-19:30; 6 09:00-13:00"),
        hours("0 14:00-19:30; 1-5 09:30-13:00 14:00-19:30"),
    ),
    colour=(150, 180, 90),
    accent=(60, 90, 30),
    variants=(("en vrac", "0.90"), ("grand format", "1.80"), ("sans gluten", "1.25")),
    lead_minutes=(15, 20, 30),
    delivery_share=0.5,
    weight=1.5,
    stock_range=(5, 60),
)

COFFEE = TradeSpec(
    trade=Trade.COFFEE,
    name_patterns=(
        "Brûlerie {place}",
        "Cafés {family}",
        "La Théière {place}",
        "Thés et Cafés {family}",
    ),
    taglines=(
        "Torréfaction artisanale à Rouen",
        "Grands crus de café et thés du monde",
        "Moulu à la demande pour votre cafetière",
    ),
    descriptions=(
        "Notre brûleur torréfie chaque semaine des cafés de spécialité ; nous les "
        "moulons à la demande selon votre méthode.",
        "Plus de cent thés et infusions en vrac, des cafés d'origine et tout le "
        "matériel pour bien les préparer.",
    ),
    shelves=(
        Shelf(
            "Cafés",
            (
                kind("Éthiopie Yirgacheffe", "9.50", "Floral et agrumes, 250 g."),
                kind("Colombie Huila", "8.40", "Caramel et noisette, 250 g."),
                kind("Brésil Santos", "7.20", "Doux et chocolaté, 250 g."),
                kind("Guatemala Antigua", "8.90", "Épicé, 250 g."),
                kind("Mélange espresso maison", "7.90", "Pour les machines, 250 g."),
                kind("Déca Mexique", "8.20", "Décaféiné à l'eau, 250 g."),
                kind("Café au kilo", "28.00", "Notre mélange du quotidien.", unit=KG),
            ),
        ),
        Shelf(
            "Thés et infusions",
            (
                kind("Thé vert Sencha", "7.50", "Japon, 100 g."),
                kind("Darjeeling First Flush", "12.90", "Inde, 100 g."),
                kind("Earl Grey", "6.90", "Bergamote de Calabre, 100 g."),
                kind("Thé noir Assam", "6.50", "Corsé, 100 g."),
                kind("Rooibos vanille", "6.20", "Sans théine, 100 g."),
                kind("Infusion verveine-menthe", "5.90", "100 g."),
                kind("Thé fumé Lapsang Souchong", "8.50", "100 g."),
                kind("Matcha de cérémonie", "24.00", "30 g."),
                kind("Chaï épicé", "7.20", "100 g."),
            ),
        ),
        Shelf(
            "Gourmandises",
            (
                kind("Chocolat chaud à l'ancienne", "8.90", "Poudre, 250 g.", allergens="milk"),
                kind("Sirop de caramel", "7.50", "25 cl.", unit=BOTTLE, vat=STANDARD),
                kind("Biscuits spéculoos", "4.50", "Sachet de 200 g.", allergens="gluten soy"),
            ),
        ),
        Shelf(
            "Matériel",
            (
                kind("Cafetière à piston", "29.00", "Un litre, verre et inox.", vat=STANDARD),
                kind("Théière en fonte", "45.00", "80 cl.", vat=STANDARD),
                kind(
                    "Moulin à café manuel", "39.00", "Meules coniques en céramique.", vat=STANDARD
                ),
                kind("Filtres papier", "4.90", "Boîte de 100.", unit=PACK, vat=STANDARD),
                kind("Boîte à thé décorée", "12.00", "Hermétique, 150 g.", vat=STANDARD),
            ),
        ),
    ),
    weeks=(
        hours("1-5 09:30-13:00 14:00-19:00; 6 09:30-19:00"),
        hours("0 14:00-19:00; 1-5 09:00-19:00"),
    ),
    colour=(110, 74, 56),
    accent=(230, 200, 140),
    variants=(("moulu", "1.00"), ("en grains 1 kg", "3.60"), ("bio", "1.20")),
    lead_minutes=(10, 15, 20),
    delivery_share=0.5,
    weight=1.0,
    stock_range=(5, 50),
)

WINE = TradeSpec(
    trade=Trade.WINE,
    name_patterns=(
        "Cave {place}",
        "La Cave {family}",
        "Vins et Spiritueux {family}",
        "Le Cellier {place}",
    ),
    taglines=(
        "Vignerons indépendants et vins nature",
        "Dégustations le samedi",
        "Calvados, cidres et grands vins",
    ),
    descriptions=(
        "Plus de 400 références choisies chez des vignerons que nous visitons : vins "
        "nature, grands classiques et spiritueux normands.",
        "Caviste conseil, nous vous aidons à accorder mets et vins et préparons vos "
        "commandes de fêtes.",
    ),
    shelves=(
        Shelf(
            "Vins rouges",
            (
                kind(
                    "Bourgogne pinot noir",
                    "19.50",
                    "Côte de Beaune, 75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Saint-Émilion grand cru",
                    "32.00",
                    "75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Crozes-Hermitage",
                    "18.00",
                    "Syrah, 75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Morgon Côte du Py",
                    "17.50",
                    "Gamay, 75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Chinon",
                    "13.90",
                    "Cabernet franc, 75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Côtes-du-Rhône",
                    "9.90",
                    "Grenache et syrah, 75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Cahors",
                    "12.50",
                    "Malbec, 75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
            ),
        ),
        Shelf(
            "Vins blancs et rosés",
            (
                kind(
                    "Chablis",
                    "19.90",
                    "Chardonnay, 75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Sancerre",
                    "21.00",
                    "Sauvignon, 75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Muscadet sur lie",
                    "9.50",
                    "Pour les huîtres, 75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Alsace riesling",
                    "14.50",
                    "75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Vouvray demi-sec",
                    "15.90",
                    "Chenin, 75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Côtes-de-Provence rosé",
                    "13.50",
                    "75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
            ),
        ),
        Shelf(
            "Bulles",
            (
                kind(
                    "Champagne brut",
                    "34.00",
                    "Récoltant-manipulant, 75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Crémant de Loire",
                    "13.90",
                    "75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Cidre brut du pays de Caux",
                    "5.20",
                    "75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
                kind(
                    "Poiré fermier",
                    "6.50",
                    "75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
            ),
        ),
        Shelf(
            "Spiritueux",
            (
                kind(
                    "Calvados hors d'âge", "55.00", "Pays d'Auge, 70 cl.", unit=BOTTLE, vat=STANDARD
                ),
                kind(
                    "Pommeau", "16.50", "75 cl.", unit=BOTTLE, vat=STANDARD, allergens="sulphites"
                ),
                kind(
                    "Bénédictine", "29.00", "Liqueur de Fécamp, 70 cl.", unit=BOTTLE, vat=STANDARD
                ),
                kind("Whisky tourbé", "48.00", "Islay, 70 cl.", unit=BOTTLE, vat=STANDARD),
                kind("Gin normand", "38.00", "70 cl.", unit=BOTTLE, vat=STANDARD),
            ),
        ),
        Shelf(
            "Coffrets",
            (
                kind(
                    "Coffret découverte 3 bouteilles",
                    "45.00",
                    "Composé par le caviste.",
                    unit=PACK,
                    vat=STANDARD,
                    allergens="sulphites",
                    made=True,
                ),
                kind(
                    "Carton de 6 côtes-du-rhône",
                    "54.00",
                    "Prix par carton.",
                    unit=PACK,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
            ),
        ),
    ),
    weeks=(
        hours("1-4 10:00-13:00 15:00-20:00; 5 10:00-20:00; 6 10:00-13:00"),
        hours("1-4 10:00-12:30 14:30-19:30; 5 10:00-19:30"),
    ),
    colour=(122, 30, 52),
    accent=(244, 214, 160),
    variants=(("magnum", "2.10"), ("millésime précédent", "1.15"), ("bio", "1.10")),
    lead_minutes=(15, 30),
    delivery_share=0.6,
    weight=1.5,
    stock_range=(6, 72),
)

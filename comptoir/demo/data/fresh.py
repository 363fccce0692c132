"""Butchers, cheese shops, fishmongers and greengrocers."""

from __future__ import annotations

from comptoir.demo.data.specs import INTERMEDIATE, STANDARD, Shelf, TradeSpec, hours, kind
from comptoir.domain.catalogue.models import Unit
from comptoir.domain.shops.models import Trade

KG, G100, DOZ, PACK, SLICE, BUNCH, BOTTLE = (
    Unit.KG,
    Unit.HUNDRED_GRAMS,
    Unit.DOZEN,
    Unit.PACK,
    Unit.SLICE,
    Unit.BUNCH,
    Unit.BOTTLE,
)

BUTCHER = TradeSpec(
    trade=Trade.BUTCHER,
    name_patterns=(
        "Boucherie {place}",
        "Boucherie {family}",
        "Boucherie-Charcuterie {family}",
        "Au Bon Boucher {place}",
    ),
    taglines=(
        "Viandes de Normandie, maturées sur place",
        "Label Rouge et circuits courts",
        "Charcuterie maison et volailles fermières",
    ),
    descriptions=(
        "Nos bêtes viennent d'éleveurs du pays de Caux et du pays de Bray ; nous "
        "maturons les pièces de bœuf dans notre cave vitrée.",
        "Boucher, charcutier, traiteur : terrines, saucisses et plats cuisinés sont "
        "préparés chaque jour dans notre atelier.",
    ),
    shelves=(
        Shelf(
            "Bœuf",
            (
                kind("Entrecôte de bœuf normand", "34.90", "Persillée, maturée 21 jours.", unit=KG),
                kind("Faux-filet", "32.50", "Tendre et goûteux.", unit=KG),
                kind("Bavette d'aloyau", "24.90", "À saisir à feu vif.", unit=KG),
                kind("Rumsteck", "26.50", "Pour les grillades et fondues.", unit=KG),
                kind("Bœuf haché 15 %", "16.90", "Haché minute à la demande.", unit=KG),
                kind("Paleron à braiser", "15.90", "Idéal pour le pot-au-feu.", unit=KG),
                kind("Côte de bœuf", "36.00", "Environ 1,2 kg, pour 3 à 4 personnes.", unit=KG),
            ),
        ),
        Shelf(
            "Veau, agneau et porc",
            (
                kind("Escalope de veau", "38.00", "Noix de veau fermier.", unit=KG),
                kind("Blanquette de veau (morceaux)", "21.90", "Tendron et épaule.", unit=KG),
                kind("Gigot d'agneau", "29.90", "Agneau de prés-salés selon saison.", unit=KG),
                kind("Côtelettes d'agneau", "32.00", "Filet et premières.", unit=KG),
                kind("Rôti de porc", "14.90", "Échine ou filet, ficelé.", unit=KG),
                kind("Travers de porc", "11.90", "À mariner pour le barbecue.", unit=KG),
                kind("Filet mignon de porc", "19.90", "Porc fermier.", unit=KG),
            ),
        ),
        Shelf(
            "Volailles",
            (
                kind(
                    "Poulet fermier Label Rouge",
                    "12.90",
                    "Élevé en plein air, environ 1,6 kg.",
                    unit=KG,
                ),
                kind("Canette de Rouen", "16.50", "Pour le canard à la rouennaise.", unit=KG),
                kind("Suprêmes de volaille", "21.90", "Avec la peau.", unit=KG),
                kind("Cuisses de canard", "15.90", "Pour le confit.", unit=KG),
                kind("Pintade fermière", "14.90", "Environ 1,3 kg.", unit=KG),
            ),
        ),
        Shelf(
            "Charcuterie",
            (
                kind("Jambon blanc à l'os", "3.20", "Cuit au torchon, au 100 g.", unit=G100),
                kind(
                    "Pâté en croûte",
                    "3.40",
                    "Volaille et foie gras, au 100 g.",
                    unit=G100,
                    allergens="gluten eggs milk",
                ),
                kind("Rillettes de porc", "2.40", "Cuites au chaudron, au 100 g.", unit=G100),
                kind(
                    "Boudin noir",
                    "18.90",
                    "Recette normande aux oignons.",
                    unit=KG,
                    allergens="milk",
                ),
                kind("Andouille de Vire", "4.90", "Fumée au bois de hêtre, au 100 g.", unit=G100),
                kind("Saucisses de Toulouse", "14.50", "Pur porc, embossées main.", unit=KG),
                kind(
                    "Merguez maison",
                    "15.50",
                    "Bœuf et agneau, épices.",
                    unit=KG,
                    allergens="celery mustard",
                ),
                kind(
                    "Terrine de lapin au cidre",
                    "2.90",
                    "Au 100 g.",
                    unit=G100,
                    allergens="eggs sulphites",
                ),
            ),
        ),
        Shelf(
            "Plats cuisinés",
            (
                kind(
                    "Tripes à la mode de Caen",
                    "16.90",
                    "Cuisson lente au cidre.",
                    unit=KG,
                    vat=INTERMEDIATE,
                    allergens="celery sulphites",
                ),
                kind("Jambon persillé", "3.10", "Au 100 g.", unit=G100, allergens="celery"),
                kind(
                    "Colis barbecue",
                    "45.00",
                    "Saucisses, merguez, brochettes, côtes ; pour 6.",
                    unit=PACK,
                    allergens="celery mustard",
                    made=True,
                ),
            ),
        ),
    ),
    weeks=(
        hours("1-4 08:30-13:00 15:30-19:30; 5 08:00-19:00; 6 08:30-12:30"),
        hours("1-5 08:00-13:00 15:00-19:30; 6 08:00-12:30"),
    ),
    colour=(172, 52, 56),
    accent=(255, 226, 214),
    variants=(("fermier", "1.25"), ("bio", "1.30"), ("Label Rouge", "1.20")),
    lead_minutes=(15, 30),
    delivery_share=0.25,
    weight=2.0,
    stock_range=(3, 30),
)

CHEESE = TradeSpec(
    trade=Trade.CHEESE,
    name_patterns=(
        "Fromagerie {place}",
        "Fromagerie {family}",
        "La Cave à Fromages {place}",
        "Crèmerie {family}",
    ),
    taglines=(
        "Fromages fermiers affinés en cave",
        "Camembert, livarot, pont-l'évêque et neufchâtel",
        "Crèmerie normande, lait cru",
    ),
    descriptions=(
        "Nous affinons dans nos caves voûtées les fromages de petits producteurs "
        "normands et de toute la France.",
        "Crémiers-fromagers, nous choisissons nos fromages au lait cru chez les "
        "producteurs et les laissons mûrir à leur rythme.",
    ),
    shelves=(
        Shelf(
            "Fromages normands",
            (
                kind(
                    "Camembert de Normandie AOP",
                    "6.20",
                    "Au lait cru, moulé à la louche, 250 g.",
                    allergens="milk",
                ),
                kind("Livarot AOP", "8.90", "Le « colonel », croûte lavée.", allergens="milk"),
                kind("Pont-l'évêque AOP", "7.80", "Pâte souple et onctueuse.", allergens="milk"),
                kind("Neufchâtel en cœur", "5.90", "Du pays de Bray, 200 g.", allergens="milk"),
                kind("Pavé d'Auge", "8.40", "Fermier, croûte lavée.", allergens="milk"),
                kind(
                    "Brillat-Savarin",
                    "3.90",
                    "Triple crème, au 100 g.",
                    unit=G100,
                    allergens="milk",
                ),
            ),
        ),
        Shelf(
            "Pâtes pressées",
            (
                kind(
                    "Comté AOP 18 mois",
                    "3.40",
                    "Fruité et cristallin, au 100 g.",
                    unit=G100,
                    allergens="milk",
                ),
                kind("Beaufort d'été", "3.90", "Au 100 g.", unit=G100, allergens="milk"),
                kind(
                    "Mimolette vieille",
                    "2.90",
                    "Affinée 18 mois, au 100 g.",
                    unit=G100,
                    allergens="milk",
                ),
                kind("Tomme de Savoie", "2.40", "Au 100 g.", unit=G100, allergens="milk"),
                kind("Saint-nectaire fermier", "2.80", "Au 100 g.", unit=G100, allergens="milk"),
                kind(
                    "Ossau-iraty",
                    "3.50",
                    "Brebis des Pyrénées, au 100 g.",
                    unit=G100,
                    allergens="milk",
                ),
                kind(
                    "Parmigiano reggiano 24 mois", "3.60", "Au 100 g.", unit=G100, allergens="milk"
                ),
            ),
        ),
        Shelf(
            "Chèvres et bleus",
            (
                kind("Crottin de Chavignol", "3.40", "Demi-sec.", allergens="milk"),
                kind(
                    "Sainte-maure de Touraine", "8.50", "Cendré, avec sa paille.", allergens="milk"
                ),
                kind("Valençay", "7.90", "Pyramide cendrée.", allergens="milk"),
                kind("Roquefort", "3.80", "Au 100 g.", unit=G100, allergens="milk"),
                kind("Fourme d'Ambert", "2.70", "Au 100 g.", unit=G100, allergens="milk"),
            ),
        ),
        Shelf(
            "Crèmerie",
            (
                kind("Beurre demi-sel d'Isigny", "3.90", "Motte de 250 g.", allergens="milk"),
                kind("Crème crue fermière", "4.80", "Pot de 50 cl.", allergens="milk"),
                kind(
                    "Œufs fermiers", "4.20", "Plein air, de la ferme.", unit=DOZ, allergens="eggs"
                ),
                kind("Yaourts au lait entier", "3.60", "Pack de 4.", unit=PACK, allergens="milk"),
                kind(
                    "Lait cru entier",
                    "1.60",
                    "Bouteille d'un litre.",
                    unit=Unit.LITRE,
                    allergens="milk",
                ),
                kind(
                    "Plateau de fromages",
                    "6.50",
                    "Composé à la demande, par personne.",
                    unit=Unit.PERSON,
                    allergens="milk",
                    made=True,
                ),
                kind(
                    "Cidre fermier brut",
                    "4.90",
                    "Bouteille 75 cl.",
                    unit=BOTTLE,
                    vat=STANDARD,
                    allergens="sulphites",
                ),
            ),
        ),
    ),
    weeks=(
        hours("1-4 09:00-13:00 15:30-19:30; 5 08:30-19:00; 6 09:00-13:00"),
        hours("1-5 09:00-19:30; 6 09:00-12:30"),
    ),
    colour=(246, 214, 120),
    accent=(120, 88, 20),
    variants=(("fermier", "1.20"), ("extra-affiné", "1.30"), ("au lait cru", "1.10")),
    lead_minutes=(15, 20, 30),
    delivery_share=0.3,
    weight=1.5,
    stock_range=(4, 40),
)

FISH = TradeSpec(
    trade=Trade.FISH,
    name_patterns=(
        "Poissonnerie {place}",
        "Poissonnerie {family}",
        "La Marée {place}",
        "Les Pêcheurs {place}",
    ),
    taglines=(
        "Arrivage quotidien de Dieppe et Fécamp",
        "Pêche côtière de la Manche",
        "Coquillages et crustacés sur commande",
    ),
    descriptions=(
        "Chaque matin, nous recevons la pêche des petits bateaux de Dieppe, de "
        "Fécamp et de Port-en-Bessin.",
        "Poissonniers de père en fils : filets levés à la demande, plateaux de fruits "
        "de mer préparés pour vos fêtes.",
    ),
    shelves=(
        Shelf(
            "Poissons",
            (
                kind(
                    "Filet de cabillaud", "27.90", "Levé à la demande.", unit=KG, allergens="fish"
                ),
                kind("Sole de Manche", "42.00", "Pêche côtière.", unit=KG, allergens="fish"),
                kind("Bar de ligne", "36.00", "Label pêche à la ligne.", unit=KG, allergens="fish"),
                kind(
                    "Maquereaux de Dieppe",
                    "11.90",
                    "Entiers, vidés sur demande.",
                    unit=KG,
                    allergens="fish",
                ),
                kind("Lieu jaune", "24.90", "Filets sans arêtes.", unit=KG, allergens="fish"),
                kind("Pavé de saumon", "29.90", "Écosse Label Rouge.", unit=KG, allergens="fish"),
                kind(
                    "Raie",
                    "19.90",
                    "Ailes, pour la raie au beurre noisette.",
                    unit=KG,
                    allergens="fish",
                ),
                kind("Merlan", "14.90", "En filets.", unit=KG, allergens="fish"),
                kind("Turbot", "48.00", "Sauvage.", unit=KG, allergens="fish"),
            ),
        ),
        Shelf(
            "Coquillages et crustacés",
            (
                kind(
                    "Coquilles Saint-Jacques",
                    "32.00",
                    "Noix fraîches de Normandie (octobre à mai).",
                    unit=KG,
                    allergens="molluscs",
                ),
                kind(
                    "Moules de bouchot",
                    "6.90",
                    "Bouchot de la baie du Mont-Saint-Michel.",
                    unit=KG,
                    allergens="molluscs",
                ),
                kind(
                    "Huîtres d'Isigny n° 3", "14.50", "La douzaine.", unit=DOZ, allergens="molluscs"
                ),
                kind(
                    "Bulots cuits",
                    "14.90",
                    "Mayonnaise maison offerte.",
                    unit=KG,
                    allergens="molluscs",
                ),
                kind(
                    "Crevettes grises", "39.00", "Cuites du jour.", unit=KG, allergens="crustaceans"
                ),
                kind("Tourteau cuit", "16.90", "Environ 800 g.", unit=KG, allergens="crustaceans"),
                kind(
                    "Homard bleu",
                    "69.00",
                    "Vivant, sur commande.",
                    unit=KG,
                    allergens="crustaceans",
                    made=True,
                ),
                kind("Langoustines", "45.00", "Vivantes.", unit=KG, allergens="crustaceans"),
            ),
        ),
        Shelf(
            "Traiteur de la mer",
            (
                kind(
                    "Soupe de poissons",
                    "7.90",
                    "Bocal d'un litre, rouille offerte.",
                    unit=Unit.LITRE,
                    allergens="fish crustaceans celery",
                ),
                kind(
                    "Rillettes de maquereau",
                    "3.20",
                    "Au 100 g.",
                    unit=G100,
                    allergens="fish milk mustard",
                ),
                kind(
                    "Saumon fumé au bois de hêtre",
                    "7.20",
                    "Tranché main, au 100 g.",
                    unit=G100,
                    allergens="fish",
                ),
                kind(
                    "Plateau de fruits de mer",
                    "39.00",
                    "Pour deux, sur commande.",
                    unit=PACK,
                    vat=INTERMEDIATE,
                    allergens="crustaceans molluscs",
                    made=True,
                ),
                kind(
                    "Marmite dieppoise",
                    "15.90",
                    "Une part, à réchauffer.",
                    vat=INTERMEDIATE,
                    allergens="fish crustaceans molluscs milk",
                ),
            ),
        ),
    ),
    weeks=(
        hours("1-4 08:30-13:00 16:00-19:00; 5 08:00-13:00 15:00-19:00; 6 08:30-12:30"),
        hours("1-6 08:00-13:00"),
    ),
    colour=(64, 124, 168),
    accent=(226, 244, 252),
    variants=(("sauvage", "1.30"), ("extra-frais", "1.10"), ("en filets", "1.25")),
    lead_minutes=(20, 30),
    delivery_share=0.15,
    weight=1.0,
    stock_range=(2, 20),
)

GREENGROCER = TradeSpec(
    trade=Trade.GREENGROCER,
    name_patterns=(
        "Primeur {place}",
        "Le Panier {place}",
        "Fruits et Légumes {family}",
        "Au Jardin {place}",
    ),
    taglines=(
        "Fruits et légumes des maraîchers normands",
        "Le marché tous les jours",
        "Cueillis la veille, vendus le matin",
    ),
    descriptions=(
        "Nos légumes viennent des maraîchers de la boucle de Seine et nos pommes des "
        "vergers du pays de Caux.",
        "Primeur de quartier, nous privilégions la saison et les producteurs à moins "
        "de cent kilomètres.",
    ),
    shelves=(
        Shelf(
            "Légumes",
            (
                kind("Pommes de terre de Noirmoutier", "3.20", "Primeurs à chair ferme.", unit=KG),
                kind("Carottes des sables", "2.40", "De Créances.", unit=KG),
                kind("Poireaux", "2.90", "Botte d'environ 1 kg.", unit=KG),
                kind(
                    "Tomates anciennes", "5.90", "Cœur de bœuf, noire de Crimée, ananas.", unit=KG
                ),
                kind("Courgettes", "3.20", "Du maraîcher.", unit=KG),
                kind("Salade batavia", "1.50", "À la pièce."),
                kind("Radis roses", "1.80", "La botte.", unit=BUNCH),
                kind("Endives", "3.90", "Du Nord.", unit=KG),
                kind("Champignons de Paris", "6.90", "Blonds, de cave.", unit=KG),
                kind("Potimarron", "2.80", "Pour les veloutés.", unit=KG),
                kind("Oignons rosés", "3.60", "De Roscoff AOP.", unit=KG),
            ),
        ),
        Shelf(
            "Fruits",
            (
                kind("Pommes Reinette grise", "3.40", "Du pays de Caux.", unit=KG),
                kind("Poires Conférence", "3.90", "Mûres à point.", unit=KG),
                kind("Fraises Gariguette", "4.90", "Barquette de 250 g.", unit=PACK),
                kind("Bananes bio", "2.90", "Équitables.", unit=KG),
                kind("Oranges à jus", "2.80", "D'Espagne.", unit=KG),
                kind("Citrons de Menton", "8.90", "IGP.", unit=KG),
                kind("Kiwis de l'Adour", "4.20", "IGP.", unit=KG),
                kind("Raisin chasselas", "5.50", "De Moissac AOP.", unit=KG),
                kind("Clémentines de Corse", "4.50", "Avec feuilles.", unit=KG),
            ),
        ),
        Shelf(
            "Herbes et épicerie",
            (
                kind("Persil plat", "1.20", "La botte.", unit=BUNCH, allergens="celery"),
                kind("Ciboulette", "1.30", "La botte.", unit=BUNCH),
                kind("Ail rose de Lautrec", "14.90", "IGP.", unit=KG),
                kind("Noix de Grenoble", "12.90", "AOP, en coque.", unit=KG, allergens="nuts"),
                kind("Jus de pomme fermier", "3.50", "Bouteille d'un litre.", unit=BOTTLE),
                kind(
                    "Panier de la semaine",
                    "19.00",
                    "Légumes et fruits de saison pour deux.",
                    unit=PACK,
                    made=True,
                ),
            ),
        ),
    ),
    weeks=(
        hours("1-5 08:30-19:30; 6 09:00-13:00"),
        hours("0-5 08:00-20:00; 6 08:30-13:00"),
    ),
    colour=(108, 168, 80),
    accent=(250, 240, 200),
    variants=(("bio", "1.35"), ("de saison", "1.00"), ("du producteur", "1.15")),
    lead_minutes=(10, 15, 20),
    delivery_share=0.45,
    weight=2.0,
    stock_range=(5, 80),
)

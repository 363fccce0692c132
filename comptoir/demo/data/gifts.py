"""Florists and bookshops."""

from __future__ import annotations

from comptoir.demo.data.specs import INTERMEDIATE, REDUCED, STANDARD, Shelf, TradeSpec, hours, kind
from comptoir.domain.catalogue.models import Unit
from comptoir.domain.shops.models import Trade

BUNCH, PACK = Unit.BUNCH, Unit.PACK

# Cut flowers and live plants take the intermediate rate, objects the standard one.
FLORIST = TradeSpec(
    trade=Trade.FLORIST,
    name_patterns=(
        "Fleurs {place}",
        "L'Atelier Floral {place}",
        "Fleuriste {family}",
        "Au Jardin d'{family}",
    ),
    taglines=(
        "Fleurs de saison et compositions sur mesure",
        "Fleurs françaises, circuit court",
        "Bouquets livrés dans tout Rouen",
    ),
    descriptions=(
        "Nous composons des bouquets de fleurs de saison, cultivées autant que "
        "possible en Normandie et dans le Val de Loire.",
        "Artisans fleuristes pour vos fêtes, mariages et deuils ; livraison à vélo "
        "dans le centre de Rouen.",
    ),
    shelves=(
        Shelf(
            "Bouquets",
            (
                kind(
                    "Bouquet du marché",
                    "25.00",
                    "Fleurs de saison, composé du jour.",
                    vat=INTERMEDIATE,
                    made=True,
                ),
                kind(
                    "Bouquet champêtre",
                    "35.00",
                    "Esprit jardin, couleurs douces.",
                    vat=INTERMEDIATE,
                    made=True,
                ),
                kind(
                    "Bouquet rond de roses",
                    "45.00",
                    "Roses françaises.",
                    vat=INTERMEDIATE,
                    made=True,
                ),
                kind(
                    "Grand bouquet de fête",
                    "65.00",
                    "Pour les grandes occasions.",
                    vat=INTERMEDIATE,
                    made=True,
                ),
                kind("Bouquet de pivoines", "39.00", "De mai à juin.", vat=INTERMEDIATE, made=True),
                kind(
                    "Bouquet de mariée", "120.00", "Sur rendez-vous.", vat=INTERMEDIATE, made=True
                ),
            ),
        ),
        Shelf(
            "Fleurs à la tige",
            (
                kind("Botte de tulipes", "12.00", "Dix tiges.", unit=BUNCH, vat=INTERMEDIATE),
                kind("Rose rouge", "4.50", "À la tige.", vat=INTERMEDIATE),
                kind("Botte de renoncules", "14.00", "Dix tiges.", unit=BUNCH, vat=INTERMEDIATE),
                kind("Brin de muguet", "3.00", "Le 1er mai.", vat=INTERMEDIATE),
                kind("Botte de mimosa", "9.00", "De février à mars.", unit=BUNCH, vat=INTERMEDIATE),
                kind("Tournesols", "3.80", "À la tige.", vat=INTERMEDIATE),
                kind("Eucalyptus", "8.00", "La botte.", unit=BUNCH, vat=INTERMEDIATE),
            ),
        ),
        Shelf(
            "Plantes",
            (
                kind("Orchidée phalaenopsis", "29.00", "Deux tiges.", vat=INTERMEDIATE),
                kind("Monstera", "35.00", "Pot de 19 cm.", vat=INTERMEDIATE),
                kind("Ficus lyrata", "49.00", "Environ 1 m.", vat=INTERMEDIATE),
                kind("Cactus assortis", "9.00", "Pot de 8 cm.", vat=INTERMEDIATE),
                kind("Olivier en pot", "59.00", "Pour le balcon.", vat=INTERMEDIATE),
                kind("Lavande", "7.50", "Pot de 14 cm.", vat=INTERMEDIATE),
                kind("Hortensia", "24.00", "Bleu ou rose.", vat=INTERMEDIATE),
            ),
        ),
        Shelf(
            "Déco et cadeaux",
            (
                kind("Vase en grès", "32.00", "Tourné à la main.", vat=STANDARD),
                kind("Bougie parfumée", "22.00", "Cire végétale.", vat=STANDARD),
                kind("Cache-pot en terre cuite", "15.00", "Diamètre 15 cm.", vat=STANDARD),
                kind(
                    "Couronne de fleurs séchées",
                    "38.00",
                    "Diamètre 30 cm.",
                    vat=STANDARD,
                    made=True,
                ),
                kind("Carte de vœux illustrée", "3.50", "Avec enveloppe.", vat=STANDARD),
                kind(
                    "Sachet de graines de fleurs",
                    "3.90",
                    "Mélange pour prairie.",
                    unit=PACK,
                    vat=REDUCED,
                ),
            ),
        ),
    ),
    weeks=(
        hours("1-5 09:30-12:30 14:00-19:30; 6 09:00-13:00"),
        hours("1-5 09:00-19:30; 6 09:00-13:00"),
    ),
    colour=(232, 140, 160),
    accent=(50, 110, 70),
    variants=(("grand modèle", "1.60"), ("petit modèle", "0.70"), ("tons blancs", "1.00")),
    lead_minutes=(30, 60, 90),
    delivery_share=0.7,
    weight=1.2,
    stock_range=(2, 30),
)

BOOKS = TradeSpec(
    trade=Trade.BOOKS,
    name_patterns=(
        "Librairie {place}",
        "Librairie {family}",
        "Les Mots {place}",
        "La Page {place}",
    ),
    taglines=(
        "Librairie indépendante, conseils de lecture",
        "Romans, BD et jeunesse",
        "Rencontres d'auteurs chaque mois",
    ),
    descriptions=(
        "Une librairie généraliste où chaque libraire défend ses coups de cœur ; "
        "commandez n'importe quel livre, il arrive sous 48 h.",
        "Littérature, sciences humaines, bande dessinée et un grand rayon jeunesse, "
        "au cœur de Rouen.",
    ),
    shelves=(
        Shelf(
            "Littérature",
            (
                kind(
                    "Madame Bovary — Gustave Flaubert",
                    "6.90",
                    "Le roman rouennais par excellence, en poche.",
                ),
                kind("Bel-Ami — Guy de Maupassant", "5.50", "En poche."),
                kind("Boule de suif — Guy de Maupassant", "3.50", "Nouvelles, en poche."),
                kind("Le Cid — Pierre Corneille", "3.90", "Théâtre, en poche."),
                kind("Un cœur simple — Gustave Flaubert", "3.20", "Conte, en poche."),
                kind("Les Misérables — Victor Hugo", "12.90", "Édition intégrale."),
                kind("À la recherche du temps perdu, tome 1", "9.70", "Marcel Proust, en poche."),
                kind("L'Étranger — Albert Camus", "7.50", "En poche."),
                kind("Les Années — Annie Ernaux", "8.40", "En poche."),
                kind("Le Horla — Guy de Maupassant", "3.40", "En poche."),
            ),
        ),
        Shelf(
            "Bande dessinée",
            (
                kind("Astérix chez les Normands", "10.95", "Goscinny et Uderzo."),
                kind("Les Aventures de Tintin, Le Secret de la Licorne", "12.50", "Hergé."),
                kind("Blacksad, tome 1", "15.95", "Canales et Guarnido."),
                kind("Persepolis, intégrale", "32.00", "Marjane Satrapi."),
                kind("Le Chat du rabbin, tome 1", "14.95", "Joann Sfar."),
            ),
        ),
        Shelf(
            "Jeunesse",
            (
                kind("Le Petit Prince", "8.90", "Antoine de Saint-Exupéry."),
                kind("Petit Ours Brun", "5.95", "Album cartonné."),
                kind("Le Loup qui voulait changer de couleur", "6.50", "Album."),
                kind("Harry Potter à l'école des sorciers", "8.70", "En poche."),
                kind("Cahier d'activités Normandie", "7.90", "Jeux et coloriages."),
            ),
        ),
        Shelf(
            "Régionalisme",
            (
                kind("Rouen, ville aux cent clochers", "29.00", "Beau livre illustré."),
                kind("Guide des balades en Seine-Maritime", "14.90", "Quarante randonnées."),
                kind("La cuisine normande", "19.90", "Recettes du terroir."),
                kind("Histoire de Rouen", "24.00", "Des origines à nos jours."),
            ),
        ),
        Shelf(
            "Papeterie",
            (
                kind("Carnet ligné A5", "12.00", "Couverture toilée.", vat=STANDARD),
                kind("Marque-pages illustrés", "4.00", "Lot de quatre.", unit=PACK, vat=STANDARD),
                kind(
                    "Carte postale de Rouen",
                    "1.50",
                    "Gros-Horloge, cathédrale, quais.",
                    vat=STANDARD,
                ),
                kind("Agenda de poche", "14.50", "Une semaine sur deux pages.", vat=STANDARD),
            ),
        ),
    ),
    weeks=(
        hours("0 14:00-19:00; 1-5 10:00-19:00"),
        hours("1-5 10:00-12:30 14:00-19:00"),
    ),
    colour=(44, 84, 120),
    accent=(248, 236, 208),
    variants=(("édition collector", "2.20"), ("grand format", "2.40"), ("livre audio", "1.60")),
    lead_minutes=(10, 15, 30),
    delivery_share=0.35,
    weight=1.0,
    stock_range=(1, 12),
    # Books have a fixed retail price in France (loi Lang): every shop charges the same.
    price_spread=0.0,
)

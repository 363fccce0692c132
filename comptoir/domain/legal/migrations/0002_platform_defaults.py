"""Seed the platform's default legal pages, in French (the operator edits them in the admin).

A city without its own page of a kind shows these. Written once: the
operator's later edits are never overwritten (the reverse removes nothing).
"""

from django.db import migrations

DEFAULTS = {
    "legal_notice": (
        "Mentions légales",
        """Comptoir est une place de marché qui permet de commander auprès des commerces indépendants de votre ville, en retrait en boutique ou en livraison.

Le site est édité par l'opérateur de Comptoir dans votre ville. Sa raison sociale, son adresse, son numéro d'immatriculation et le nom du directeur de la publication figurent sur cette page dès que l'opérateur les a renseignés.

Chaque commerce vend en son nom : il est le vendeur de ses produits et le seul responsable de leur préparation. Ses coordonnées figurent sur sa page et dans ses conditions de vente.

Comptoir est un logiciel libre publié sous licence AGPL.""",
    ),
    "platform_terms": (
        "Conditions d'utilisation de la plateforme",
        """Comptoir met en relation les clients et les commerces indépendants de la ville. Comptoir n'est pas le vendeur : chaque commande est un contrat entre vous et le commerce, selon ses propres conditions de vente.

Une commande passée sur plusieurs commerces devient une commande par commerce. Chaque commerce accepte ou refuse la sienne ; vous êtes prévenu dans les deux cas.

Les bons plans sont proposés par les commerces, aux conditions indiquées sur chacun. Un bon ne s'utilise qu'une fois.

Vous pouvez commander sans compte. Si vous créez un compte, vous vous engagez à garder votre mot de passe pour vous ; vous pouvez le supprimer à tout moment depuis votre espace.

Pour toute question sur une commande, adressez-vous d'abord au commerce. Si le différend persiste, vous pouvez saisir le médiateur de la consommation indiqué sur la page dédiée.""",
    ),
    "privacy": (
        "Politique de confidentialité",
        """Nous collectons ce qu'il faut pour préparer et vous remettre vos commandes : nom, e-mail, téléphone, et l'adresse de livraison si vous vous faites livrer.

Le commerce auquel vous commandez voit ces informations pour votre commande, et seulement pour elle. Aucune donnée n'est vendue ni cédée à des fins publicitaires.

Les partenaires de la ville (métropole, office du commerce) ne voient que des chiffres agrégés et anonymes, jamais d'information sur un client.

Si vous avez un compte, vous pouvez télécharger vos données et supprimer votre compte depuis votre espace. Les factures et commandes sont conservées le temps exigé par la loi.

Pour exercer vos droits (accès, rectification, effacement, opposition), écrivez à l'opérateur de Comptoir. Vous pouvez aussi saisir la CNIL.""",
    ),
    "mediator": (
        "Médiateur de la consommation",
        """En cas de litige avec un commerce que vous n'avez pas pu régler directement avec lui, vous pouvez recourir gratuitement à un médiateur de la consommation (Code de la consommation, articles L611-1 et suivants).

Adressez d'abord une réclamation écrite au commerce. Si elle n'aboutit pas dans un délai raisonnable, vous pouvez saisir le médiateur dont les coordonnées figurent ci-dessous dès que l'opérateur les a renseignées, ou la plateforme européenne de règlement en ligne des litiges.""",
    ),
    "ranking": (
        "Comment les commerces et les produits sont classés",
        """Aucun commerce ne paie pour être mieux placé : l'ordre ne dépend que des critères ci-dessous, identiques pour tous.

Page de la ville : les commerces sont regroupés par métier, toujours dans le même ordre (l'alimentaire d'abord : boulangerie, pâtisserie, chocolaterie, boucherie…), puis classés par ordre alphabétique de leur nom. Seuls les commerces publiés apparaissent.

Recherche : ne sont trouvés que les produits en vente des commerces publiés de la ville. Les produits dont le nom contient tous les mots cherchés passent en premier ; viennent ensuite ceux où les mots figurent seulement dans le rayon, le nom du commerce ou la description. Dans chaque groupe, la pertinence décide (le nom compte le plus, puis le rayon, le commerce, la description), puis l'ordre alphabétique. Si rien ne correspond, des noms proches sont proposés (faute de frappe) et signalés comme tels. Les filtres « métier » et « ouvert maintenant » restreignent la liste sans changer l'ordre.

Page d'un commerce : les produits suivent l'ordre des rayons et des produits choisi par le commerce lui-même.

Bons plans : ceux qui se terminent le plus tôt passent en premier ; avec « Près de moi », les plus proches d'abord.

Quand un commerce ne peut pas prendre votre commande, nous vous proposons d'autres commerces du même métier dans la ville, ceux qui ouvrent le plus tôt d'abord.""",
    ),
    "cookies": (
        "Cookies",
        """Comptoir n'utilise aucun cookie publicitaire ni de mesure d'audience, et ne dépose aucun cookie tiers. Les cookies ci-dessous sont nécessaires au fonctionnement du site : ils ne demandent donc pas votre consentement.

sessionid : garde votre panier et votre connexion, deux semaines au plus ; la déconnexion l'efface.

csrftoken : protège les formulaires contre les envois frauduleux depuis un autre site.

django_language : retient la langue choisie (français ou anglais).

comptoir_city : retient la ville choisie, pour vous y ramener à votre prochaine visite. Conservé un an ; « Changer de ville » permet d'en choisir une autre.""",
    ),
}


def seed(apps, schema_editor):
    LegalPage = apps.get_model("legal", "LegalPage")
    for kind, (title, body) in DEFAULTS.items():
        LegalPage.objects.get_or_create(city=None, kind=kind, defaults={"title": title, "body": body})


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_legal_pages")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

from django.db import models


class Category(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)

    objects: models.Manager["Category"] = models.Manager()

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    class Unit(models.TextChoices):
        PIECE = "piece", "pièce"
        KG = "kg", "kg"
        LITRE = "l", "litre"
        BUNCH = "bunch", "botte"

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.PIECE)
    description = models.TextField(blank=True)
    stock = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects: models.Manager["Product"] = models.Manager()

    class Meta:
        ordering = ["position", "name"]
        indexes = [models.Index(fields=["category", "position"])]
        constraints = [
            models.UniqueConstraint(fields=["category", "slug"], name="reference_product_slug")
        ]

    def __str__(self) -> str:
        return self.name

"""The smallest order schema for the raw ORM reference: products, orders, lines.

Shaped like Comptoir's own (a stock that may not go below zero, an order with
a unique number and a total, lines with a quantity and a price) but with none
of its other columns, indexes or services: the ceiling one order transaction
reaches through the ORM on this machine.
"""

from __future__ import annotations

from django.db import models


class RawProduct(models.Model):
    name = models.CharField(max_length=120)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    stock = models.PositiveIntegerField()

    objects: models.Manager[RawProduct] = models.Manager()

    class Meta:
        app_label = "checkout_bench"
        constraints = [models.CheckConstraint(condition=models.Q(stock__gte=0), name="raw_stock")]

    def __str__(self) -> str:
        return self.name


class RawOrder(models.Model):
    number = models.CharField(max_length=32, unique=True)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    placed_at = models.DateTimeField()

    objects: models.Manager[RawOrder] = models.Manager()

    class Meta:
        app_label = "checkout_bench"

    def __str__(self) -> str:
        return self.number


class RawOrderLine(models.Model):
    order = models.ForeignKey(RawOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(RawProduct, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=8, decimal_places=2)

    objects: models.Manager[RawOrderLine] = models.Manager()

    class Meta:
        app_label = "checkout_bench"

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product}"

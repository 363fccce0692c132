from django.urls import path

from bench.apps.hello import views

urlpatterns = [
    path("hello", views.hello),
    path("healthz", views.hello),
    path("sse", views.sse),
]

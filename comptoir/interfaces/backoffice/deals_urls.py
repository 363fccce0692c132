"""The shop's deals under /shop/<city>/<shop>/deals/ (owners only; issue #7)."""

from django.urls import path

from comptoir.interfaces.backoffice import deals_views as views

urlpatterns = [
    path("", views.deals, name="deals"),
    path("new/", views.deal_new, name="deal_new"),
    path("preview/", views.deal_preview, name="deal_preview"),
    path("<int:pk>/", views.deal_edit, name="deal_edit"),
    path("<int:pk>/pause/", views.deal_pause_view, name="deal_pause"),
    path("<int:pk>/resume/", views.deal_resume_view, name="deal_resume"),
    path("<int:pk>/end/", views.deal_end_view, name="deal_end"),
    path("<int:pk>/duplicate/", views.deal_duplicate, name="deal_duplicate"),
    path("<int:pk>/figures/", views.deal_figures_view, name="deal_figures"),
]

"""The order desk: /shop/<city>/<shop>/desk/… (every view needs HANDLE_ORDERS)."""

from django.urls import path

from comptoir.interfaces.desk import action_views, board_views, list_views, redeem_views

app_name = "desk"

urlpatterns = [
    path("", board_views.desk, name="desk"),
    path("board/", board_views.board, name="board"),
    path("prep/", list_views.prep, name="prep"),
    path("search/", list_views.search, name="search"),
    path("orders/<str:number>/ticket/", list_views.ticket, name="ticket"),
    path("orders/<str:number>/accept/", action_views.accept, name="accept"),
    path("orders/<str:number>/refuse/", action_views.refuse, name="refuse"),
    path("orders/<str:number>/ready/", action_views.ready, name="ready"),
    path("orders/<str:number>/hand-over/", action_views.hand_over, name="hand_over"),
    path("orders/<str:number>/send-out/", action_views.send_out, name="send_out"),
    path("orders/<str:number>/delivered/", action_views.delivered, name="delivered"),
    path("orders/<str:number>/not-collected/", action_views.no_show, name="no_show"),
    # Vouchers of the shop's deals: check the code, then one tap to redeem it.
    path("vouchers/", redeem_views.voucher, name="voucher"),
    path("vouchers/redeem/", redeem_views.voucher_redeem_view, name="voucher_redeem"),
]

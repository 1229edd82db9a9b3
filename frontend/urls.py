from django.urls import path

from .views import card

app_name = "frontend"

urlpatterns = [
    path("l/<str:token>", card.loan_card, name="loan-card"),
    path("l/<str:token>/renew", card.loan_card_renew, name="loan-card-renew"),
]

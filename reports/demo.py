"""Demo: the foundation's login and Den Teirling's admin subscribe to their monthly report.

The first e-mails go out (printed on the console) when the daily beat task runs on the first days of
next month; `python manage.py funder_report --funder ID --format pdf -o r.pdf` makes one now.
"""

from django.contrib.auth import get_user_model

from .models import ReportSubscription


def load(context: dict) -> None:
    funder = context["funders"]["foundation"]
    funder_user = get_user_model().objects.filter(username="demo-funder").first()
    if funder_user is not None:
        ReportSubscription.objects.create(
            user=funder_user, funder=funder, email="reports@kbs-demo.example.org", language="nl"
        )
    ReportSubscription.objects.create(
        user=context["users"]["demo-dt-admin"],
        organization=context["organizations"]["daycentre"],
        email="admin@denteirling-demo.example.org",
        language="fr",
        attachment_format="csv",
    )

"""Demo: make sure a loan due tomorrow exists, so `make run` shows a reminder from the real worker.

The loans app's demo creates loans (context["loans"]), including one due tomorrow with a -1 offset;
the beat task `sms_reminders_task` then prints its reminder through the console backend within a
few minutes of start, during sending hours. Only when the loans demo did not run (e.g. on a branch
without it) is a minimal loan created here, for the same effect.
"""

import datetime

from django.utils import timezone


def load(context: dict) -> None:
    if context.get("loans"):
        return
    from loans.models import Loan, LoanPolicy

    organization = context["organizations"]["daycentre"]
    participant = next(p for p in context["participants"]["daycentre"] if p.phone and p.sms_consent)
    policy, _created = LoanPolicy.objects.get_or_create(
        organization=organization, name="SMS demo", defaults={"period_days": 28, "reminder_offsets": [-1, 0, 3]}
    )
    today = timezone.localdate()
    Loan.objects.create(
        organization=organization,
        participant=participant,
        policy=policy,
        started_on=today,
        due_on=today + datetime.timedelta(days=1),
        reminder_offsets=[-1, 0, 3],
        note="Demo loan due tomorrow (messaging demo).",
    )

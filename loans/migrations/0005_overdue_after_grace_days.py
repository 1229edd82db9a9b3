# grace_days takes effect: a loan is overdue once its due date plus its grace days have passed.

from django.db import migrations, models

import loans.models
from core.tallies import tally_operations

# The tally of 0004 counted loans per due date; the overdue total now needs them per last day of grace.
create_old_tally, drop_old_tally = tally_operations(
    table="loans_loan", tally="loans_loantally", keys=["organization_id", "status", "due_on"], count="loans"
)
create_tally, drop_tally = tally_operations(
    table="loans_loan",
    tally="loans_loantally",
    keys=["organization_id", "status", "overdue_after"],
    count="loans",
    watch=["organization_id", "status", "due_on", "grace_days"],  # overdue_after is computed from these
)


class Migration(migrations.Migration):

    dependencies = [
        ('loans', '0004_loan_tally'),
    ]

    operations = [
        migrations.RunPython(drop_old_tally, create_old_tally),
        migrations.RemoveConstraint(
            model_name='loantally',
            name='loan_tally_unique',
        ),
        migrations.RenameField(
            model_name='loantally',
            old_name='due_on',
            new_name='overdue_after',
        ),
        migrations.AlterField(
            model_name='loantally',
            name='overdue_after',
            field=models.DateField(verbose_name='overdue after'),
        ),
        migrations.AddConstraint(
            model_name='loantally',
            constraint=models.UniqueConstraint(fields=('organization', 'status', 'overdue_after'), name='loan_tally_unique'),
        ),
        migrations.RemoveIndex(
            model_name='loan',
            name='loan_open_due_id',
        ),
        migrations.AddField(
            model_name='loan',
            name='overdue_after',
            field=models.GeneratedField(db_persist=True, expression=loans.models.DatePlusDays('due_on', 'grace_days'), output_field=models.DateField(), verbose_name='overdue after'),
        ),
        migrations.AddIndex(
            model_name='loan',
            index=models.Index(condition=models.Q(('status', 'active')), fields=['organization', 'overdue_after', 'id'], name='loan_open_overdue_id'),
        ),
        migrations.RunPython(create_tally, drop_tally),
    ]

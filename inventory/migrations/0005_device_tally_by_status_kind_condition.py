"""The device tally per (organisation, status, kind, condition) instead of per organisation, so the device
list filtered on status, kind or condition reads its total too; and the list's filter indexes end with the id
so a filtered page's ids come from an index-only scan."""

import django.db.models.deletion
from django.db import migrations, models

from backend.tallies import run, tally_operations

per_organization = tally_operations(
    table="inventory_device", tally="inventory_devicetally", keys=["organization_id"], count="devices"
)
per_status_kind_condition = tally_operations(
    table="inventory_device",
    tally="inventory_devicetally",
    keys=["organization_id", "status", "kind", "condition"],
    count="devices",
)


def drop_per_organization(apps, schema_editor):
    per_organization[1](apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":  # the first version's function names
        run(
            schema_editor,
            [f"DROP FUNCTION IF EXISTS inventory_device_tally_{name}()" for name in ("add", "remove", "move")],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0004_device_tally"),
        ("organizations", "0002_staff_task"),
    ]

    operations = [
        migrations.RunPython(drop_per_organization, per_organization[0]),
        migrations.DeleteModel(name="DeviceTally"),
        migrations.CreateModel(
            name="DeviceTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("intake", "Intake"),
                            ("wiping", "Being wiped"),
                            ("refurbishing", "Being refurbished"),
                            ("available", "Available"),
                            ("on_loan", "On loan"),
                            ("in_repair", "In repair"),
                            ("retired", "Retired"),
                            ("lost", "Lost"),
                            ("stolen", "Stolen"),
                            ("recycled", "Recycled"),
                            ("given_away", "Given away"),
                        ],
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("laptop", "Laptop"),
                            ("tablet", "Tablet"),
                            ("chromebook", "Chromebook"),
                            ("smartphone", "Smartphone"),
                            ("desktop", "Desktop computer"),
                            ("eid_reader", "e-ID card reader"),
                            ("modem_4g", "4G modem"),
                            ("accessory", "Charger or accessory"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "condition",
                    models.CharField(
                        choices=[
                            ("A", "A: as new"),
                            ("B", "B: signs of use"),
                            ("C", "C: works, worn"),
                            ("parts", "For parts"),
                        ],
                        max_length=8,
                        verbose_name="condition",
                    ),
                ),
                ("devices", models.BigIntegerField(default=0, verbose_name="devices")),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organizations.organization",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "device tally",
                "verbose_name_plural": "device tallies",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "status", "kind", "condition"), name="device_tally_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(*per_status_kind_condition),
        migrations.RemoveIndex(model_name="device", name="device_org_status_tag"),
        migrations.RemoveIndex(model_name="device", name="device_org_kind_tag"),
        migrations.RemoveIndex(model_name="device", name="device_org_condition_tag"),
        migrations.RemoveIndex(model_name="device", name="device_org_kind_cond_tag"),
        migrations.AddIndex(
            model_name="device",
            index=models.Index(fields=["organization", "status", "asset_tag", "id"], name="device_org_status_tag_id"),
        ),
        migrations.AddIndex(
            model_name="device",
            index=models.Index(fields=["organization", "kind", "asset_tag", "id"], name="device_org_kind_tag_id"),
        ),
        migrations.AddIndex(
            model_name="device",
            index=models.Index(
                fields=["organization", "condition", "asset_tag", "id"], name="device_org_condition_tag_id"
            ),
        ),
        migrations.AddIndex(
            model_name="device",
            index=models.Index(
                fields=["organization", "kind", "condition", "asset_tag", "id"], name="device_org_kind_cond_tag_id"
            ),
        ),
    ]

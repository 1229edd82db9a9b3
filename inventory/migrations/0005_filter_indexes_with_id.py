"""The device list's filter indexes end with the id, so a filtered page's ids come from an index-only scan
(the list joins the rest for those 50 ids only)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0004_device_tally"),
    ]

    operations = [
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

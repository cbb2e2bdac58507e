"""Step 1 of encrypting ID numbers: the encrypted and search-digest columns beside the clear
one; also when a customer was anonymised, and the permission to answer PIPL requests."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="customer",
            options={
                "ordering": ["-id"],
                "permissions": [
                    ("view_personal_data", "Can view unmasked personal data"),
                    ("check_identity", "Can run the three-field identity check"),
                    (
                        "handle_personal_data_request",
                        "Can export or anonymise a customer's personal data on request",
                    ),
                ],
                "verbose_name": "customer",
                "verbose_name_plural": "customers",
            },
        ),
        migrations.AddField(
            model_name="customer",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="anonymised"),
        ),
        migrations.AddField(
            model_name="customer",
            name="id_number_encrypted",
            field=models.TextField(blank=True, editable=False, verbose_name="ID number (encrypted)"),
        ),
        migrations.AddField(
            model_name="customer",
            name="id_number_index",
            field=models.CharField(
                blank=True,
                db_index=True,
                editable=False,
                max_length=64,
                verbose_name="ID number (search digest)",
            ),
        ),
    ]

"""Step 3: the clear ID-number column goes; only the token and the search digest remain."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_encrypt_id_numbers"),
    ]

    operations = [
        migrations.RemoveField(model_name="customer", name="id_number"),
    ]

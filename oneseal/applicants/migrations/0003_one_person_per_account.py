# The account-binding constraints, in their own migration (transaction): PostgreSQL refuses to
# alter a table with pending deferred-constraint events left by 0002's data migration.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applicants', '0002_authorisations'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='applicant',
            constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('user',), name='applicant_one_per_account'),
        ),
        migrations.AddConstraint(
            model_name='applicant',
            constraint=models.CheckConstraint(condition=models.Q(('user__isnull', True), ('kind', 'person'), _connector='OR'), name='applicant_account_is_a_person'),
        ),
    ]

"""index counted signatures by country

Revision ID: 752ffea03f29
Revises: c49c5bdfc16f
Create Date: 2026-11-25 00:09:07.203293

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '752ffea03f29'
down_revision = 'c49c5bdfc16f'
branch_labels = None
depends_on = None


COUNTED = sa.text(
    "confirmed_at IS NOT NULL AND withdrawn_at IS NULL AND suspect_at IS NULL"
)


def upgrade():
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.create_index(
            'ix_signature_campaign_country_counted',
            ['campaign_id', 'country'],
            unique=False,
            sqlite_where=COUNTED,
            postgresql_where=COUNTED,
        )


def downgrade():
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_index('ix_signature_campaign_country_counted')

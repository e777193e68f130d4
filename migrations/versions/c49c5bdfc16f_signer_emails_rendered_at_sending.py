"""signer emails rendered at sending

Revision ID: c49c5bdfc16f
Revises: 97750cf527a5
Create Date: 2026-11-24 23:49:52.480362

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c49c5bdfc16f'
down_revision = '97750cf527a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signature_id', sa.Integer(), nullable=True))
        batch_op.alter_column('subject',
               existing_type=sa.VARCHAR(length=300),
               nullable=True)
        batch_op.alter_column('body_text',
               existing_type=sa.TEXT(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_outbox_message_signature_id'), ['signature_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_signature_id_signature'), 'signature', ['signature_id'], ['id'], ondelete='CASCADE')



def downgrade():
    waiting = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM outbox_message WHERE signature_id IS NOT NULL "
        "AND sent_at IS NULL AND failed_at IS NULL"
    ))
    if waiting:
        raise RuntimeError(
            f"{waiting} emails to signers are waiting to be rendered and sent: "
            "let the mail worker deliver them before downgrading"
        )
    op.execute(
        "UPDATE outbox_message SET subject = '', body_text = '' "
        "WHERE signature_id IS NOT NULL"
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_signature_id_signature'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_signature_id'))
        batch_op.alter_column('body_text',
               existing_type=sa.TEXT(),
               nullable=False)
        batch_op.alter_column('subject',
               existing_type=sa.VARCHAR(length=300),
               nullable=False)
        batch_op.drop_column('signature_id')


"""Alembic environment: runs migrations against the URL given by ``service.store.migrate``."""
from alembic import context
from sqlalchemy import create_engine

from service.store import ratelimits, workers  # noqa: F401 - their tables join Base.metadata (autogenerate sees them)
from service.store.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")

if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()

"""Alembic's environment: migrations run on the connection that webmap.proposals.db.migrate passes in."""

from alembic import context

from webmap.proposals.models import Base

RTREE = "proposals_rtree"


def include_object(obj, name, type_, reflected, compare_to):
    """Leave the SQLite R*Tree index tables out of autogenerate comparisons."""
    return not (name or "").startswith(RTREE)


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through webmap.proposals.db.migrate, which passes the connection")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()


run_migrations()

"""The store: PostgreSQL pool, migrations, and one repository module per table group."""

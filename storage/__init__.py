"""The SQLite archive: schema, migrations, queries and full-text search."""

#!/bin/sh
# Creates Temporal's two PostgreSQL databases on the first run and brings their schemas up to this server version on
# every run, so `docker compose up` after an upgrade migrates before the server starts. temporal-sql-tool reads the
# connection from SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER and SQL_PASSWORD.
set -eu

# $1: the database, $2: its schema folder in the admin-tools image.
setup() {
  # Succeeds when the database exists already (temporal-sql-tool v1.29 ignores the duplicate-database error).
  temporal-sql-tool --db "$1" create-database
  temporal-sql-tool --db "$1" setup-schema -v 0.0
  temporal-sql-tool --db "$1" update-schema -d "/etc/temporal/schema/postgresql/v12/$2/versioned"
}

setup temporal temporal
setup temporal_visibility visibility
echo "Temporal schemas are up to date"

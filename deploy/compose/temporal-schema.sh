#!/bin/sh
# Creates Temporal's two PostgreSQL databases on the first run and brings their schemas up to this server version on
# every run, so `docker compose up` after an upgrade migrates before the server starts. temporal-sql-tool reads the
# connection from SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER and SQL_PASSWORD.
set -eu

# $1: the database, $2: its schema folder in the admin-tools image.
setup() {
  # PostgreSQL has no CREATE DATABASE IF NOT EXISTS: this fails on every run after the first, and setup-schema below
  # fails if the database really is missing.
  temporal-sql-tool --db "$1" create-database ||
    echo "create-database $1 failed (it exists after the first run); setup-schema checks it"
  temporal-sql-tool --db "$1" setup-schema -v 0.0
  temporal-sql-tool --db "$1" update-schema -d "/etc/temporal/schema/postgresql/v12/$2/versioned"
}

setup temporal temporal
setup temporal_visibility visibility
echo "Temporal schemas are up to date"

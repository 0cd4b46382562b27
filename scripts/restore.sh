#!/usr/bin/env bash
# make restore FILE=backups/agora-<stamp>.dump: into an EMPTY database (and empty media folder);
# it refuses to overwrite anything.
set -euo pipefail
file="${1:?usage: make restore FILE=backups/agora-<stamp>.dump}"
: "${DATABASE_URL:?set DATABASE_URL to the empty PostgreSQL database to restore into}"
[ -f "$file" ] || { echo "No such backup: $file" >&2; exit 2; }
tables="$(psql "$DATABASE_URL" -tAc \
  "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")"
if [ "$tables" != "0" ]; then
  echo "Refusing to restore: the database already has $tables tables. Use an empty database." >&2
  exit 3
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$file"
archive="${file%.dump}.media.tar.gz"
media="${MEDIA_ROOT:-media}"
if [ -f "$archive" ]; then
  mkdir -p "$media"
  if [ -n "$(ls -A "$media")" ]; then
    echo "Database restored; media NOT restored: $media is not empty." >&2
    exit 4
  fi
  tar -xzf "$archive" -C "$media"
fi
echo "Restored $file${archive:+ and its media} into the database."

#!/usr/bin/env bash
# make backup: a timestamped pg_dump (custom format) and an archive of the media files.
# Never dumpdata/loaddata: it does not round-trip Wagtail's tree, revisions and logs.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *)
  echo "make backup needs PostgreSQL (DATABASE_URL=postgres://...); SQLite is a file: copy it." >&2
  exit 2;; esac
dir="${BACKUP_DIR:-backups}"
media="${MEDIA_ROOT:-media}"
stamp="$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$dir"
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" \
  --file="$dir/agora-$stamp.dump"
mkdir -p "$media"
tar -czf "$dir/agora-$stamp.media.tar.gz" -C "$media" .
echo "Backup written: $dir/agora-$stamp.dump and $dir/agora-$stamp.media.tar.gz"
echo "Restore into an empty database with: make restore FILE=$dir/agora-$stamp.dump"

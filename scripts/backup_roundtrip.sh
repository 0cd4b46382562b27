#!/usr/bin/env bash
# CI: seed + sample data on PostgreSQL, make backup, drop, make restore, compare fingerprints.
set -euo pipefail
cd "$(dirname "$0")/.."
db=agora_backup_check
base="postgres://postgres@127.0.0.1:5432"
export DATABASE_URL="$base/$db" BACKUP_DIR="$(mktemp -d)" MEDIA_ROOT="$(mktemp -d)"
py=.venv/bin/python
dropdb -h 127.0.0.1 -U postgres --if-exists "$db"
createdb -h 127.0.0.1 -U postgres "$db"
$py manage.py migrate --no-input -v0
$py manage.py load_seed ${SAMPLE:+--sample "$SAMPLE"} > /dev/null
echo "placeholder media file" > "$MEDIA_ROOT/example.txt"
$py manage.py site_fingerprint > "$BACKUP_DIR/before.json"
make --no-print-directory backup
dropdb -h 127.0.0.1 -U postgres "$db"
createdb -h 127.0.0.1 -U postgres "$db"
rm -rf "$MEDIA_ROOT" && mkdir -p "$MEDIA_ROOT"
make --no-print-directory restore FILE="$(ls "$BACKUP_DIR"/agora-*.dump)"
$py manage.py site_fingerprint > "$BACKUP_DIR/after.json"
if ! diff -u "$BACKUP_DIR/before.json" "$BACKUP_DIR/after.json"; then
  echo "FAIL: the restored site differs from the backed-up one" >&2
  exit 1
fi
grep -q "placeholder media file" "$MEDIA_ROOT/example.txt"
if make --no-print-directory restore FILE="$(ls "$BACKUP_DIR"/agora-*.dump)" 2>/dev/null; then
  echo "FAIL: restore overwrote a database that was not empty" >&2
  exit 1
fi
echo "PASS: backup and restore round-trip ($(tr -d '\n ' < "$BACKUP_DIR/before.json" | grep -o '"counts":{[^}]*}'))"

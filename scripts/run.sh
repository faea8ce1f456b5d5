#!/usr/bin/env bash
# The demo (`make run`): migrate, load the demo organisation (once), then run
# beside the development server the background worker, the scheduler that
# queues reminders, and a local mail server that keeps every email in
# var/mail/. Stopping the server (Ctrl+C, or a signal to this script) stops
# them all.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"
PY=.venv/bin/python
ADDRESS="${RUN_ADDRESS:-127.0.0.1:8000}"

"$PY" manage.py migrate --no-input
"$PY" manage.py load_demo

# Job control gives each background process (and any child an autoreloader
# starts) its own process group, so that one kill stops each of them whole.
set -m
groups=()
stop() {
    trap - EXIT INT TERM
    for pid in "${groups[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${EMAIL_HOST:-}" ]; then
    "$PY" -m alerts.mail_sink --port "${EMAIL_PORT:-1025}" --directory var/mail & groups+=($!)
fi
"$PY" manage.py db_worker & groups+=($!)
"$PY" manage.py alerts_scheduler & groups+=($!)
"$PY" manage.py runserver "$ADDRESS" & server=$!
groups+=("$server")

echo "Serving http://$ADDRESS/sign-in/ with the background worker; Ctrl+C stops everything."
wait "$server"

#!/bin/sh
# calendar-block.sh: a ClaudeWatch callback command that keeps a plain-text calendar of Claude
# sessions, one line per session, written when the session ends:
#
#   2026-11-22 09:00–09:42  claude  /home/a/proj  $0.42  COMPLETED
#
# Set it up in ClaudeWatch's config.json:
#
#   {"callbacks": {"commands": ["sh /path/to/examples/callbacks/calendar-block.sh"]}}
#
# ClaudeWatch runs it on every status change of a session, with one line of JSON on stdin:
#
#   {"event":"status-changed","from":"ACTIVE","to":"COMPLETED","at":"...","session":{"status":...,"data":{...},"updatedAt":"..."}}
#
# Sessions that start, hit a rate limit or resume add nothing; COMPLETED, FAILED and INTERRUPTED
# each append the line to $CALENDAR_FILE (default: $HOME/claudewatch-calendar.txt). The project
# is the session's projectPath, or the directory Claude ran in when there is none. Times are
# local (TZ applies) where `date` can convert them (GNU, BusyBox, BSD), UTC otherwise.
#
# Only POSIX sh, sed and awk, no jq: each field is read with sed from its first occurrence in the
# payload, which is the session's own (session.data lists its fields before those of the other
# sessions it mentions, under accountPeers).

# Bytes, not characters: the payload is UTF-8 whatever the locale says.
LC_ALL=C
export LC_ALL

calendar=${CALENDAR_FILE:-$HOME/claudewatch-calendar.txt}
payload=$(cat)
# JSON text never holds a raw control character, so \001 can mark where the wanted value starts.
mark=$(printf '\001')

# field KEY: the value at KEY's first occurrence, a string (unescaped) or a number; empty for null.
# s/// replaces only the first match, which is how the first occurrence is found.
field() {
  printf '%s\n' "$payload" |
    sed -n -e "s/\"$1\":[ ]*/$mark/" -e "/$mark/!d" -e "s/^[^$mark]*$mark//" \
      -e 's/^\(-\{0,1\}[0-9][0-9.eE+-]*\).*/\1/p' \
      -e 's/^"\([^"\\]*\(\\.[^"\\]*\)*\)".*/\1/p' |
    sed 's/\\\(.\)/\1/g'
}

# local_time ISO: "YYYY-MM-DD HH:MM" in local time; as written (UTC) where date cannot convert.
local_time() {
  utc=${1%%.*}
  utc=${utc%Z}
  date -d "$1" '+%Y-%m-%d %H:%M' 2>/dev/null && return
  epoch=$(date -j -u -f '%Y-%m-%dT%H:%M:%S' "$utc" '+%s' 2>/dev/null) &&
    date -r "$epoch" '+%Y-%m-%d %H:%M' 2>/dev/null && return
  printf '%s\n' "$utc" | sed 's/^\(....-..-..\)T\(..:..\).*/\1 \2/'
}

[ "$(field event)" = status-changed ] || exit 0
status=$(field to)
case $status in
  COMPLETED | FAILED | INTERRUPTED) ;;
  *) exit 0 ;;
esac

started_at=$(field startedAt)
[ -n "$started_at" ] || exit 0
ended_at=$(field endedAt)
[ -n "$ended_at" ] || ended_at=$(field at)
project=$(field projectPath)
[ -n "$project" ] || project=$(field cwd)
cost=$(field costUsd)
if [ -n "$cost" ]; then
  cost=$(awk -v usd="$cost" 'BEGIN { printf "$%.2f", usd }')
else
  cost='$?'
fi

start=$(local_time "$started_at")
end=$(local_time "$ended_at")
# A block within one day shows its end as a time only.
[ "${end%% *}" = "${start%% *}" ] && end=${end#* }

printf '%s–%s  claude  %s  %s  %s\n' "$start" "$end" "$project" "$cost" "$status" >>"$calendar"

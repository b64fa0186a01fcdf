#!/usr/bin/env bash
# Make PostgreSQL >= 15 with the pgvector extension, and Redis >= 7, available.
#
#   scripts/services.sh           check; install/start what is missing, then print one line
#   scripts/services.sh --check   only check and print; never installs or starts anything
#
# Environment:
#   DATABASE_URL  default postgresql://postgres@127.0.0.1:5432/aivillage
#   REDIS_URL     default redis://127.0.0.1:6379
#   SERVICES_LOG  default /tmp/aivillage-services.log (output of apt-get, make, servers)
#
# If both URLs answer with the right versions (and `vector` is in pg_available_extensions)
# the script only prints one line; it creates the target database when it is missing.
# Otherwise, when running as root on Debian and the URL's host is local, it installs what is
# missing with apt (building pgvector from Debian's trixie source package when bookworm has
# no postgresql-N-pgvector), starts the servers and waits for them. In every other case it
# exits 1 with one message saying what is missing and how to fix it.
set -euo pipefail

DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/aivillage}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
LOG=${SERVICES_LOG:-/tmp/aivillage-services.log}
LOCK=/tmp/aivillage-services.lock
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-5}

CHECK_ONLY=0
for arg in "$@"; do
  case $arg in
    --check) CHECK_ONLY=1 ;;
    -h | --help) sed -n '2,/^set /{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
  esac
done

TMPD=
trap 'rm -rf "${TMPD:-}"' EXIT

say() { printf 'services: %s\n' "$*" >&2; }
die() { printf 'services: error: %s\n' "$*" >&2; exit 1; }
# Print the end of the log, then die.
die_log() {
  if [[ -s $LOG ]]; then
    printf -- '--- last lines of %s ---\n' "$LOG" >&2
    tail -n 30 "$LOG" >&2
    printf -- '---\n' >&2
  fi
  die "$*"
}
# Hide the password in a URL for messages.
mask() {
  local u=$1
  if [[ $u =~ ^([^:/]+://[^:/@]*):[^@/]*@(.*)$ ]]; then u="${BASH_REMATCH[1]}:***@${BASH_REMATCH[2]}"; fi
  printf '%s' "$u"
}
urldecode() { local s=${1//%/\\x}; printf '%b' "$s"; }

LOG_STARTED=0
# Run a command with its output appended to the log.
logged() {
  if ((!LOG_STARTED)); then
    printf '# scripts/services.sh %s\n' "$(date -Is)" >"$LOG"
    LOG_STARTED=1
  fi
  printf '\n$ %s\n' "$*" >>"$LOG"
  "$@" >>"$LOG" 2>&1 </dev/null
}

# ---------------------------------------------------------------- URLs
# parse_url URL -> U_SCHEME U_USERINFO U_HOST U_PORT U_PATH U_QUERY
parse_url() {
  local rest=$1
  U_SCHEME=
  if [[ $rest == *://* ]]; then U_SCHEME=${rest%%://*}; rest=${rest#*://}; fi
  U_QUERY=
  if [[ $rest == *\?* ]]; then U_QUERY=${rest#*\?}; rest=${rest%%\?*}; fi
  U_PATH=
  if [[ $rest == */* ]]; then U_PATH=${rest#*/}; rest=${rest%%/*}; fi
  U_USERINFO=
  if [[ $rest == *@* ]]; then U_USERINFO=${rest%@*}; rest=${rest##*@}; fi
  U_PORT=
  if [[ $rest == \[* ]]; then
    U_HOST=${rest%%]*}; U_HOST=${U_HOST#\[}
    rest=${rest#*]}
    U_PORT=${rest#:}
  else
    U_HOST=${rest%%:*}
    if [[ $rest == *:* ]]; then U_PORT=${rest##*:}; fi
  fi
}

is_local_host() {
  case $1 in
    '' | localhost | ::1 | 127.* | /* | %2[Ff]*) return 0 ;;
    *) return 1 ;;
  esac
}

hostport() { if [[ $1 == *:* ]]; then printf '[%s]:%s' "$1" "$2"; else printf '%s:%s' "${1:-localhost}" "$2"; fi; }

parse_url "$DATABASE_URL"
[[ $U_SCHEME == postgres || $U_SCHEME == postgresql ]] ||
  die "DATABASE_URL=$(mask "$DATABASE_URL") is not a postgresql:// URL"
PG_HOST=$(urldecode "$U_HOST")
PG_PORT=${U_PORT:-${PGPORT:-5432}}
PG_USER=$(urldecode "${U_USERINFO%%:*}")
PG_USER=${PG_USER:-${PGUSER:-$(id -un)}}
PG_DB=$(urldecode "$U_PATH")
PG_DB=${PG_DB:-$PG_USER}
# libpq rejects Prisma's own query parameters (?schema=public, ...): drop them for psql.
pg_query=
if [[ -n $U_QUERY ]]; then
  IFS='&' read -r -a params <<<"$U_QUERY"
  for p in "${params[@]}"; do
    case ${p%%=*} in
      schema | connection_limit | pool_timeout | pgbouncer | sslaccept | socket_timeout | \
        statement_cache_size | sslidentity | max_connection_lifetime | max_idle_connection_lifetime) ;;
      *) pg_query+=${pg_query:+&}$p ;;
    esac
  done
fi
pg_authority=${U_USERINFO:+$U_USERINFO@}$(if [[ $U_HOST == *:* ]]; then printf '[%s]' "$U_HOST"; else printf '%s' "$U_HOST"; fi)${U_PORT:+:$U_PORT}
PG_URL="$U_SCHEME://$pg_authority/$U_PATH${pg_query:+?$pg_query}"
PG_MAINT_URL="$U_SCHEME://$pg_authority/postgres${pg_query:+?$pg_query}"
PG_WHERE="$(hostport "$PG_HOST" "$PG_PORT")/$PG_DB"
PG_SHOW="DATABASE_URL=$(mask "$DATABASE_URL")"

parse_url "$REDIS_URL"
[[ $U_SCHEME == redis || $U_SCHEME == rediss ]] || die "REDIS_URL=$(mask "$REDIS_URL") is not a redis:// URL"
REDIS_HOST=${U_HOST:-127.0.0.1}
REDIS_PORT=${U_PORT:-6379}
REDIS_WHERE=$(hostport "$REDIS_HOST" "$REDIS_PORT")
REDIS_SHOW="REDIS_URL=$(mask "$REDIS_URL")"

# ---------------------------------------------------------------- probes
PG_VNUM=0 PG_VER= PG_VEC= PG_ERR=
PG_SQL="select current_setting('server_version_num'), split_part(current_setting('server_version'), ' ', 1),
  coalesce((select default_version from pg_available_extensions where name = 'vector'), '')"
# Query the target database: sets PG_VNUM PG_VER PG_VEC, or PG_ERR on failure.
pg_probe() {
  local out
  if out=$(psql "$PG_URL" -XAtq -F'|' -c "$PG_SQL" 2>&1); then
    IFS='|' read -r PG_VNUM PG_VER PG_VEC <<<"$out"
    return 0
  fi
  PG_ERR=$(head -n 1 <<<"$out")
  PG_ERR=${PG_ERR#psql: error: }
  return 1
}
# Does a server answer on DATABASE_URL's host and port (whatever the database or role)?
pg_up() { pg_isready -q -t 2 -d "$PG_URL" >/dev/null 2>&1; }
pg_wait() {
  local i
  for ((i = 0; i < $1 * 2; i++)); do pg_up && return 0; sleep 0.5; done
  return 1
}

REDIS_VER= REDIS_ERR= REDIS_DOWN=0
# Sets REDIS_VER, or REDIS_ERR (and REDIS_DOWN=1 when nothing answers).
redis_probe() {
  local out rc=0
  out=$(timeout 5 redis-cli --no-auth-warning -u "$REDIS_URL" INFO server 2>&1) || rc=$?
  if [[ $out =~ redis_version:([0-9][0-9.]*) ]]; then
    REDIS_VER=${BASH_REMATCH[1]}
    return 0
  fi
  REDIS_ERR=$(head -n 1 <<<"$out" | tr -d '\r')
  REDIS_DOWN=0
  if ((rc == 124)) || [[ -z $out || $out == *"Could not connect"* || $out == *"Connection refused"* ]]; then
    REDIS_DOWN=1
    [[ -n $REDIS_ERR ]] || REDIS_ERR="no answer within 5 s"
  fi
  return 1
}
redis_wait() {
  local i
  for ((i = 0; i < $1 * 4; i++)); do redis_probe && return 0; sleep 0.25; done
  return 1
}

# ---------------------------------------------------------------- apt
OS_ID= OS_LIKE= OS_CODENAME=
if [[ -r /etc/os-release ]]; then
  # shellcheck disable=SC1091
  OS_ID=$(. /etc/os-release && printf '%s' "${ID:-}")
  OS_LIKE=$(. /etc/os-release && printf '%s' "${ID_LIKE:-}")
  OS_CODENAME=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
fi
is_root() { [[ $(id -u) == 0 ]]; }
is_debian() { [[ $OS_ID == debian || " $OS_LIKE " == *" debian "* ]] && command -v apt-get >/dev/null; }
can_apt() { is_root && is_debian; }

apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 "$@"
}
APT_UPDATED=0
apt_update() {
  ((APT_UPDATED)) && return 0
  say "apt-get update (log: $LOG)"
  logged apt_get update || die_log "apt-get update failed"
  APT_UPDATED=1
}
# apt_install [apt options] PACKAGE...: installs those not installed yet (an already
# installed package is left alone: naming it would upgrade it and its dependencies).
apt_install() {
  local opts=() pkgs=() p
  for p in "$@"; do
    if [[ $p == -* ]]; then
      opts+=("$p")
    elif ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
      pkgs+=("$p")
    fi
  done
  ((${#pkgs[@]})) || return 0
  apt_update
  say "installing ${pkgs[*]} (log: $LOG)"
  logged apt_get install -y "${opts[@]}" "${pkgs[@]}" || die_log "apt-get install ${pkgs[*]} failed"
}

# ---------------------------------------------------------------- clients
ensure_clients() {
  local missing=()
  { command -v psql && command -v pg_isready; } >/dev/null || missing+=(postgresql-client)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  ((${#missing[@]})) || return 0
  ((!CHECK_ONLY)) && can_apt ||
    die "missing client tools (${missing[*]}): install them (apt-get install ${missing[*]}), or run this script without --check as root on Debian"
  apt_install "${missing[@]}"
}

# ---------------------------------------------------------------- PostgreSQL
pg_start() {
  if ! is_local_host "$PG_HOST"; then
    die "PostgreSQL does not answer at $PG_SHOW ($PG_ERR); start that server or point DATABASE_URL at a running PostgreSQL >= 15"
  fi
  if ((CHECK_ONLY)); then
    die "PostgreSQL does not answer at $PG_SHOW ($PG_ERR); run scripts/services.sh without --check to install/start it"
  fi
  can_apt || die "PostgreSQL does not answer at $PG_SHOW ($PG_ERR); start it, or run this script as root on Debian to have it installed and started"

  local fresh=0 clusters line ver name status
  clusters=$(pg_lsclusters -h 2>/dev/null || true)
  if [[ -z $clusters ]]; then
    apt_install postgresql postgresql-client
    fresh=1
    clusters=$(pg_lsclusters -h 2>/dev/null || true)
  fi
  # The cluster that listens on the URL's port (the newest if several): "15 main 5432 down ..."
  line=$(awk -v port="$PG_PORT" '$3 == port' <<<"$clusters" | sort -V -k1,1 | tail -n 1)
  [[ -n $line ]] ||
    die "no local PostgreSQL cluster uses port $PG_PORT (pg_lsclusters: $(awk '{printf "%s/%s:%s ", $1, $2, $3}' <<<"$clusters")); fix the port in DATABASE_URL or create one (pg_createcluster --start <version> main -p $PG_PORT)"
  read -r ver name _ status _ <<<"$line"
  ((ver >= 15)) || die "the local PostgreSQL cluster on port $PG_PORT is version $ver; PostgreSQL >= 15 is needed (apt-get install postgresql-15)"

  if ((fresh)); then
    # A fresh Debian cluster asks for passwords over TCP; the default DATABASE_URL has none.
    # Trust loopback connections on this development cluster that this script just created.
    sed -i '1i # added by scripts/services.sh: trust loopback TCP on this development cluster\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' \
      "/etc/postgresql/$ver/$name/pg_hba.conf"
    say "installed PostgreSQL $ver (cluster $ver/$name trusts loopback TCP connections)"
  fi
  if [[ $status == online* ]]; then
    logged pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" reload || true
  else
    say "starting PostgreSQL cluster $ver/$name"
    logged pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || true
  fi
  pg_wait 30 ||
    die_log "PostgreSQL $ver/$name did not answer at $(hostport "$PG_HOST" "$PG_PORT") within 30 s (see also /var/log/postgresql/postgresql-$ver-$name.log)"
}

# The server answers but the target database did not: create it if it is missing.
pg_ensure_database() {
  local err=$PG_ERR out
  if ! out=$(psql "$PG_MAINT_URL" -XAtq -v db="$PG_DB" 2>&1 <<<"select count(*) from pg_database where datname = :'db'"); then
    die "cannot connect to PostgreSQL at $PG_SHOW: $err"
  fi
  [[ $out == 0 ]] || die "cannot connect to PostgreSQL at $PG_SHOW: $err"
  ((!CHECK_ONLY)) ||
    die "database \"$PG_DB\" does not exist on the server at $PG_SHOW; run scripts/services.sh without --check to create it"
  if ! out=$(psql "$PG_MAINT_URL" -XAtq -v ON_ERROR_STOP=1 -v db="$PG_DB" 2>&1 <<<'create database :"db"'); then
    [[ $out == *"already exists"* ]] || die "could not create database \"$PG_DB\" at $PG_SHOW: ${out#psql:<stdin>:1: }"
  fi
  say "created database $PG_DB"
}

# Debian's apt source for this release as deb822 "URIs:" and "Signed-By:" lines.
debian_source_fields() {
  local want=$OS_CODENAME
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    awk -v want="$want" '
      function reset() { types = suites = uris = signed = enabled = key = "" }
      function flush() {
        if (!done && uris != "" && (" " types " ") ~ / deb / && (" " suites " ") ~ (" " want " ") && tolower(enabled) != "no") {
          print "URIs: " uris
          if (signed != "") print "Signed-By:" signed
          done = 1
        }
        reset()
      }
      BEGIN { reset() }
      /^#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ {
        if (key == "signed-by") signed = signed "\n" $0
        else { v = $0; gsub(/^[ \t]+|[ \t]+$/, "", v)
               if (key == "types") types = types " " v; else if (key == "suites") suites = suites " " v; else if (key == "uris") uris = uris " " v }
        next
      }
      {
        i = index($0, ":"); key = tolower(substr($0, 1, i - 1)); raw = substr($0, i + 1)
        v = raw; gsub(/^[ \t]+|[ \t]+$/, "", v); gsub(/[ \t]+/, " ", v)
        if (key == "types") types = v; else if (key == "suites") suites = v; else if (key == "uris") uris = v
        else if (key == "signed-by") signed = raw; else if (key == "enabled") enabled = v
      }
      END { flush(); exit !done }' /etc/apt/sources.list.d/debian.sources && return 0
  fi
  if [[ -f /etc/apt/sources.list ]]; then
    awk -v want="$want" '
      $1 == "deb" {
        i = 2; opts = ""
        if ($2 ~ /^\[/) { opts = $2; while (opts !~ /\]$/ && i < NF) { i++; opts = opts " " $i }; i++ }
        if ($(i + 1) != want) next
        print "URIs: " $i
        if (match(opts, /signed-by=[^] ]+/)) print "Signed-By: " substr(opts, RSTART + 10, RLENGTH - 10)
        found = 1; exit
      }
      END { exit !found }' /etc/apt/sources.list && return 0
  fi
  return 1
}

# Build pgvector from Debian trixie's source package against this server's headers.
pg_build_vector() {
  local major=$1 pgc=/usr/lib/postgresql/$1/bin/pg_config fields src dir tarball
  [[ $OS_ID == debian && -n $OS_CODENAME ]] ||
    die "pgvector is not installed on the server at $PG_SHOW and postgresql-$major-pgvector is not packaged for this system; install the pgvector extension (https://github.com/pgvector/pgvector)"
  fields=$(debian_source_fields) ||
    die "found no apt source for Debian $OS_CODENAME in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list to fetch pgvector's source from; install the pgvector extension (https://github.com/pgvector/pgvector)"
  apt_install --no-install-recommends "postgresql-server-dev-$major" build-essential dpkg-dev

  say "building pgvector from Debian trixie's source package (log: $LOG)"
  TMPD=$(mktemp -d /tmp/services-pgvector.XXXXXX)
  chmod 755 "$TMPD"
  mkdir -p "$TMPD/lists/partial" "$TMPD/src"
  # apt downloads as the unprivileged _apt user where it exists.
  if id _apt >/dev/null 2>&1; then chown _apt "$TMPD/lists/partial" "$TMPD/src"; fi
  src=$TMPD/trixie-src.sources
  printf 'Types: deb-src\n%s\nSuites: trixie\nComponents: main\n' "$fields" >"$src"
  cat "$src" >>"$LOG"
  local opts=(-o "Dir::Etc::sourcelist=$src" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$TMPD/lists"
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
  logged apt_get "${opts[@]}" update || die_log "apt-get update for Debian trixie's source packages failed"
  (cd "$TMPD/src" && logged apt_get "${opts[@]}" source --download-only pgvector) ||
    die_log "apt-get source pgvector (Debian trixie) failed"
  tarball=$(compgen -G "$TMPD/src/pgvector_*.orig.tar.*" | head -n 1) || true
  [[ -n $tarball ]] || die_log "apt-get source pgvector downloaded no pgvector_*.orig.tar.* file"
  logged tar -C "$TMPD/src" -xf "$tarball" || die_log "could not unpack $tarball"
  dir=$(compgen -G "$TMPD/src/pgvector-*/" | head -n 1) || true
  [[ -n $dir ]] || die_log "$tarball holds no pgvector-*/ directory"
  # OPTFLAGS= : no -march=native, so the build also runs on other CPUs (pgvector still
  # picks SIMD code at run time).
  logged make -C "$dir" -j "$(nproc)" PG_CONFIG="$pgc" OPTFLAGS= || die_log "building pgvector failed"
  logged make -C "$dir" install PG_CONFIG="$pgc" OPTFLAGS= || die_log "installing pgvector failed"
  rm -rf "$TMPD"
  TMPD=
}

pg_ensure_vector() {
  [[ -n $PG_VEC ]] && return 0
  local how="install the pgvector extension (https://github.com/pgvector/pgvector) or run as root on Debian to have this script build it"
  ((!CHECK_ONLY)) ||
    die "pgvector is not installed on the server at $PG_SHOW; run scripts/services.sh without --check (as root on Debian) to build it, or install the pgvector extension (https://github.com/pgvector/pgvector)"
  is_local_host "$PG_HOST" ||
    die "pgvector is not installed on the server at $PG_SHOW (a remote server); install the pgvector extension there (https://github.com/pgvector/pgvector)"
  can_apt || die "pgvector is not installed on the server at $PG_SHOW; $how"

  local major=$((PG_VNUM / 10000))
  apt_update
  say "trying apt-get install postgresql-$major-pgvector"
  if ! logged apt_get install -y "postgresql-$major-pgvector"; then
    pg_build_vector "$major"
  fi
  pg_probe || die "cannot connect to PostgreSQL at $PG_SHOW: $PG_ERR"
  [[ -n $PG_VEC ]] ||
    die_log "pgvector was installed for PostgreSQL $major on this machine, but the server at $PG_SHOW does not list it in pg_available_extensions; is that server this machine's Debian postgresql-$major? Otherwise $how"
  say "installed pgvector $PG_VEC"
}

ensure_postgres() {
  if ! pg_probe; then
    pg_up || pg_start
    pg_probe || pg_ensure_database
    pg_probe || die "cannot connect to PostgreSQL at $PG_SHOW: $PG_ERR"
  fi
  ((PG_VNUM >= 150000)) ||
    die "PostgreSQL at $PG_SHOW is version $PG_VER; this project needs PostgreSQL >= 15 (with pgvector): upgrade it or point DATABASE_URL at another server"
  pg_ensure_vector
}

# ---------------------------------------------------------------- Redis
ensure_redis() {
  if ! redis_probe; then
    if [[ $REDIS_ERR == *"Protocol error"* ]]; then
      die "something that is not Redis answered at $REDIS_SHOW ($REDIS_ERR); point REDIS_URL at a running Redis >= 7"
    fi
    ((REDIS_DOWN)) || die "Redis at $REDIS_SHOW answered: $REDIS_ERR"
    is_local_host "$REDIS_HOST" ||
      die "Redis does not answer at $REDIS_SHOW ($REDIS_ERR); start that server or point REDIS_URL at a running Redis >= 7"
    ((!CHECK_ONLY)) ||
      die "Redis does not answer at $REDIS_SHOW ($REDIS_ERR); run scripts/services.sh without --check to install/start it"
    can_apt ||
      die "Redis does not answer at $REDIS_SHOW ($REDIS_ERR); start it (redis-server --daemonize yes --bind 127.0.0.1 --port $REDIS_PORT --save '' --appendonly no), or run this script as root on Debian to have it installed and started"
    if ! command -v redis-server >/dev/null; then
      apt_install redis-server
    fi
    if ! redis_probe; then # the package may have started one already
      local bind=127.0.0.1
      [[ $REDIS_HOST == ::1 ]] && bind=::1
      say "starting redis-server on $(hostport "$bind" "$REDIS_PORT")"
      (cd / && logged redis-server --daemonize yes --bind "$bind" --port "$REDIS_PORT" --save '' --appendonly no) ||
        die_log "redis-server failed to start"
      redis_wait 15 || die_log "Redis did not answer at $REDIS_SHOW within 15 s after starting it ($REDIS_ERR)"
    fi
  fi
  ((${REDIS_VER%%.*} >= 7)) ||
    die "Redis at $REDIS_SHOW is version $REDIS_VER; this project needs Redis >= 7: upgrade it or point REDIS_URL at another server"
}

# ---------------------------------------------------------------- main
all_ready() {
  pg_probe && ((PG_VNUM >= 150000)) && [[ -n $PG_VEC ]] && redis_probe && ((${REDIS_VER%%.*} >= 7))
}

if ! all_ready; then
  if ((!CHECK_ONLY)); then
    # One installer at a time (parallel test runs may all call this script).
    if { exec 9>>"$LOCK"; } 2>/dev/null; then flock -w 900 9 || die "another scripts/services.sh still holds $LOCK after 15 min"; fi
  fi
  ensure_clients
  ensure_postgres
  ensure_redis
fi
echo "services: postgres $PG_VER (pgvector $PG_VEC) and redis $REDIS_VER ready at $PG_WHERE and $REDIS_WHERE"

# Shared install steps for bin/run and bin/test (sourced). Each step does nothing when already done.

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  [ -n "${APT_UPDATED:-}" ] || { as_root apt-get update -qq; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

setup_python() {  # $1: extras, e.g. "[test]"
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv || { apt_install python3-venv; python3 -m venv .venv; }
  fi
  local stamp=".venv/.installed$1" digest
  digest=$(sha256sum setup.cfg | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
    .venv/bin/pip install -q --upgrade pip >/dev/null 2>&1 || true
    .venv/bin/pip install -q -e ".$1"
    echo "$digest" > "$stamp"
  fi
}

setup_secret() {  # SECRET_KEY signs sessions and the captcha cookie: unless the environment sets one, generate a
                  # random secret once into instance/secret_key (this user only), which the app and flask commands read
  if [ -n "${SECRET_KEY:-}" ] || [ -s instance/secret_key ]; then return 0; fi
  mkdir -p instance
  (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > instance/secret_key.tmp \
    && mv instance/secret_key.tmp instance/secret_key)
}

setup_assets() {
  command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -f node_modules/bootstrap/dist/css/bootstrap.min.css ] || [ package.json -nt node_modules ]; then
    npm install --no-audit --no-fund --silent
    touch node_modules
  fi
}

setup_browser() {  # Debian's chromium (Playwright cannot download browsers here) and a CJK font
  command -v chromium >/dev/null || apt_install chromium
  fc-list 2>/dev/null | grep -qi -e 'WenQuanYi' -e 'Noto Sans CJK' || apt_install fonts-wqy-zenhei
}

setup_postgres() {  # start (or install and start) PostgreSQL; export TEST_DATABASE_URL
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    command -v pg_ctlcluster >/dev/null || apt_install postgresql
    local version
    version=$(ls /etc/postgresql | sort -n | tail -1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
      || as_root pg_ctlcluster "$version" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  # A fresh Debian cluster asks for a password on TCP: give the postgres role a known one (harmless under trust).
  if ! psql -w -h 127.0.0.1 -U postgres -d postgres -tAc "select 1" >/dev/null 2>&1; then
    as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
  fi
  export PGPASSWORD=postgres
  local name="${CREDITFLOW_TEST_DB:-creditflow_test}"  # another name lets two checkouts test side by side
  psql -w -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname='$name'" \
    | grep -q 1 || psql -w -q -h 127.0.0.1 -U postgres -d postgres -c "create database $name"
  export TEST_DATABASE_URL="postgresql+psycopg://postgres:postgres@127.0.0.1:5432/$name"
}

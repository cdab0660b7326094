# Shared install steps of scripts/start and scripts/test (sourced, not run).
# Idempotent: installs only what is missing, so a second run is quick.

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# install_debian PACKAGE... : apt-get install the packages that are not installed yet.
install_debian() {
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Installing Debian packages: ${missing[*]}"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

# install_python [EXTRA] : a virtual environment in .venv with the locked dependencies.
install_python() {
    local extra="${1:-}"
    if [ ! -x .venv/bin/python ]; then
        python3 -m venv .venv
    fi
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -r requirements.lock
    if [ -n "$extra" ]; then
        .venv/bin/python -m pip install -q --no-deps -e ".[$extra]"
    else
        .venv/bin/python -m pip install -q --no-deps -e .
    fi
}

#!/usr/bin/env bash
# Installs what xorlab needs on a fresh Debian-like machine: Graphviz, Xvfb and Qt's xcb
# libraries through apt (when apt is usable), and the Python packages in ./.venv.
# Safe to run again: each step is skipped when it is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
    graphviz            # `dot` renders computation graphs (a pip-only fallback exists)
    xvfb xauth          # a virtual screen for the app's window tests and screenshots
    libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
    libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
)

install_system_packages() {
    if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
        echo "setup: no apt here; install Graphviz and Xvfb yourself for graphs and window tests" >&2
        return
    fi
    local missing=()
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; else
            echo "setup: not root; please install: ${missing[*]}" >&2
            return
        fi
    fi
    echo "setup: apt-get install ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

install_python_packages() {
    local python
    python=$(command -v python3.11 || command -v python3)
    if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
        echo "setup: xorlab needs Python 3.11 (found $("$python" --version))" >&2
        exit 1
    fi
    [ -x .venv/bin/python ] || "$python" -m venv .venv
    # Reinstall only when the dependencies changed.
    local stamp=.venv/.xorlab-installed
    if [ ! -f "$stamp" ] || ! cmp -s pyproject.toml "$stamp"; then
        .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
        .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
        cp pyproject.toml "$stamp"
    fi
}

install_system_packages
install_python_packages

#!/usr/bin/env bash
# Installs what xorlab needs on a fresh Debian-like machine: Graphviz, Xvfb and Qt's xcb
# libraries through apt (when apt is usable), and the Python packages in ./.venv.
# Safe to run again: each step is skipped when it is already done.
# Then it compiles the presets' training loops into PyTensor's, Numba's and JAX's caches
# (`main.py warm`: ~20 CPU-seconds once, ~6 again when they are warm; ~2 CPU-minutes before
# the point-set presets trained on JAX), so each preset's first Train reaches full speed as on
# a warm cache.
#   --desktop   also install a launcher (desktop entry and icon) for this user, in
#               ~/.local/share/applications and ~/.local/share/icons, starting ./.venv's app
#   --no-warm   skip compiling the presets (or set XORLAB_SETUP_NO_WARM=1); the app then
#               compiles each network in the background at its first run
set -euo pipefail
cd "$(dirname "$0")/.."

DESKTOP=0
WARM=1
[ "${XORLAB_SETUP_NO_WARM:-0}" = 1 ] && WARM=0
for arg in "$@"; do
    case "$arg" in
        --desktop) DESKTOP=1 ;;
        --no-warm) WARM=0 ;;
        -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; exit 0 ;;
        *) echo "setup: unknown option $arg (try --help)" >&2; exit 2 ;;
    esac
done

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

# The app's own bytecode (pip compiles the dependencies' when it installs them, not an
# editable project's): a first start then reads it instead of compiling ~160 modules, 0.3-0.4 s
# of the window's start (and all of every start where PYTHONDONTWRITEBYTECODE is set).
compile_bytecode() {
    .venv/bin/python -m compileall -q xorlab main.py >/dev/null ||
        echo "setup: could not compile xorlab's bytecode; Python compiles it when it starts" >&2
}

# A failed warm-up costs only time later (the app compiles in the background): it is said,
# and set-up still succeeds.
warm_caches() {
    echo "setup: compiling the presets' training loops into the caches (skip: --no-warm)"
    .venv/bin/python main.py warm ||
        echo "setup: the warm-up did not finish; each preset compiles at its first run instead" >&2
}

# The launcher runs this checkout's venv: Exec is its absolute path.
install_desktop_entry() {
    local data="${XDG_DATA_HOME:-$HOME/.local/share}"
    local apps="$data/applications" icons="$data/icons/hicolor/scalable/apps"
    mkdir -p "$apps" "$icons"
    cp resources/xorlab.svg "$icons/xorlab.svg"
    # Quoted as the desktop entry format wants (\ " ` $ escaped), so any folder name works.
    local exec_path
    exec_path="$(pwd)/.venv/bin/xorlab"
    exec_path="${exec_path//\\/\\\\}"
    exec_path="${exec_path//\"/\\\"}"
    exec_path="${exec_path//\`/\\\`}"
    exec_path="${exec_path//\$/\\\$}"
    local line
    while IFS= read -r line; do
        case "$line" in
            Exec=*) printf 'Exec="%s"\n' "$exec_path" ;;
            *) printf '%s\n' "$line" ;;
        esac
    done <resources/xorlab.desktop >"$apps/xorlab.desktop"
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$apps" || true
    echo "setup: installed $apps/xorlab.desktop and $icons/xorlab.svg"
}

if [ "${XORLAB_SETUP_DESKTOP_ONLY:-0}" = 1 ]; then  # the tests install the entry alone
    install_desktop_entry
    exit 0
fi
install_system_packages
install_python_packages
compile_bytecode
if [ "$DESKTOP" = 1 ]; then
    install_desktop_entry
fi
if [ "$WARM" = 1 ]; then
    warm_caches
fi

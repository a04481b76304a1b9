# Shared by the set-up commands: installs what is missing, once, with apt-get.
# shellcheck shell=bash

# ensure_packages CMD:PACKAGE ...  installs PACKAGE when CMD is not on PATH; a CMD starting with / is a
# file or folder that must exist instead (for packages without commands, such as Go libraries).
ensure_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*}
    pkg=${pair#*:}
    if [[ $cmd == /* ]]; then
      [[ -e $cmd ]] || missing+=("$pkg")
    else
      command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    fi
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      SUDO=sudo
    else
      echo "missing packages: ${missing[*]}; install them as root: apt-get install -y ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "installing: ${missing[*]}" >&2
  ${SUDO:-} apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# The JDK, Maven and the disk tools every command needs; node and npm build hypervisord's dashboard;
# asciidoctor (man pages) and rpmbuild (the .rpm) build the packages in packaging/.
ensure_base() {
  ensure_packages javac:openjdk-17-jdk-headless mvn:maven qemu-img:qemu-utils virsh:libvirt-clients \
    node:nodejs npm:npm asciidoctor:asciidoctor rpmbuild:rpm
}

# Builds the tools from this checkout (Maven resolves the libraries).
build_project() {
  (cd "$ROOT" && mvn -B -q -DskipTests package)
}

#!/usr/bin/env bash
# Builds Fulcrum's container images from local material only (no registry is reachable here):
#   fulcrum/debian:bookworm      a Debian minbase root filesystem (debootstrap), imported once
#   fulcrum/runtime:0.1.0        glibc and friends sliced from it, plus a jlink'd Java runtime
#   fulcrum/control-plane:0.1.0  the control plane (and every fulcrum command)
#   fulcrum/proxy:0.1.0          the proxy, echo and bench, without the control plane's jars
# Needs the build (`mvn -DskipTests package`), a Docker engine, and the first time root and
# network access to a Debian mirror (debootstrap). `mvn verify` runs it before the container tests.
#   deploy/build-images.sh [--if-docker]    --if-docker: exit 0 with a message when no engine answers
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=0.1.0
work="$root/deploy/target/images"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if ! docker info >/dev/null 2>&1; then
  if [[ "${1:-}" == --if-docker ]]; then
    echo "build-images: no Docker engine answers; images not built, container tests will be skipped"
    exit 0
  fi
  echo "build-images: no Docker engine answers (start dockerd)" >&2
  exit 1
fi
tools_jar="$(ls "$root"/tools/target/fulcrum-tools-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1 || true)"
dataplane_jar="$(ls "$root"/data-plane/target/fulcrum-data-plane-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1 || true)"
if [[ -z "$tools_jar" || -z "$dataplane_jar" || ! -f "$root/tools/target/classpath.txt" \
      || ! -f "$root/data-plane/target/classpath.txt" ]]; then
  echo "build-images: build first: mvn -DskipTests package" >&2
  exit 2
fi

# 1. The Debian base, once per Docker engine: nothing can be pulled, so it is made here.
if ! docker image inspect fulcrum/debian:bookworm >/dev/null 2>&1; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
  fi
  rootfs="$(mktemp -d)"
  trap 'rm -rf "$rootfs"' EXIT
  echo "build-images: debootstrap bookworm (minbase) from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
    || { tail -20 "$rootfs.log" >&2; exit 1; }
  tar -C "$rootfs" -c . | docker import - fulcrum/debian:bookworm >/dev/null
  rm -rf "$rootfs" "$rootfs.log"
fi

# 2. The runtime: a Java runtime holding only the modules Fulcrum uses. The list is
#    `jdeps --print-module-deps` over the tools classpath, plus TLS's elliptic curves and JNDI's DNS.
rm -rf "$work"
mkdir -p "$work/runtime" "$work/control-plane/lib" "$work/proxy/lib"
jdk="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
modules=java.base,java.compiler,java.desktop,java.naming,java.net.http,java.security.jgss,java.sql
modules+=,jdk.httpserver,jdk.jfr,jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=2 --output "$work/runtime/jre"
docker build -q -t "fulcrum/runtime:$version" -f "$root/deploy/images/runtime.Dockerfile" "$work/runtime" >/dev/null

# 3. The two application images, each with its own jars.
mapfile -t everything < <(tr ':' '\n' < "$root/tools/target/classpath.txt")
cp "${everything[@]}" "$tools_jar" "$work/control-plane/lib/"
mapfile -t dataplane < <(tr ':' '\n' < "$root/data-plane/target/classpath.txt")
cp "${dataplane[@]}" "$dataplane_jar" "$tools_jar" "$work/proxy/lib/"
cp "$root/tools/proxy.jvm" "$work/proxy/"
for jar in "${everything[@]}"; do
  case "$(basename "$jar")" in
    picocli-*|slf4j-simple-*|HdrHistogram-*) cp "$jar" "$work/proxy/lib/" ;;
  esac
done
# The classes the proxy's image archives for class data sharing: those loaded by a run of the demo
# (a proxy, its control plane, echo servers and a client in one JVM, on any free ports). Classes not
# in the proxy image (the control plane's) are left out when the image dumps its archive.
FULCRUM_JAVA_OPTS="-XX:DumpLoadedClassList=$work/proxy/proxy.classlist" "$root/tools/fulcrum" demo --calls 200 \
  --echo-ports 0,0 --proxy-port 0 --xds-port 0 --admin-port 0 >"$work/demo.log" 2>&1 || { tail -20 "$work/demo.log" >&2; exit 1; }
for image in control-plane proxy; do
  docker build -q -t "fulcrum/$image:$version" -f "$root/deploy/images/$image.Dockerfile" "$work/$image" >/dev/null
done
docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep '^fulcrum/' | sort

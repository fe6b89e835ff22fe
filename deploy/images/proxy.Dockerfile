# fulcrum/proxy: the sidecar proxy, without the control plane's jars; also runs `echo` and `bench`,
# and `capture install|remove` as the injected init container (root, NET_ADMIN and NET_RAW), with
# Debian's iptables. The sidecar injector adds it to pods with its flags; see docs/deployment.md.
#
# Debian bookworm's iptables, sliced as runtime.Dockerfile slices glibc: the package's files and
# those of the libraries its binaries and xtables modules link (ldd: libxtables, libip4tc and
# libip6tc for the legacy backend, libnftnl and libmnl for nft, libnetfilter_conntrack and
# libnfnetlink for the connlabel match), no docs, and not iptables-apply (a shell script, and the
# image has no shell). All of its match and target modules, so that iptables-save can print
# whatever a pod's nat table holds. Debian's alternatives links come along: iptables-save and
# iptables-restore are the nft backend's, as on Debian; xtables-legacy-multi is there beside it.
FROM fulcrum/debian:bookworm AS iptables
RUN set -eu; apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iptables >/dev/null; \
    packages="iptables libxtables12 libip4tc2 libip6tc2 libnftnl11 libmnl0 libnetfilter-conntrack3 libnfnetlink0"; \
    dpkg -L $packages | grep '^/.' | grep -v -e '^/usr/share/' -e '-apply$' | while read -r f; do \
      if [ ! -d "$f" ]; then echo "$(readlink -f "$(dirname "$f")")/$(basename "$f")"; fi; \
    done | sort -u > /tmp/files; \
    mkdir -p /slice/etc/alternatives /slice/run; \
    xargs cp -a --parents -t /slice < /tmp/files; \
    for link in /etc/alternatives/*; do \
      if grep -qx "$(readlink "$link")" /tmp/files; then cp -a "$link" /slice/etc/alternatives/; fi; \
    done; \
    find /usr -lname '/etc/alternatives/*' | while read -r link; do \
      if [ -L "/slice$(readlink "$link")" ]; then cp -a --parents "$link" /slice; fi; \
    done

FROM fulcrum/runtime:0.1.0
COPY --from=iptables /slice/ /
# The launcher finds iptables-save and iptables-restore on PATH, in /usr/sbin as on Debian; Java
# stays first. Both backends must load their libraries, and the alternatives' links resolve (this
# fails the build otherwise).
ENV PATH=/opt/java/bin:/usr/sbin:/usr/bin
RUN ["iptables-save", "--version"]
RUN ["iptables-legacy-save", "--version"]
COPY lib/ /opt/fulcrum/lib/
# Class data sharing: the classes a proxy loads (listed by build-images.sh from a run of the demo),
# parsed and laid out once here, and mapped from this file at every start: a sidecar starts sooner
# (docs/performance.md, "Issue 7, second pass").
# (Written as root, like the jars; the proxy runs as 65532 and only reads it. Classes the list names
# but this image lacks, the control plane's, are skipped with a warning.)
COPY proxy.classlist /opt/fulcrum/
USER 0:0
RUN ["java", "-Xshare:dump", "-XX:SharedClassListFile=/opt/fulcrum/proxy.classlist", \
     "-XX:SharedArchiveFile=/opt/fulcrum/proxy.jsa", "-cp", "/opt/fulcrum/lib/*"]
USER 65532:65532
# Outbound calls, admin endpoint.
EXPOSE 15001 9990
# Sized for a sidecar with the JVM flags tools/fulcrum runs the proxy with (tools/proxy.jvm, copied
# here by build-images.sh), and two malloc arenas. Names are looked up again after 5 s (not the
# JVM's 30): backends and control planes move.
COPY proxy.jvm /opt/fulcrum/
ENV MALLOC_ARENA_MAX=2
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/opt/fulcrum/proxy.jsa", "@/opt/fulcrum/proxy.jvm", \
            "-XX:-UsePerfData", "-Dsun.net.inetaddr.ttl=5", "-Dsun.net.inetaddr.negative.ttl=1", \
            "-cp", "/opt/fulcrum/lib/*", "dev.fulcrum.tools.Fulcrum"]
CMD ["--help"]

# fulcrum/runtime: what a JVM needs and nothing more (no shell, no package manager): glibc,
# libstdc++, libgcc and zlib sliced out of a Debian bookworm minbase, and a jlink'd Java runtime
# (the build context's jre/). Both Fulcrum images start from it.
FROM fulcrum/debian:bookworm AS debian
# Each library file at its real (merged-/usr) path (no docs, no iconv modules: Java has its own),
# then the /lib and /lib64 links Debian has.
RUN set -eu; mkdir -p /slice/etc /slice/tmp; chmod 1777 /slice/tmp; \
    dpkg -L libc6 libgcc-s1 libstdc++6 zlib1g | grep '^/.' | grep -v -e '^/usr/share/' -e '/gconv/' | while read -r f; do \
      if [ ! -d "$f" ]; then echo "$(readlink -f "$(dirname "$f")")/$(basename "$f")"; fi; \
    done | sort -u > /tmp/files; \
    xargs cp -a --parents -t /slice < /tmp/files; \
    cp -a /lib /lib64 /slice/; \
    cp /etc/nsswitch.conf /etc/host.conf /etc/ld.so.cache /slice/etc/; \
    printf 'root:x:0:0:root:/root:/sbin/nologin\nfulcrum:x:65532:65532:fulcrum:/tmp:/sbin/nologin\n' > /slice/etc/passwd; \
    printf 'root:x:0:\nfulcrum:x:65532:\n' > /slice/etc/group

FROM scratch
COPY --from=debian /slice/ /
COPY jre/ /opt/java/
ENV PATH=/opt/java/bin LANG=C.UTF-8
USER 65532:65532

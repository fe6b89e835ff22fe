# fulcrum/proxy: the sidecar proxy, without the control plane's jars; also runs `echo` and `bench`.
# The sidecar injector adds it to pods with its flags; see docs/deployment.md.
FROM fulcrum/runtime:0.1.0
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

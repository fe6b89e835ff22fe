# fulcrum/proxy: the sidecar proxy, without the control plane's jars; also runs `echo` and `bench`.
# The sidecar injector adds it to pods with its flags; see docs/deployment.md.
FROM fulcrum/runtime:0.1.0
COPY lib/ /opt/fulcrum/lib/
# Outbound calls, admin endpoint.
EXPOSE 15001 9990
# Sized for a sidecar, as tools/fulcrum runs the proxy (docs/performance.md, "Memory"): the serial
# collector, a heap that starts small and gives memory back, 1 MiB Netty chunks, two malloc arenas.
# Names are looked up again after 5 s (not the JVM's 30): backends and control planes move.
ENV MALLOC_ARENA_MAX=2
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xms16m", "-Xmx128m", "-XX:MinHeapFreeRatio=10", \
            "-XX:MaxHeapFreeRatio=30", "-XX:MaxMetaspaceSize=128m", "-XX:-UsePerfData", \
            "-Dio.grpc.netty.shaded.io.netty.allocator.maxOrder=7", \
            "-Dsun.net.inetaddr.ttl=5", "-Dsun.net.inetaddr.negative.ttl=1", \
            "-cp", "/opt/fulcrum/lib/*", "dev.fulcrum.tools.Fulcrum"]
CMD ["--help"]

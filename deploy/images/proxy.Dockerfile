# fulcrum/proxy: the sidecar proxy, without the control plane's jars; also runs `echo` and `bench`.
# The sidecar injector adds it to pods with its flags; see docs/deployment.md.
FROM fulcrum/runtime:0.1.0
COPY lib/ /opt/fulcrum/lib/
# Outbound calls, admin endpoint.
EXPOSE 15001 9990
# Names are looked up again after 5 s (not the JVM's 30): backends and control planes move.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-XX:-UsePerfData", \
            "-Dsun.net.inetaddr.ttl=5", "-Dsun.net.inetaddr.negative.ttl=1", \
            "-cp", "/opt/fulcrum/lib/*", "dev.fulcrum.tools.Fulcrum"]
CMD ["--help"]

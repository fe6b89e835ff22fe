# fulcrum/control-plane: the control plane (and every other fulcrum command).
# Run as in deploy/control-plane.yaml; `docker run fulcrum/control-plane:0.1.0 --help` lists commands.
FROM fulcrum/runtime:0.1.0
COPY lib/ /opt/fulcrum/lib/
# xDS (ADS), dashboard and admin, sidecar-injection webhook.
EXPOSE 18000 9900 8443
# Names are looked up again after 5 s (not the JVM's 30): backends and control planes move.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-XX:-UsePerfData", \
            "-Dsun.net.inetaddr.ttl=5", "-Dsun.net.inetaddr.negative.ttl=1", \
            "-cp", "/opt/fulcrum/lib/*", "dev.fulcrum.tools.Fulcrum"]
CMD ["control-plane", "--kubernetes", "--admin-address", "0.0.0.0"]

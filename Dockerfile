# Multi-stage build: compile with Maven, run on a JRE as a non-root user.
# Build: docker build -t sluice .    Run: docker run -p 8000:8000 -p 8001:8001 sluice
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY proto proto
COPY runtime runtime
COPY canary canary
COPY gateway gateway
COPY benchmarks benchmarks
COPY models models
RUN mvn -B -q package -DskipTests

# ONNX Runtime's native library needs glibc: a Debian/Ubuntu-based JRE, not Alpine.
FROM eclipse-temurin:17-jre
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /opt/sluice sluice
WORKDIR /opt/sluice
COPY --from=build /src/gateway/target/sluice.jar /opt/sluice/sluice.jar
COPY --from=build /src/models /models
USER 10001
EXPOSE 8000 8001
# Plain HTTP, or HTTPS when the server runs with --tls-cert (-k: the probe checks readiness, not the certificate).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/v2/health/ready || curl -fsSk https://127.0.0.1:8000/v2/health/ready || exit 1
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/sluice/sluice.jar"]
CMD ["serve", "--model-repository", "/models"]

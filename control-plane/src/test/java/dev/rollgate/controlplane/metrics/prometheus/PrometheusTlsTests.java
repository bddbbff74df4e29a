package dev.rollgate.controlplane.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.rollgate.controlplane.metrics.prometheus.PrometheusProperties.Endpoint;

/** TLS trust per endpoint, against a Prometheus stand-in serving a certificate made with the JDK's keytool. */
class PrometheusTlsTests {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;

    private static Path localhostCa;
    private static SSLSocketFactory localhost;
    private static SSLSocketFactory elsewhere;

    @BeforeAll
    static void certificates() throws Exception {
        localhost = serverCertificate("localhost", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        localhostCa = dir.resolve("localhost.pem");
        elsewhere = serverCertificate("elsewhere", "CN=prometheus.elsewhere.example", null);
    }

    private static SSLSocketFactory serverCertificate(String name, String dname, String san) throws Exception {
        Path store = dir.resolve(name + ".p12");
        List<String> generate = new ArrayList<>(List.of(keytool(), "-genkeypair", "-alias", name, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", dname, "-validity", "2", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (san != null) {
            generate.addAll(List.of("-ext", san));
        }
        run(generate);
        run(List.of(keytool(), "-exportcert", "-rfc", "-alias", name, "-keystore", store.toString(), "-storepass",
                PASSWORD, "-file", dir.resolve(name + ".pem").toString()));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context.getSocketFactory();
    }

    private static String keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    private static Health health(String url, boolean insecure, Path caFile) {
        Endpoint endpoint = new Endpoint(url, Duration.ofSeconds(5), null, null, null, insecure,
                caFile == null ? null : caFile.toString());
        PrometheusClient client = new PrometheusEnvironments(new PrometheusProperties(Map.of("default", endpoint),
                Map.of())).clients().get("default");
        return PrometheusHealthIndicator.check(client).block(Duration.ofSeconds(10));
    }

    private static String localUrl(FakePrometheus prometheus) {
        return prometheus.url().replace("127.0.0.1", "localhost");
    }

    @Test
    void aServerSignedByTheConfiguredCaIsTrusted() throws Exception {
        try (FakePrometheus prometheus = new FakePrometheus(localhost)) {
            prometheus.otherwise(FakePrometheus.file(200, "buildinfo.json"));

            assertThat(health(localUrl(prometheus), false, localhostCa).getStatus()).isEqualTo(Status.UP);
        }
    }

    @Test
    void anUnknownCertificateIsRefused() throws Exception {
        try (FakePrometheus prometheus = new FakePrometheus(localhost)) {
            prometheus.otherwise(FakePrometheus.file(200, "buildinfo.json"));

            Health health = health(localUrl(prometheus), false, null);

            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("error"))
                    .contains("cannot reach it", "unable to find valid certification path");
            assertThat(prometheus.requests()).isEmpty();
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
        try (FakePrometheus prometheus = new FakePrometheus(elsewhere)) {
            prometheus.otherwise(FakePrometheus.file(200, "buildinfo.json"));

            Health health = health(localUrl(prometheus), false, dir.resolve("elsewhere.pem"));

            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("error")).contains("No name matching localhost");
            assertThat(prometheus.requests()).isEmpty();
        }
    }

    @Test
    void insecureSkipTlsVerifyAcceptsAnyCertificateAndHost() throws Exception {
        try (FakePrometheus prometheus = new FakePrometheus(elsewhere)) {
            prometheus.otherwise(FakePrometheus.file(200, "buildinfo.json"));

            assertThat(health(localUrl(prometheus), true, null).getStatus()).isEqualTo(Status.UP);
        }
    }
}

package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.rollgate.controlplane.release.port.AdapterException;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What the engine is told when an API call fails: the exceptions come from a real fabric8 client against a port
 * nothing listens on, and against a server that takes the connection and then says nothing or hangs up.
 */
class KubernetesErrorsTests {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void aRefusedConnectionSaysTheApiServerDidNotAnswerAndWhere() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        AdapterException mapped = KubernetesErrors.map(readDeployment(closed, 5_000), "apply web-canary");

        assertThat(mapped.permanent()).isFalse();
        assertThat(mapped.getMessage()).isEqualTo("apply web-canary: the API server did not answer: Connection"
                + " refused: /127.0.0.1:" + closed);
    }

    @Test
    void aConnectionCutBeforeTheAnswerSaysTheApiServerDidNotAnswer() throws IOException {
        ServerSocket server = listener();
        daemon(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[1024]);
                } catch (IOException e) {
                    // The listener was closed at the end of the test.
                }
            }
        });

        AdapterException mapped = KubernetesErrors.map(readDeployment(server.getLocalPort(), 5_000),
                "apply web-canary");

        assertThat(mapped.permanent()).isFalse();
        assertThat(mapped.getMessage()).isEqualTo("apply web-canary: the API server did not answer: Connection was"
                + " closed");
    }

    @Test
    void anApiServerThatHangsSaysItDidNotAnswerInTime() throws IOException {
        ServerSocket server = listener();
        List<Socket> held = new ArrayList<>();
        daemon(() -> {
            while (!server.isClosed()) {
                try {
                    held.add(server.accept());
                } catch (IOException e) {
                    // The listener was closed at the end of the test.
                }
            }
        });

        AdapterException mapped = KubernetesErrors.map(readDeployment(server.getLocalPort(), 300), "read web");

        assertThat(mapped.permanent()).isFalse();
        assertThat(mapped.getMessage()).startsWith("read web: the API server did not answer: ")
                .contains("timeout period of 300ms");
    }

    @Test
    void aRefusalCarriesTheApiServersCodeAndMessageAndIsPermanent() {
        String message = "deployments.apps \"web-canary\" is forbidden: User \"system:serviceaccount:rollgate:rollgate\""
                + " cannot update resource \"deployments\" in API group \"apps\" in the namespace \"video\"";
        KubernetesClientException forbidden = new KubernetesClientException(new StatusBuilder().withCode(403)
                .withReason("Forbidden").withMessage(message).build());

        AdapterException mapped = KubernetesErrors.map(forbidden, "apply web-canary");

        assertThat(mapped.permanent()).isTrue();
        assertThat(mapped.getMessage()).isEqualTo("apply web-canary: HTTP 403 " + message);
    }

    @Test
    void aTimeoutWithoutAMessageSaysTheApiServerDidNotAnswerInTime() {
        // What the Vert.x client throws when a connection closes as the request timeout fires: null, then null.
        KubernetesClientException e = new KubernetesClientException((String) null, new TimeoutException());

        AdapterException mapped = KubernetesErrors.map(e, "read VirtualService web");

        assertThat(mapped.permanent()).isFalse();
        assertThat(mapped.getMessage()).isEqualTo("read VirtualService web: the API server did not answer in time");
    }

    @Test
    void aCallCancelledWhileWaitingIsNotBlamedOnTheApiServer() {
        // An informer's first list waited on by a tick that timed out: fabric8 launders the interrupt.
        KubernetesClientException e = new KubernetesClientException("An error has occurred.",
                new InterruptedException());

        AdapterException mapped = KubernetesErrors.map(e, "watch pods in video");

        assertThat(mapped.permanent()).isFalse();
        assertThat(mapped.getMessage())
                .isEqualTo("watch pods in video: gave up waiting for the API server (the call was cancelled)");
    }

    @Test
    void causesWithoutMessagesAreNamedRatherThanPrintedAsNull() {
        // As the JDK client's closed channel arrives: no message on the way down.
        KubernetesClientException e = new KubernetesClientException("An error has occurred.",
                new IOException((String) null, new ClosedChannelException()));

        AdapterException mapped = KubernetesErrors.map(e, "scale to zero web-canary");

        assertThat(mapped.permanent()).isFalse();
        assertThat(mapped.getMessage()).isEqualTo("scale to zero web-canary: the API server did not answer:"
                + " IOException (ClosedChannelException)");
    }

    private Throwable readDeployment(int port, int requestTimeoutMillis) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + port)
                .withRequestRetryBackoffLimit(0).withRequestTimeout(requestTimeoutMillis).build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        open.add(client);
        Throwable thrown = catchThrowable(() -> client.apps().deployments().inNamespace("video").withName("web-canary")
                .get());
        assertThat(thrown).isInstanceOf(KubernetesClientException.class);
        return thrown;
    }

    private ServerSocket listener() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(server);
        return server;
    }

    private static void daemon(Runnable body) {
        Thread t = new Thread(body, "kubernetes-errors-test-server");
        t.setDaemon(true);
        t.start();
    }
}

package dev.rollgate.controlplane.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/**
 * The real engine (ReleaseService, reconciler, PostgreSQL database {@code rollgate_test_k8s}) on the real Kubernetes
 * platform, against the JVM's {@link MockCluster} with its simulated controller; only the metrics are scripted
 * ({@link ScriptedReadings}). Environments {@code k8s-canary}, {@code k8s-bluegreen}, {@code k8s-rolling},
 * {@code k8s-unrouted} and applications {@code k8s-a} … {@code k8s-l} are in {@code application-k8stest.yml}.
 * One shared context and cluster: give each test class its own applications, clear the simulator's faults.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("k8stest")
@Import({KubernetesTestCluster.class, CleanDatabase.class})
public @interface KubernetesEngineTest {
}

package dev.rollgate.controlplane.platform.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;

/**
 * Starts video-api processes from an argument list (never a shell), with a clean environment: the release's config
 * entries plus the settings Rollgate controls, and none of Rollgate's own variables (its secrets stay here).
 */
@Component
class ProcessLauncher {

    private static final Logger log = LoggerFactory.getLogger(ProcessLauncher.class);
    /** Rollgate owns these; a release's config may not override them. */
    static final List<String> RESERVED = List.of("APP_VERSION", "PORT", "SERVER_ADDRESS", "DB_HOST", "DB_PORT",
            "DB_NAME", "DB_USER", "DB_PASSWORD");

    private final LocalProperties properties;
    private final LocalDatabases databases;
    private final PidFiles pidFiles;
    private final Clock clock;

    ProcessLauncher(LocalProperties properties, LocalDatabases databases, PidFiles pidFiles, Clock clock) {
        this.properties = properties;
        this.databases = databases;
        this.pidFiles = pidFiles;
        this.clock = clock;
    }

    /** Blocking: creates the database if needed and spawns the process; readiness is checked by the caller. */
    ManagedProcess launch(Target target, Track track, Revision revision) throws IOException {
        Path jar = pidFiles.snapshot(jar());
        String database = databases.ensure(target.environment());
        int port = freePort();
        Path logFile = pidFiles.logFile(target, track, revision.version(), port);
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(properties.jvmOptions());
        command.add("-D" + PidFiles.OWNER_PROPERTY + "=" + pidFiles.owner());
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        env.put("PATH", path == null ? "/usr/bin:/bin" : path);
        revision.config().forEach((k, v) -> {
            if (!RESERVED.contains(k)) {
                env.put(k, v);
            }
        });
        env.put("APP_VERSION", revision.version());
        env.put("PORT", Integer.toString(port));
        env.put("SERVER_ADDRESS", "127.0.0.1");
        LocalProperties.Database db = databases.settings();
        env.put("DB_HOST", db.host());
        env.put("DB_PORT", Integer.toString(db.port()));
        env.put("DB_NAME", database);
        env.put("DB_USER", db.user());
        env.put("DB_PASSWORD", db.password());
        Process process = builder.start();
        ManagedProcess managed = new ManagedProcess(target, track, revision, port, process, process.toHandle(), logFile,
                pidFiles.pidFile(target, track, port), clock.instant());
        pidFiles.write(managed);
        log.info("started {} ({} {})", managed.describe(), jar.getFileName(), logFile);
        return managed;
    }

    Path jar() {
        List<Path> candidates = properties.jar() != null && !properties.jar().isBlank()
                ? List.of(Path.of(properties.jar()))
                : List.of(Path.of("video-api/target/video-api.jar"), Path.of("../video-api/target/video-api.jar"));
        return candidates.stream().filter(Files::isRegularFile).findFirst().map(Path::toAbsolutePath)
                .orElseThrow(() -> new IllegalStateException("video-api jar not found at " + candidates
                        + "; build it with ./mvnw -B -DskipTests package, or set rollgate.local.jar"));
    }

    private String javaBinary() {
        if (properties.java() != null && !properties.java().isBlank()) {
            return properties.java();
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}

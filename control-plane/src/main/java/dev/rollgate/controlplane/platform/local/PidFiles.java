package dev.rollgate.controlplane.platform.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;
import tools.jackson.databind.json.JsonMapper;

/** What we started, on disk, so a Rollgate that died without cleaning up can adopt or stop its processes. */
@Component
class PidFiles {

    static final String OWNER_PROPERTY = "rollgate.owner";
    private static final Logger log = LoggerFactory.getLogger(PidFiles.class);

    private final Path run;
    private final Path logs;
    private final JsonMapper json;

    PidFiles(LocalProperties properties, JsonMapper json) {
        Path state = Path.of(properties.stateDir()).toAbsolutePath().normalize();
        this.run = state.resolve("run");
        this.logs = state.resolve("logs");
        this.json = json;
        try {
            Files.createDirectories(run);
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + state, e);
        }
    }

    /**
     * A private copy of the jar per build: a running JVM reads classes from its jar lazily, so rebuilding the
     * jar in place (./mvnw package while Rollgate runs) would crash every process started from it.
     */
    synchronized Path snapshot(Path jar) throws IOException {
        Path artifacts = run.getParent().resolve("artifacts");
        Files.createDirectories(artifacts);
        String name = jar.getFileName().toString().replaceFirst("\\.jar$", "") + "-" + Files.size(jar) + "-"
                + Files.getLastModifiedTime(jar).toMillis() + ".jar";
        Path copy = artifacts.resolve(name);
        if (!Files.exists(copy)) {
            Path partial = Files.createTempFile(artifacts, name, ".part");
            Files.copy(jar, partial, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return copy;
    }

    /** Marks child JVMs as ours, so leftovers can be found even without their pid file. */
    String owner() {
        return run.getParent().toString();
    }

    Path pidFile(Target target, Track track, int port) {
        return run.resolve(target.application() + "_" + target.environment() + "_" + track.id() + "_" + port + ".json");
    }

    Path logFile(Target target, Track track, String version, int port) {
        return logs.resolve(target.application() + "_" + target.environment() + "_" + track.id() + "_" + version
                + "_" + port + ".log");
    }

    record Entry(String application, String environment, String namespace, String track, int port, long pid,
                 Instant processStart, String version, String image, Map<String, String> config, String log) {
    }

    void write(ManagedProcess p) {
        Entry entry = new Entry(p.target.application(), p.target.environment(), p.target.namespace(), p.track.name(),
                p.port, p.handle.pid(), p.handle.info().startInstant().orElse(null), p.revision.version(),
                p.revision.image(), p.revision.config(), p.log.toString());
        try {
            Files.writeString(p.pidFile, json.writeValueAsString(entry));
        } catch (IOException e) {
            log.warn("cannot write pid file {}: {}", p.pidFile, e.toString());
        }
    }

    /** Processes recorded by an earlier run that are still the same processes (pid reuse is checked). */
    List<ManagedProcess> leftovers() {
        List<ManagedProcess> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(run)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                read(file).ifPresentOrElse(found::add, () -> delete(file));
            }
        } catch (IOException e) {
            log.warn("cannot read {}: {}", run, e.toString());
        }
        return found;
    }

    private Optional<ManagedProcess> read(Path file) {
        try {
            Entry e = json.readValue(Files.readString(file), Entry.class);
            Optional<ProcessHandle> handle = ProcessHandle.of(e.pid()).filter(ProcessHandle::isAlive)
                    .filter(h -> e.processStart() == null || h.info().startInstant().map(e.processStart()::equals)
                            .orElse(false));
            return handle.map(h -> new ManagedProcess(new Target(e.application(), e.environment(), e.namespace()),
                    Track.valueOf(e.track()), new Revision(e.version(), e.image(), e.config()), e.port(), null, h,
                    Path.of(e.log()), file, e.processStart()));
        } catch (RuntimeException | IOException ex) {
            log.warn("ignoring unreadable pid file {}: {}", file, ex.toString());
            return Optional.empty();
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Tried again at the next start.
        }
    }
}

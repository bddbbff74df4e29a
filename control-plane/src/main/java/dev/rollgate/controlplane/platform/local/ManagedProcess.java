package dev.rollgate.controlplane.platform.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import dev.rollgate.controlplane.release.port.Target;
import dev.rollgate.controlplane.release.Revision;
import dev.rollgate.controlplane.release.Track;

/** One video-api process: started by us, or adopted from a previous run through its pid file. */
final class ManagedProcess {

    final Target target;
    final Track track;
    final Revision revision;
    final int port;
    final ProcessHandle handle;
    /** Null for a process adopted from an earlier run: only its handle survives. */
    private final Process process;
    final Path log;
    final Path pidFile;
    final Instant started;
    private volatile boolean ready;
    private volatile boolean stopping;

    ManagedProcess(Target target, Track track, Revision revision, int port, Process process, ProcessHandle handle,
                   Path log, Path pidFile, Instant started) {
        this.process = process;
        this.target = target;
        this.track = track;
        this.revision = revision;
        this.port = port;
        this.handle = handle;
        this.log = log;
        this.pidFile = pidFile;
        this.started = started;
    }

    java.util.Optional<Integer> exitCode() {
        return process == null || process.isAlive() ? java.util.Optional.empty()
                : java.util.Optional.of(process.exitValue());
    }

    boolean alive() {
        return handle.isAlive();
    }

    boolean ready() {
        return ready && alive() && !stopping;
    }

    void markReady() {
        ready = true;
    }

    boolean stopping() {
        return stopping;
    }

    String describe() {
        return target.key() + "/" + track.id() + " " + revision.version() + " (pid " + handle.pid() + ", port " + port + ")";
    }

    /** SIGTERM to the process and its children, a bounded drain, then SIGKILL. Blocking. */
    void stop(Duration timeout) {
        stopping = true;
        var children = handle.descendants().toList();
        handle.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            handle.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The kernel will reap it; nothing more we can do from here.
        }
        try {
            java.nio.file.Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // A stale pid file is found and cleaned at the next start.
        }
    }

    /** The last lines of the process's output, for the event that explains why it failed. */
    String lastLines(int lines) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(0, length - 8192);
            file.seek(from);
            byte[] tail = new byte[(int) (length - from)];
            file.readFully(tail);
            String[] all = new String(tail, StandardCharsets.UTF_8).split("\n");
            int start = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.copyOfRange(all, start, all.length)).strip();
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}

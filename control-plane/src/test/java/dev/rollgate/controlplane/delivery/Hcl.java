package dev.rollgate.controlplane.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HCL files as JSON through npm's @cdktf/hcl2json (HashiCorp's parser compiled to WebAssembly), run by node. */
final class Hcl {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    // Prints {"<file name>": <json>} for every path given, or the parser's error and exit code 1.
    private static final String SCRIPT = """
            const { parse } = require('@cdktf/hcl2json');
            const fs = require('fs'), path = require('path');
            (async () => {
              const out = {};
              for (const f of process.argv.slice(1)) {
                try { out[path.basename(f)] = await parse(f, fs.readFileSync(f, 'utf8')); }
                catch (e) { console.error(f + ': ' + (e.message || e)); process.exit(1); }
              }
              process.stdout.write(JSON.stringify(out));
            })();
            """;

    private Hcl() {
    }

    /** Every {@code *.tf} file of {@code module}, by file name; fails on the first file HCL refuses. */
    static Map<String, JsonNode> parse(Path module) throws IOException, InterruptedException {
        String nodePath = npmRoot();
        List<String> tf;
        try (Stream<Path> files = Files.list(module)) {
            tf = files.filter(p -> p.toString().endsWith(".tf")).map(Path::toString).sorted().toList();
        }
        if (tf.isEmpty()) {
            throw new AssertionError("no .tf files in " + module.toAbsolutePath().normalize());
        }
        List<String> command = new java.util.ArrayList<>(List.of("node", "-e", SCRIPT));
        command.addAll(tf);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("NODE_PATH", nodePath);
        Process node = pb.start();
        var stdout = node.getInputStream().readAllBytes();
        String stderr = new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(60, TimeUnit.SECONDS) || node.exitValue() != 0) {
            throw new AssertionError("hcl2json refused the module: " + stderr);
        }
        Map<String, JsonNode> parsed = new TreeMap<>();
        JSON.readTree(stdout).properties().forEach(e -> parsed.put(e.getKey(), e.getValue()));
        return parsed;
    }

    /** Where npm keeps global packages, after checking hcl2json is there; CI must have it (.ci/run installs it). */
    private static String npmRoot() throws IOException, InterruptedException {
        String root;
        try {
            Process npm = new ProcessBuilder("npm", "root", "-g").redirectErrorStream(true).start();
            root = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            npm.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            root = "";
        }
        boolean present = !root.isEmpty() && Files.isDirectory(Path.of(root, "@cdktf", "hcl2json"));
        String install = "npm install -g @cdktf/hcl2json (.ci/run does)";
        if (System.getenv("CI") != null && !present) {
            throw new AssertionError("hcl2json is missing: " + install);
        }
        Assumptions.assumeTrue(present, "hcl2json is not installed: " + install);
        return root;
    }
}

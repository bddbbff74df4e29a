package dev.rollgate.controlplane.release;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.rollgate.controlplane.analysis.Measurement;
import dev.rollgate.controlplane.analysis.Verdict;

/**
 * Why a step paused without a verdict, and what would unblock it. Pure: the platform's own remedy (e.g. the local
 * platform's synthetic load) arrives on the measurements, so the machine names it without knowing any platform.
 */
final class InsufficientData {

    private InsufficientData() {
    }

    static String reason(Release release, List<Measurement> unsure) {
        List<String> seen = new ArrayList<>();
        Set<String> settings = new LinkedHashSet<>();
        String platformRemedy = null;
        for (Measurement m : unsure) {
            if (!m.tooFewSamples()) {
                seen.add(m.describe() + (m.total() > 0 && m.verdict() == Verdict.INCONCLUSIVE && m.minSample() > 0
                        ? ": above the threshold, not yet significant" : ""));
                continue;
            }
            seen.add(m.gate().id() + " saw " + m.total() + " " + m.gate().samples() + (m.window() == null ? ""
                    : " in the last " + seconds(m.window())) + ", needs " + m.minSample());
            if (m.gate().minSampleSetting() != null) {
                settings.add(m.gate().minSampleSetting() + " (now " + m.minSample() + ")");
            }
            if (platformRemedy == null) {
                platformRemedy = m.moreTraffic();
            }
        }
        if (seen.isEmpty()) {
            seen.add("no gate gave a reading");
        }
        String at = "at " + release.weight() + " % of traffic on " + release.version();
        String why = "insufficient data " + at + ": " + String.join("; ", seen);
        if (settings.isEmpty()) {
            return why;
        }
        List<String> remedies = new ArrayList<>();
        remedies.add("send more traffic to " + release.application() + " in " + release.environment());
        remedies.add("lower " + String.join(" or ", settings.stream()
                .map(s -> "rollgate.environments." + release.environment() + ".analysis." + s).toList()));
        if (platformRemedy != null) {
            remedies.add(platformRemedy);
        }
        String last = remedies.remove(remedies.size() - 1);
        return why + ". To unblock: " + String.join(", ", remedies) + " or " + last + "; then resume the release";
    }

    /** The figures behind the reason, for the event's data: what each starved gate saw and needed. */
    static Map<String, Object> data(Release release, List<Measurement> unsure) {
        List<Map<String, Object>> gates = new ArrayList<>();
        for (Measurement m : unsure) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("gate", m.gate().id());
            g.put("seen", m.total());
            g.put("needed", m.minSample());
            gates.add(g);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("weight", release.weight());
        data.put("gates", gates);
        return data;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}

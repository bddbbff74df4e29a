package dev.rollgate.controlplane.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class OverwrittenChangesTests {

    private final OverwrittenChanges changes = new OverwrittenChanges();

    @Test
    void aChangeOverwrittenUnseenIsReportedByTheNextLookOnly() {
        changes.overwrote("ns/app", "7", Optional.of("had 100/0"));

        assertThat(changes.report("ns/app", "8", Optional.empty())).contains("had 100/0");
        assertThat(changes.report("ns/app", "8", Optional.empty())).isEmpty();
    }

    @Test
    void aChangeAlreadyReportedFromTheSameVersionIsNotReportedAgainWhenOverwritten() {
        assertThat(changes.report("ns/app", "7", Optional.of("had 100/0"))).contains("had 100/0");

        changes.overwrote("ns/app", "7", Optional.of("had 100/0"));

        assertThat(changes.report("ns/app", "8", Optional.empty())).isEmpty();
    }

    @Test
    void anOverwriteOfRollgatesOwnWriteIsNothingToReport() {
        changes.overwrote("ns/app", "7", Optional.empty());

        assertThat(changes.report("ns/app", "8", Optional.empty())).isEmpty();
    }

    @Test
    void anOverwrittenChangeAndAnotherSeenNowAreBothReportedInOrder() {
        changes.overwrote("ns/app", "7", Optional.of("had 100/0"));

        assertThat(changes.report("ns/app", "9", Optional.of("had 0/100")))
                .contains("had 100/0; then had 0/100");
    }

    @Test
    void targetsAreKeptApart() {
        changes.overwrote("ns/app", "7", Optional.of("had 100/0"));

        assertThat(changes.report("ns/other", "3", Optional.empty())).isEmpty();
        assertThat(changes.report("ns/app", "8", Optional.empty())).contains("had 100/0");
    }

    @Test
    void theSameVersionSeenAgainIsNotReportedTwice() {
        assertThat(changes.report("ns/app", "7", Optional.of("had 100/0"))).contains("had 100/0");

        assertThat(changes.report("ns/app", "7", Optional.of("had 100/0"))).isEmpty();
        assertThat(changes.report("ns/app", "9", Optional.of("had 0/100"))).contains("had 0/100");
    }

    @Test
    void anOverwrittenChangeStillShownByALaggingLookIsReportedOnce() {
        changes.overwrote("ns/app", "7", Optional.of("had 100/0"));

        assertThat(changes.report("ns/app", "7", Optional.of("had 100/0"))).contains("had 100/0");
        assertThat(changes.report("ns/app", "7", Optional.of("had 100/0"))).isEmpty();
    }
}

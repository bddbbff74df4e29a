package dev.rollgate.controlplane.insights;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Service;

import dev.rollgate.controlplane.policy.Policies;
import dev.rollgate.controlplane.release.ReleaseProblem;
import dev.rollgate.controlplane.release.ReleaseProblem.FieldProblem;
import reactor.core.publisher.Mono;

/**
 * The delivery figures of one application × environment between two UTC dates, both included. Without dates the
 * period is the last four whole weeks up to today. Refusals are {@link ReleaseProblem}s, so the API answers them as
 * problem details and the console shows their message.
 */
@Service
public class DoraFigures {

    static final int DEFAULT_DAYS = 28;
    static final int MAX_DAYS = 366;

    private final Policies policies;
    private final DeliveryHistory history;
    private final Clock clock;

    public DoraFigures(Policies policies, DeliveryHistory history, Clock clock) {
        this.policies = policies;
        this.history = history;
        this.clock = clock;
    }

    public record Period(LocalDate from, LocalDate to) {
    }

    public Mono<Dora.Report> report(String application, String environment, String from, String to) {
        List<FieldProblem> problems = new ArrayList<>();
        if (application == null || application.isBlank() || policies.application(application).isEmpty()) {
            problems.add(new FieldProblem("application", policies.unknownApplication(String.valueOf(application))));
        }
        if (environment == null || environment.isBlank() || policies.environment(environment).isEmpty()) {
            problems.add(new FieldProblem("environment", policies.unknownEnvironment(String.valueOf(environment))));
        }
        Period period = null;
        try {
            period = period(from, to);
        } catch (ReleaseProblem p) {
            problems.addAll(p.fields());
        }
        if (!problems.isEmpty()) {
            return Mono.error(ReleaseProblem.invalid(problems));
        }
        var start = period.from().atStartOfDay(ZoneOffset.UTC).toInstant();
        var end = period.to().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return history.ended(application, environment, start, end).map(ended -> Dora.compute(ended, start, end));
    }

    /** Reads the dates; an absent {@code to} is today, an absent {@code from} four weeks before {@code to}. */
    public Period period(String from, String to) {
        List<FieldProblem> problems = new ArrayList<>();
        LocalDate end = date("to", to, problems);
        LocalDate start = date("from", from, problems);
        if (!problems.isEmpty()) {
            throw ReleaseProblem.invalid(problems);
        }
        end = end != null ? end : LocalDate.now(clock.withZone(ZoneOffset.UTC));
        start = start != null ? start : end.minusDays(DEFAULT_DAYS - 1);
        if (start.isAfter(end)) {
            throw ReleaseProblem.invalid(List.of(new FieldProblem("from", "must not be after to (" + start + " > "
                    + end + ")")));
        }
        if (start.plusDays(MAX_DAYS).isBefore(end.plusDays(1))) {
            throw ReleaseProblem.invalid(List.of(new FieldProblem("from", "the period may span at most " + MAX_DAYS
                    + " days")));
        }
        return new Period(start, end);
    }

    private static LocalDate date(String field, String text, List<FieldProblem> problems) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            problems.add(new FieldProblem(field, "must be a date as YYYY-MM-DD (UTC); got '" + text + "'"));
            return null;
        }
    }
}

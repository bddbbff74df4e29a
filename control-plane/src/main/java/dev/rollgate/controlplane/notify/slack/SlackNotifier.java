package dev.rollgate.controlplane.notify.slack;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rollgate.controlplane.release.port.Notifier;
import dev.rollgate.controlplane.notify.slack.SlackCalls.Posted;
import dev.rollgate.controlplane.notify.slack.SlackMessages.Message;
import dev.rollgate.controlplane.release.Release;
import dev.rollgate.controlplane.release.ReleaseEvent;
import reactor.core.publisher.Mono;

/**
 * One Slack message per release in its environment's channel, rewritten as the release moves, with a thread reply
 * per event. Deliveries for one release are queued behind each other (the first post must have its ts before
 * anything can update it or reply to it, and a thread read out of order is wrong); releases do not wait for each
 * other. {@link #publish} only enqueues, so however slow or broken Slack is, the engine never waits for it.
 */
public class SlackNotifier implements Notifier {

    private static final Logger log = LoggerFactory.getLogger(SlackNotifier.class);

    private final SlackCalls slack;
    private final SlackMessages messages;
    private final SlackMessageRepository store;
    private final SlackProperties properties;
    private final Map<UUID, CompletableFuture<Void>> queues = new ConcurrentHashMap<>();
    /** What each release's message shows now, so an event that changes nothing on it costs no chat.update. */
    private final Map<UUID, Message> shown = new ConcurrentHashMap<>();

    public SlackNotifier(SlackCalls slack, SlackMessages messages, SlackMessageRepository store,
                         SlackProperties properties) {
        this.slack = slack;
        this.messages = messages;
        this.store = store;
        this.properties = properties;
    }

    @Override
    public Mono<Void> publish(Release release, ReleaseEvent event) {
        Optional<String> channel = properties.channel(release.environment());
        if (channel.isEmpty()) {
            return Mono.empty();
        }
        return Mono.fromRunnable(() -> enqueue(release.id(), () -> deliver(channel.get(), release, event)));
    }

    private void enqueue(UUID id, Supplier<Mono<Void>> delivery) {
        CompletableFuture<Void> tail = queues.compute(id, (key, previous) ->
                (previous == null ? CompletableFuture.<Void>completedFuture(null) : previous)
                        .thenCompose(ignored -> delivery.get().onErrorResume(e -> Mono.empty()).toFuture()));
        // An idle release keeps no queue; only the tail itself may be removed, not a newer one.
        tail.whenComplete((ignored, error) -> queues.remove(id, tail));
    }

    private Mono<Void> deliver(String channel, Release release, ReleaseEvent event) {
        Message main = messages.release(release);
        String reply = messages.reply(release, event);
        return root(channel, release, main)
                .flatMap(root -> (root.fresh() ? Mono.<Void>empty() : update(root.posted(), release, main))
                        .then(reply == null ? Mono.<Void>empty()
                                : slack.post(root.posted().channel(), root.posted().ts(), reply, null).then()
                                .onErrorResume(e -> warn("thread reply", release, event, e))))
                .onErrorResume(e -> warn("message", release, event, e))
                .doFinally(signal -> {
                    if (release.state().terminal()) {
                        shown.remove(release.id());
                    }
                });
    }

    private record Root(Posted posted, boolean fresh) {
    }

    /** The release's message: known here, known to the database (another replica or an earlier run), or new. */
    private Mono<Root> root(String channel, Release release, Message main) {
        return store.find(release.id()).map(p -> new Root(p, false))
                .switchIfEmpty(Mono.defer(() -> slack.post(channel, null, main.text(), main.blocks())
                        .flatMap(p -> store.save(release.id(), p).thenReturn(new Root(p, true)))
                        .doOnNext(r -> shown.put(release.id(), main))));
    }

    private Mono<Void> update(Posted posted, Release release, Message main) {
        if (main.equals(shown.get(release.id()))) {
            return Mono.empty();
        }
        return slack.update(posted.channel(), posted.ts(), main.text(), main.blocks())
                .doOnSuccess(ignored -> shown.put(release.id(), main))
                .onErrorResume(e -> warn("update", release, null, e));
    }

    private static Mono<Void> warn(String what, Release release, ReleaseEvent event, Throwable e) {
        log.warn("slack {} for release {}{} not delivered: {}", what, release.id(),
                event == null ? "" : " (" + event.type() + ")", SlackCalls.describe(e));
        return Mono.empty();
    }
}

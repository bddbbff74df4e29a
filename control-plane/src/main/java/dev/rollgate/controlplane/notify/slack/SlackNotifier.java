package dev.rollgate.controlplane.notify.slack;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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
 * per event. The outbox hands this notifier one event at a time per release, in order, so the first post has its
 * ts before anything updates it or replies to it. A failure Slack may get over (network, 5xx, rate limit, after
 * {@link SlackCalls}' own retries) fails the delivery so the outbox tries the event again later; an {@code ok:false}
 * refusal would get the same answer again, so it is logged and the event counts as delivered.
 */
public class SlackNotifier implements Notifier {

    private static final Logger log = LoggerFactory.getLogger(SlackNotifier.class);
    /** Releases whose shown message is remembered; one that ends on another replica is forgotten by age. */
    static final int SHOWN_LIMIT = 256;

    private final SlackCalls slack;
    private final SlackMessages messages;
    private final SlackMessageRepository store;
    private final SlackProperties properties;
    /** What each release's message shows now, so an event that changes nothing on it costs no chat.update. */
    private final Map<UUID, Message> shown = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, Message> eldest) {
                    return size() > SHOWN_LIMIT;
                }
            });

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
        return Mono.defer(() -> deliver(channel.get(), release, event));
    }

    /** How many releases' shown messages are remembered (bounded, whatever path a release ends by). */
    int remembered() {
        return shown.size();
    }

    private Mono<Void> deliver(String channel, Release release, ReleaseEvent event) {
        Message main = messages.release(release);
        String reply = messages.reply(release, event);
        return root(channel, release, main)
                .flatMap(root -> (root.fresh() ? Mono.<Void>empty() : update(root.posted(), release, main))
                        .then(reply == null ? Mono.<Void>empty()
                                : slack.post(root.posted().channel(), root.posted().ts(), reply, null).then()
                                .onErrorResume(SlackNotifier::final_, e -> refused("thread reply", release, event, e))))
                .onErrorResume(SlackNotifier::final_, e -> refused("message", release, event, e))
                .doOnSuccess(ignored -> {
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
                        // Posted is posted: a failed save must not fail the delivery, whose retry would post again.
                        .flatMap(p -> store.save(release.id(), p)
                                .onErrorResume(e -> {
                                    log.warn("Slack message {} of release {} posted but not stored: {}", p.ts(),
                                            release.id(), e.toString());
                                    return Mono.empty();
                                })
                                .thenReturn(new Root(p, true)))
                        .doOnNext(r -> shown.put(release.id(), main))));
    }

    private Mono<Void> update(Posted posted, Release release, Message main) {
        if (main.equals(shown.get(release.id()))) {
            return Mono.empty();
        }
        return slack.update(posted.channel(), posted.ts(), main.text(), main.blocks())
                .doOnSuccess(ignored -> shown.put(release.id(), main))
                .onErrorResume(SlackNotifier::final_, e -> refused("update", release, null, e));
    }

    /** A refusal asking again would not change; a rate limit that outlasted SlackCalls' retries is not one. */
    private static boolean final_(Throwable e) {
        return e instanceof SlackCalls.Refused refused && !"ratelimited".equals(refused.error());
    }

    private static Mono<Void> refused(String what, Release release, ReleaseEvent event, Throwable e) {
        log.warn("slack {} for release {}{} refused, not retried: {}", what, release.id(),
                event == null ? "" : " (" + event.type() + ")", SlackCalls.describe(e));
        return Mono.empty();
    }
}

package dev.rollgate.videoapi.catalog;

import java.time.Clock;
import java.time.temporal.ChronoUnit;

import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;

import reactor.core.publisher.Mono;

@Service
class VideoCatalog {

    // Paging by offset is only stable with a total order; id is unique and never reused.
    private static final Sort STABLE_ORDER = Sort.by(Sort.Direction.ASC, "id");

    private final VideoRepository videos;
    private final Clock clock;

    VideoCatalog(VideoRepository videos) {
        this.videos = videos;
        this.clock = Clock.systemUTC();
    }

    Mono<VideoPage> page(int page, int size) {
        return videos.findAllBy(PageRequest.of(page, size, STABLE_ORDER))
                .collectList()
                .zipWith(videos.count(), (items, total) -> new VideoPage(items, page, size, total));
    }

    Mono<Video> find(long id) {
        return videos.findById(id).switchIfEmpty(Mono.error(() -> new VideoNotFoundException(id)));
    }

    Mono<Video> add(NewVideo request) {
        // Truncated to PostgreSQL's precision so the 201 body equals what a later GET returns.
        var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return videos.save(new Video(null, request.title(), request.durationSeconds(), request.description(), now, null));
    }
}

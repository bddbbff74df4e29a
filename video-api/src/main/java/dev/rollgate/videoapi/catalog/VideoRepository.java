package dev.rollgate.videoapi.catalog;

import org.springframework.data.domain.Pageable;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;

import reactor.core.publisher.Flux;

interface VideoRepository extends ReactiveCrudRepository<Video, Long> {

    Flux<Video> findAllBy(Pageable pageable);
}

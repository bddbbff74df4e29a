package dev.rollgate.videoapi.catalog;

import java.net.URI;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/videos")
class VideoController {

    private final VideoCatalog catalog;

    VideoController(VideoCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping
    Mono<VideoPage> list(@RequestParam(defaultValue = "0") @Min(value = 0, message = "must be 0 or greater") int page,
                         @RequestParam(defaultValue = "20") @Min(value = 1, message = "must be between 1 and 100")
                         @Max(value = 100, message = "must be between 1 and 100") int size) {
        return catalog.page(page, size);
    }

    @GetMapping("/{id}")
    Mono<Video> get(@PathVariable long id) {
        return catalog.find(id);
    }

    @PostMapping
    Mono<ResponseEntity<Video>> create(@Valid @RequestBody NewVideo request) {
        return catalog.add(request)
                .map(video -> ResponseEntity.created(URI.create("/api/videos/" + video.id())).body(video));
    }
}

package dev.rollgate.videoapi.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.rollgate.videoapi.VideoApiTest;

@VideoApiTest
class VideoApiTests {

    @Autowired
    WebTestClient client;

    @Autowired
    DatabaseClient db;

    @BeforeEach
    void emptyCatalogue() {
        db.sql("DELETE FROM videos").then().block();
    }

    @Test
    void listsWithDefaultPageAndSize() {
        create("First", 60);

        client.get().uri("/api/videos").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.page").isEqualTo(0)
                .jsonPath("$.size").isEqualTo(20)
                .jsonPath("$.total").isEqualTo(1)
                .jsonPath("$.items[0].title").isEqualTo("First");
    }

    @Test
    void pagesInStableIdOrderEvenWhenStorageOrderDiffers() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(create("Video " + i, 10 + i).id());
        }
        // An UPDATE writes a new row version at the end of the heap, so without ORDER BY id a
        // plain scan would return this row last.
        db.sql("UPDATE videos SET title = 'Video 0 (edited)' WHERE id = :id").bind("id", ids.get(0)).then().block();

        List<Long> seen = new ArrayList<>();
        for (int page = 0; page < 3; page++) {
            VideoPage body = page(page, 2);
            assertThat(body.total()).isEqualTo(5);
            body.items().forEach(v -> seen.add(v.id()));
        }
        assertThat(seen).containsExactlyElementsOf(ids).isSorted();
        assertThat(page(0, 2)).isEqualTo(page(0, 2));
        assertThat(page(3, 2).items()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"size=0", "size=101", "page=-1", "size=abc", "page=x"})
    void rejectsPagingOutsideBounds(String query) {
        String field = query.substring(0, query.indexOf('='));
        client.get().uri("/api/videos?" + query).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains(field))
                .jsonPath("$.errors[0].field").isEqualTo(field);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100})
    void acceptsPageSizesAtTheBounds(int size) {
        client.get().uri("/api/videos?size=" + size).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.size").isEqualTo(size);
    }

    @Test
    void answersUnknownIdWithNotFoundProblem() {
        client.get().uri("/api/videos/987654321").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(404)
                .jsonPath("$.title").isEqualTo("Not Found")
                .jsonPath("$.detail").isEqualTo("Video 987654321 not found")
                .jsonPath("$.instance").isEqualTo("/api/videos/987654321");
    }

    @Test
    void answersNonNumericIdWithBadRequestProblem() {
        client.get().uri("/api/videos/abc").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("id")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("id"));
    }

    @Test
    void createsVideoWithLocationAndReadsItBack() {
        var created = client.post().uri("/api/videos").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("title", "Big Buck Bunny", "durationSeconds", 596, "description", "A rabbit."))
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().value("Location", location -> assertThat(location).matches("/api/videos/\\d+"))
                .expectBody(Video.class).returnResult();
        Video video = created.getResponseBody();
        assertThat(created.getResponseHeaders().getLocation()).hasToString("/api/videos/" + video.id());
        assertThat(video.title()).isEqualTo("Big Buck Bunny");
        assertThat(video.durationSeconds()).isEqualTo(596);
        assertThat(video.description()).isEqualTo("A rabbit.");
        assertThat(video.createdAt()).isNotNull();

        client.get().uri("/api/videos/" + video.id()).exchange()
                .expectStatus().isOk()
                .expectBody(Video.class).isEqualTo(video);
        assertThat(countVideos()).isEqualTo(1);
    }

    @Test
    void acceptsInputAtTheLengthLimits() {
        client.post().uri("/api/videos").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("title", "t".repeat(200), "durationSeconds", 1, "description", "d".repeat(5000)))
                .exchange()
                .expectStatus().isCreated();
    }

    static Stream<Arguments> invalidBodies() {
        return Stream.of(
                Arguments.of("blank title", "{\"title\":\"   \",\"durationSeconds\":60}", "title"),
                Arguments.of("missing title", "{\"durationSeconds\":60}", "title"),
                Arguments.of("201-char title", "{\"title\":\"" + "t".repeat(201) + "\",\"durationSeconds\":60}", "title"),
                Arguments.of("zero duration", "{\"title\":\"T\",\"durationSeconds\":0}", "durationSeconds"),
                Arguments.of("negative duration", "{\"title\":\"T\",\"durationSeconds\":-5}", "durationSeconds"),
                Arguments.of("missing duration", "{\"title\":\"T\"}", "durationSeconds"),
                Arguments.of("fractional duration", "{\"title\":\"T\",\"durationSeconds\":1.5}", "durationSeconds"),
                Arguments.of("overflowing duration", "{\"title\":\"T\",\"durationSeconds\":99999999999}", "durationSeconds"),
                Arguments.of("textual duration", "{\"title\":\"T\",\"durationSeconds\":\"long\"}", "durationSeconds"),
                Arguments.of("5001-char description",
                        "{\"title\":\"T\",\"durationSeconds\":60,\"description\":\"" + "d".repeat(5001) + "\"}", "description"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void rejectsInvalidFieldWithProblemAndStoresNothing(String name, String body, String field) {
        long before = countVideos();

        client.post().uri("/api/videos").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains(field))
                .jsonPath("$.errors[?(@.field == '" + field + "')]").exists();

        assertThat(countVideos()).isEqualTo(before);
    }

    @Test
    void namesEveryInvalidFieldAtOnce() {
        client.post().uri("/api/videos").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"title\":\"\",\"durationSeconds\":0}").exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.errors.length()").isEqualTo(2)
                .jsonPath("$.errors[0].field").isEqualTo("durationSeconds")
                .jsonPath("$.errors[1].field").isEqualTo("title");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"title\": \"T\", \"durationSeconds\": ", "not json", "[1,2"})
    void rejectsMalformedJsonWithProblemAndStoresNothing(String body) {
        long before = countVideos();

        client.post().uri("/api/videos").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isEqualTo(HttpStatus.BAD_REQUEST)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.detail").isEqualTo("Malformed JSON request body");

        assertThat(countVideos()).isEqualTo(before);
    }

    @Test
    void rejectsMissingBodyWithProblem() {
        client.post().uri("/api/videos").contentType(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail").isEqualTo("Request body is required");
    }

    private Video create(String title, int durationSeconds) {
        return client.post().uri("/api/videos").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("title", title, "durationSeconds", durationSeconds))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(Video.class).returnResult().getResponseBody();
    }

    private VideoPage page(int page, int size) {
        return client.get().uri("/api/videos?page={page}&size={size}", page, size).exchange()
                .expectStatus().isOk()
                .expectBody(VideoPage.class).returnResult().getResponseBody();
    }

    private long countVideos() {
        return db.sql("SELECT count(*) FROM videos").map(row -> row.get(0, Long.class)).one().block();
    }
}

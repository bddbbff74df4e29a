package dev.rollgate.videoapi.catalog;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** An ErrorResponse, so the shared problem-detail handling renders it like every other client error. */
class VideoNotFoundException extends ErrorResponseException {

    VideoNotFoundException(long id) {
        super(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "Video " + id + " not found"), null);
    }
}

package dev.rollgate.videoapi.catalog;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** Body of POST /api/videos. Limits match the column sizes in V1 so the database never has to reject input. */
public record NewVideo(
        @NotBlank(message = "must not be blank") @Size(max = 200, message = "must be at most 200 characters") String title,
        @NotNull(message = "is required") @Positive(message = "must be greater than 0") Integer durationSeconds,
        @Size(max = 5000, message = "must be at most 5000 characters") String description) {
}

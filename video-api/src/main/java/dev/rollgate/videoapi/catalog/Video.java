package dev.rollgate.videoapi.catalog;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A catalogue entry; publishedAt stays null until publishing exists (added nullable by V3). */
@Table("videos")
public record Video(@Id Long id, String title, int durationSeconds, String description,
                    Instant createdAt, Instant publishedAt) {
}

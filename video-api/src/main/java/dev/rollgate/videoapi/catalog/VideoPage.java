package dev.rollgate.videoapi.catalog;

import java.util.List;

public record VideoPage(List<Video> items, int page, int size, long total) {
}

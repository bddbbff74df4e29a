package dev.rollgate.videoapi.version;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class VersionController {

    private final AppVersion appVersion;

    VersionController(AppVersion appVersion) {
        this.appVersion = appVersion;
    }

    @GetMapping("/api/version")
    AppVersion version() {
        return appVersion;
    }
}

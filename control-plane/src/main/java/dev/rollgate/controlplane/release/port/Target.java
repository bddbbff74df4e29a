package dev.rollgate.controlplane.release.port;

/** One application in one environment: the unit a platform deploys and routes. */
public record Target(String application, String environment, String namespace) {

    public String key() {
        return application + "/" + environment;
    }
}

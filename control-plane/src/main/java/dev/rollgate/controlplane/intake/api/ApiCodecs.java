package dev.rollgate.controlplane.intake.api;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

import tools.jackson.databind.json.JsonMapper;

/** The API's request bodies are read by {@link StrictBodyDecoder}; custom readers are asked before the defaults. */
@Configuration(proxyBeanMethods = false)
class ApiCodecs implements WebFluxConfigurer {

    private final JsonMapper json;

    ApiCodecs(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        // With the default configuration: the same in-memory limit (413 beyond it) as every other reader.
        configurer.customCodecs().registerWithDefaultConfig(new StrictBodyDecoder(json));
    }
}

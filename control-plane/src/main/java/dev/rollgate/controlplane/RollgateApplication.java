package dev.rollgate.controlplane;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class RollgateApplication {

    public static void main(String[] args) {
        SpringApplication.run(RollgateApplication.class, args);
    }
}

package dev.rollgate.controlplane.web;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;

/** The login page: the configured identity providers, or the local account form when there are none. */
@Controller
public class LoginController {

    private final List<ClientRegistration> providers = new ArrayList<>();

    public LoginController(ObjectProvider<ReactiveClientRegistrationRepository> repository) {
        if (repository.getIfAvailable() instanceof Iterable<?> registrations) {
            registrations.forEach(r -> providers.add((ClientRegistration) r));
        }
    }

    @GetMapping("/login")
    public Rendering login(@RequestParam(required = false) String error, @RequestParam(required = false) String denied,
                           @RequestParam(required = false) String logout) {
        return Rendering.view("login").modelAttribute("providers", providers)
                .modelAttribute("failed", error != null).modelAttribute("denied", denied != null)
                .modelAttribute("loggedOut", logout != null).build();
    }
}

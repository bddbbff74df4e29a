package dev.rollgate.controlplane.web;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

/** The login page: the configured identity providers, or the local account form when there are none. */
@Controller
public class LoginController {

    private final List<ClientRegistration> providers = new ArrayList<>();

    public LoginController(ObjectProvider<ReactiveClientRegistrationRepository> repository) {
        if (repository.getIfAvailable() instanceof Iterable<?> registrations) {
            registrations.forEach(r -> providers.add((ClientRegistration) r));
        }
    }

    /** The outcome arrives as a bare query flag (/login?error, ?denied, ?locked, ?logout). */
    @GetMapping("/login")
    public Rendering login(ServerWebExchange exchange) {
        var flags = exchange.getRequest().getQueryParams();
        return Rendering.view("login").modelAttribute("providers", providers)
                .modelAttribute("failed", flags.containsKey("error"))
                .modelAttribute("denied", flags.containsKey("denied"))
                .modelAttribute("locked", flags.containsKey("locked"))
                .modelAttribute("loggedOut", flags.containsKey("logout")).build();
    }
}

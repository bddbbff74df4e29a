package dev.rollgate.controlplane.web;

import java.security.Principal;
import java.util.List;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

import dev.rollgate.controlplane.release.ReleaseProblem;
import dev.rollgate.controlplane.security.Role;
import dev.rollgate.controlplane.security.TokenService;
import reactor.core.publisher.Mono;

/** Admins issue and revoke API tokens; a new token's secret is shown on the response page once. */
@Controller
public class TokenPageController {

    private final TokenService tokens;

    public TokenPageController(TokenService tokens) {
        this.tokens = tokens;
    }

    @GetMapping("/tokens")
    public Mono<Rendering> list() {
        return page(null, null, null, HttpStatus.OK);
    }

    @PostMapping("/tokens")
    public Mono<Rendering> create(ServerWebExchange exchange, Principal principal) {
        ConsoleUser user = ConsoleUser.of((Authentication) principal);
        exchange.getResponse().getHeaders().setCacheControl("no-store");
        return exchange.getFormData().flatMap(form -> {
            String name = Forms.text(form.getFirst("name"));
            var role = Role.parse(form.getFirst("role"));
            if (!TokenService.validName(name)) {
                return page(null, "Name: " + TokenService.NAME_RULE + ".", name,
                        HttpStatus.UNPROCESSABLE_CONTENT);
            }
            if (role.isEmpty()) {
                return page(null, "Role: choose viewer, release-manager or admin.", name,
                        HttpStatus.UNPROCESSABLE_CONTENT);
            }
            return tokens.create(name, role.get(), user.actor())
                    .flatMap(issued -> page(issued, null, null, HttpStatus.CREATED))
                    .onErrorResume(ReleaseProblem.class, p -> p.kind() == ReleaseProblem.Kind.CONFLICT
                            ? page(null, "Name: an active token is already named '" + name
                            + "'. Revoke it first or choose another name.", name, HttpStatus.CONFLICT)
                            : Mono.error(p));
        });
    }

    @PostMapping("/tokens/{id}/revoke")
    public Mono<Rendering> revoke(@PathVariable UUID id, Principal principal) {
        ConsoleUser user = ConsoleUser.of((Authentication) principal);
        return tokens.revoke(id, user.actor()).flatMap(done -> done
                ? page(null, null, null, HttpStatus.OK)
                : page(null, "No active token " + id + ".", null, HttpStatus.NOT_FOUND));
    }

    private Mono<Rendering> page(TokenService.Issued issued, String error, String name, HttpStatus status) {
        return tokens.list().collectList().map(list -> Rendering.view("tokens").status(status)
                .modelAttribute("tokens", list)
                .modelAttribute("issued", issued)
                .modelAttribute("error", error)
                .modelAttribute("name", name == null ? "" : name)
                .modelAttribute("roles", List.of(Role.values()))
                .build());
    }
}
